"""An organisation number is taken with or without its dash wherever it is entered, and stored
with it (issue 15, point 6)."""

import io

import pytest
from django.core.management import call_command

from digiplan.organisations.models import Huvudman, normalise_organisation_number
from digiplan.organisations.services import huvudman_create


@pytest.mark.parametrize("written", ["2130001234", "213000-1234", " 213000 1234 ", "162130001234"])
def test_every_way_of_writing_the_number_gives_the_one_stored_form(written):
    assert normalise_organisation_number(written) == "213000-1234"


@pytest.mark.parametrize("written", ["", "21300-1234", "213000-12345", "2130001234x", "17213000-1234"])
def test_what_is_no_organisation_number_stays_none(written):
    assert normalise_organisation_number(written) is None


@pytest.mark.django_db
def test_a_huvudman_created_from_the_number_without_its_dash_is_stored_with_it():
    huvudman = huvudman_create(name="Dalby kommun", organisation_number="2130001234")
    assert Huvudman.objects.get(pk=huvudman.pk).organisation_number == "213000-1234"


@pytest.mark.django_db
def test_create_huvudman_takes_the_number_without_its_dash():
    call_command(
        "create_huvudman",
        "--name=Dalby kommun",
        "--orgnr=2130001234",
        "--strategist=strateg@dalby.example",
        stdout=io.StringIO(),
    )
    assert Huvudman.objects.filter(organisation_number="213000-1234").exists()


def test_import_organisation_takes_the_number_without_its_dash(world, tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_text("Namn;Typ;Skolenhetskod;Överordnad\nAlmskolan;Skolenhet;11111111;Område Norr\n")
    # Refused with a CommandError (no such huvudman) if the number were not recognised.
    call_command(
        "import_organisation", str(path), "--huvudman", "2120001234", "--dry-run", stdout=io.StringIO()
    )
