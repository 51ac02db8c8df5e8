import pytest
from django.core.management import call_command

from digiplan.frameworks.exchange import FrameworkFileError, export_framework, import_framework
from digiplan.frameworks.models import Framework, Item
from tests.framework_helpers import MUNICIPAL, NATIONAL, build_frameworks


def test_export_import_export_is_identical(world):
    fw = build_frameworks(world)
    first = export_framework(fw.published)
    again = import_framework(first, huvudman=world.huvudman, actor=None, publish=True)
    assert export_framework(again) == first


def test_export_names_the_exact_version_it_links_to(world):
    fw = build_frameworks(world)
    text = export_framework(fw.published)
    assert "nationell-test@1:1.2" in text and "value: 0.2" in text
    assert "title: Undervisande personal" in text


def _errors(text):
    with pytest.raises(FrameworkFileError) as error:
        import_framework(text, huvudman=None, actor=None)
    return error.value.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, line, fragment",
    [
        (("kind: national", "kind: national\ncolour: blue"), 5, "Okänd nyckel ”colour”"),
        (('- {code: "1.2"', '- {code: "1.1"'), 20, "används två gånger"),
        (("scale: status-test", "scale: saknas"), 0, "är inte definierad"),
    ],
)
def test_bad_files_are_refused_with_line_numbers(change, line, fragment):
    national = NATIONAL.replace(*change) if change[0] in NATIONAL else NATIONAL
    text = national if "scale:" not in change[0] else MUNICIPAL.replace(*change)
    errors = _errors(text)
    assert any(fragment in message for _line, message in errors), errors
    if line:
        assert any(got == line and fragment in message for got, message in errors), errors
    assert not Framework.objects.exists()


@pytest.mark.django_db
def test_each_kind_of_bad_input_is_refused_and_nothing_is_written():
    import_framework(NATIONAL, huvudman=None, actor=None, publish=True)
    before = Item.objects.count()
    cases = {
        "link to nothing": MUNICIPAL.replace("nationell-test:1.2", "nationell-test:9.9"),
        "link cycle": MUNICIPAL.replace('links: ["nationell-test:2.1"]', 'links: ["DK.1"]')
        .replace('links: ["nationell-test:1.2"]', 'links: ["LT"]')
        .replace('links: ["nationell-test:1"]', 'links: ["DK.1"]'),
        "indicator without scale": MUNICIPAL.replace("scale: status-test\n", ""),
        "one-level scale": NATIONAL.replace(
            "      - {value: 2, label: Påbörjad}\n      - {value: 3, label: Uppnådd}\n", ""
        ),
        "huge title": MUNICIPAL.replace("title: Digital kompetens\n", "title: " + "x" * 5_000_000 + "\n"),
        "not yaml": "format: [unclosed",
        "not a mapping": "- a\n- b\n",
    }
    for name, text in cases.items():
        with pytest.raises(FrameworkFileError):
            import_framework(text, huvudman=None, actor=None)
        assert Item.objects.count() == before, name


@pytest.mark.django_db
def test_html_in_titles_is_kept_as_text():
    version = import_framework(
        NATIONAL.replace("Likvärdig tillgång och användning", "<script>alert(1)</script>"),
        huvudman=None,
        actor=None,
        publish=True,
    )
    assert version.items.get(code="2").title == "<script>alert(1)</script>"


@pytest.mark.django_db
def test_the_commands_round_trip(tmp_path, capsys):
    path = tmp_path / "n.yaml"
    path.write_text(NATIONAL, encoding="utf-8")
    call_command("import_framework", str(path), "--publish")
    assert "5 punkter, v1" in capsys.readouterr().out
    call_command("export_framework", "nationell-test")
    first = capsys.readouterr().out
    path.write_text(first, encoding="utf-8")
    call_command("import_framework", str(path), "--publish")
    capsys.readouterr()
    call_command("export_framework", "nationell-test")
    assert capsys.readouterr().out == first


@pytest.mark.django_db
def test_a_bad_file_makes_the_command_fail(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.yaml"
    path.write_text("format: digiplan-framework/1\nslug: x\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_framework", str(path))
