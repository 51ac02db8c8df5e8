"""The framework file and the plan's own roles and dates: every new field goes out and comes
back, and a key the format does not know is refused with its line, never dropped."""

from pathlib import Path

import pytest
from django.core.management import call_command

from digiplan.frameworks.exchange import FrameworkFileError, export_framework, import_framework, parse
from digiplan.frameworks.exchange.holders import ERROR_NO_HUVUDMAN, ERROR_UNKNOWN_TITLE
from digiplan.frameworks.models import Framework
from digiplan.organisations.models import Group
from digiplan.organisations.services import role_title_save
from tests.frameworks.test_roles_and_dates import PLAN

BUILTIN = Path(__file__).resolve().parents[2] / "digiplan" / "frameworks" / "builtin"
SMALL = """\
format: digiplan-framework/1
slug: liten-plan
name: Liten plan
kind: plan
source: Test
items:
  - {code: A, kind: area, title: Ett område}
"""


def _errors(text: str) -> list[tuple[int, str]]:
    with pytest.raises(FrameworkFileError) as error:
        parse(text)
    return error.value.errors


def _plan_text() -> str:
    return PLAN.format(valid_to="2027-12-31", follow_up="2026-03-01")


@pytest.mark.django_db
def test_a_version_key_is_refused_with_its_line_in_swedish():
    errors = _errors(SMALL.replace("source: Test\n", "source: Test\nversion: 3\n"))
    assert errors == [(6, errors[0][1])]
    assert "Okänd nyckel ”version”" in errors[0][1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("decision", 'decision: {body: Nämnden, paragraf: "§ 3"}\n'),
        ("follow-up", "follow_ups:\n  - {date: '2026-01-01', text: Uppföljning, owner: Sara}\n"),
    ],
)
def test_an_unknown_key_in_the_new_parts_is_refused_with_its_line(where, text):
    errors = _errors(SMALL + text)
    assert errors and all("Okänd nyckel" in message for _line, message in errors), where
    assert errors[0][0] >= 8, where


@pytest.mark.django_db
def test_an_unknown_key_in_a_targets_owner_is_refused():
    text = SMALL + "targets:\n  - metric: m\n    value: 1\n    owner: {person: Sara}\n"
    errors = _errors(text)
    assert (11, "Okänd nyckel ”person”") in [(line, message[:21]) for line, message in errors]


@pytest.mark.django_db
def test_a_date_that_is_not_a_date_is_refused_in_swedish():
    errors = _errors(SMALL + "valid_to: 31/12/2027\n")
    assert errors == [(8, "”valid_to” måste vara ett datum skrivet ÅÅÅÅ-MM-DD.")]


@pytest.mark.django_db
def test_a_duty_names_one_holder_only():
    errors = _errors(SMALL + "responsibilities:\n  - {role: staff, party: Leverantören, text: Göra}\n")
    assert "bara en av dem" in errors[0][1]


def test_the_new_fields_go_out_and_come_back(world):
    role_title_save(actor=None, huvudman=world.huvudman, role="coordinator", name="IT-pedagog")
    first = import_framework(_plan_text(), huvudman=world.huvudman, actor=None, publish=True)
    text = export_framework(first)
    for expected in (
        "valid_from: '2025-01-01'",
        "body: Barn- och utbildningsnämnden",
        "reference: BUN § 112",
        "group: Lokala IT-gruppen",
        "party: Leverantören",
        "title: it-PEDAGOG",
        "due_date: '2026-06-30'",
        "measured_by: Antal enheter",
        "text: Uppföljning av målen i nämnden",
    ):
        assert expected in text, expected
    again = import_framework(text, huvudman=world.huvudman, actor=None, publish=True)
    assert export_framework(again) == text
    # Importing again binds the same group, never a copy of it.
    assert Group.objects.filter(huvudman=world.huvudman).count() == 1


def test_a_targets_owner_must_be_one_of_the_huvudmans_titles(world):
    with pytest.raises(FrameworkFileError) as error:
        import_framework(_plan_text(), huvudman=world.huvudman, actor=None)
    assert error.value.errors == [(20, str(ERROR_UNKNOWN_TITLE) % {"name": "IT-pedagog"})]
    assert not Framework.objects.filter(slug="sjovik-it-plan").exists()


@pytest.mark.django_db
def test_a_built_in_framework_cannot_name_a_group():
    text = SMALL + "responsibilities:\n  - {group: Lokala IT-gruppen, text: Göra}\n"
    with pytest.raises(FrameworkFileError) as error:
        import_framework(text, huvudman=None, actor=None)
    assert error.value.errors == [(9, str(ERROR_NO_HUVUDMAN))]
    assert not Group.objects.exists()


@pytest.mark.django_db
def test_the_built_in_frameworks_still_load():
    call_command("load_frameworks", verbosity=0)
    assert Framework.objects.filter(huvudman__isnull=True).count() == len(list(BUILTIN.glob("*.yaml")))
