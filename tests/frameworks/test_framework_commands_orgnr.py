"""export_framework and import_framework: --huvudman takes the organisation number with or
without its dash, and a command that cannot tell which framework is meant says what to pass
(issue 15, point 6)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from digiplan.frameworks.exchange import import_framework
from digiplan.frameworks.models import Framework
from tests.assessment_helpers import INDICATORS


def _export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_framework", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("number", ["212000-1234", "2120001234", "212000 1234"])
def test_export_framework_finds_the_huvudman_however_the_number_is_written(world, number):
    import_framework(INDICATORS, huvudman=world.huvudman, actor=None, publish=True)
    assert "slug: skattning-test" in _export("skattning-test", "--huvudman", number)


def test_import_framework_takes_the_number_without_its_dash(world, tmp_path):
    path = tmp_path / "ramverk.yaml"
    path.write_text(INDICATORS, encoding="utf-8")
    call_command("import_framework", str(path), "--huvudman", "2120001234", stdout=io.StringIO())
    assert Framework.objects.filter(huvudman=world.huvudman, slug="skattning-test").exists()


def test_import_framework_names_a_number_that_is_no_organisation_number(world, tmp_path):
    path = tmp_path / "ramverk.yaml"
    path.write_text(INDICATORS, encoding="utf-8")
    with pytest.raises(CommandError, match="”21200-1234” är inte ett organisationsnummer"):
        call_command("import_framework", str(path), "--huvudman", "21200-1234")


def test_export_framework_without_huvudman_lists_whose_framework_the_slug_is(world):
    import_framework(INDICATORS, huvudman=world.huvudman, actor=None, publish=True)
    import_framework(INDICATORS, huvudman=world.other_huvudman, actor=None, publish=True)
    with pytest.raises(CommandError) as refused:
        _export("skattning-test")
    message = str(refused.value)
    assert "skattning-test är inte ett inbyggt ramverk" in message
    assert "Sjöviks kommun (--huvudman 212000-1234)" in message
    assert "Friskolan Exempel AB (--huvudman 556000-0002)" in message


def test_export_framework_with_an_unknown_slug_says_what_to_pass(world):
    with pytest.raises(
        CommandError, match="Inget ramverk har kortnamnet finns-inte. Ange ramverkets kortnamn"
    ):
        _export("finns-inte")


def test_import_framework_does_not_replace_a_draft_unless_asked(world, tmp_path):
    """As on the page (issue 15, point 6): a draft someone works on is not silently replaced."""
    draft = import_framework(INDICATORS, huvudman=world.huvudman, actor=None)
    draft.items.filter(code="KOMP.L1").delete()
    path = tmp_path / "ramverk.yaml"
    path.write_text(INDICATORS, encoding="utf-8")
    with pytest.raises(CommandError, match="har redan ett utkast.*--replace-draft"):
        call_command("import_framework", str(path), "--huvudman", "212000-1234")
    assert Framework.objects.get(huvudman=world.huvudman, slug="skattning-test").versions.get() == draft
    assert not draft.items.filter(code="KOMP.L1").exists()
    call_command(
        "import_framework", str(path), "--huvudman", "212000-1234", "--replace-draft", stdout=io.StringIO()
    )
    replaced = Framework.objects.get(huvudman=world.huvudman, slug="skattning-test").versions.get()
    assert replaced.items.filter(code="KOMP.L1").exists()
