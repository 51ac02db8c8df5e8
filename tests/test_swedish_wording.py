"""One voice in Swedish: sentence case, lower-case month names, no colon after a label unless
the English has one, "Klar" / "Inte klar" as a pair, and "du" rather than "ni". Read from the
catalogue itself and from the dates Django writes in Swedish."""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

PO = Path(settings.BASE_DIR) / "digiplan" / "locale" / "sv" / "LC_MESSAGES" / "django.po"
TEMPLATES = Path(settings.BASE_DIR) / "digiplan" / "templates"
MONTHS = "januari februari mars april maj juni juli augusti september oktober november december".split()
ABBREVIATED = "jan feb mar apr maj jun jul aug sep okt nov dec".split()


def catalogue() -> list[dict]:
    """Each entry of the Swedish .po: msgid, msgid_plural and its msgstrs (one per form)."""
    entries, entry, key = [], None, None
    for line in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        if line.startswith("#"):
            continue
        entry = entry if entry is not None else {"msgstr": {}}
        if match := re.match(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line):
            word, form, value = match[1], int(match[2] or 0), ast.literal_eval(match[3])
            key = ("msgstr", form) if word == "msgstr" else (word, None)
            if word == "msgstr":
                entry["msgstr"][form] = value
            else:
                entry[word] = value
        elif line.startswith('"') and key is not None:
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += value
            else:
                entry[key[0]] += value
    return [e for e in entries if e["msgid"]]


ENTRIES = catalogue()


def translations() -> list[tuple[str, str]]:
    return [(e["msgid"], text) for e in ENTRIES for text in e["msgstr"].values() if text]


def test_the_catalogue_is_read_whole():
    assert len(ENTRIES) > 1000
    by_id = {e["msgid"]: e["msgstr"][0] for e in ENTRIES}
    assert by_id["Main menu"] == "Huvudmeny"


def test_no_swedish_label_ends_with_a_colon_the_english_does_not_have():
    extra = [(i, s) for i, s in translations() if s.rstrip().endswith(":") and not i.rstrip().endswith(":")]
    assert extra == []


def test_no_swedish_text_ends_without_the_colon_the_english_has():
    # A lead-in ("Förra året:") keeps its colon; a label's colon is dropped in both languages.
    missing = [(i, s) for i, s in translations() if i.rstrip().endswith(":") and not s.rstrip().endswith(":")]
    assert missing == []


def test_no_capitalised_month_name_inside_a_sentence():
    capitalised = "|".join(m.capitalize() for m in MONTHS)
    found = [(i, s) for i, s in translations() if re.search(rf"(?<=[\wåäö,)%] )({capitalised})\b", s)]
    assert found == []


def test_done_and_not_done_are_one_pair():
    by_id = {e["msgid"]: e["msgstr"][0] for e in ENTRIES if "msgctxt" not in e}
    assert by_id["Done"] == "Klar"
    assert by_id["Not done"] == "Inte klar"
    assert not [s for _i, s in translations() if re.fullmatch(r"(Inte|Ej) klara?", s) and s != "Inte klar"]


def test_the_reader_is_du_not_ni():
    plural_you = re.compile(r"\b([Nn]i|[Ee]ra|[Ee]rt|[Ee]r)\b(?! [a-zåäö]+-)")
    found = [(i, s) for i, s in translations() if plural_you.search(s)]
    assert found == []


def _date_formats() -> set[str]:
    """Every format a template gives the date filter, except where capfirst begins a heading."""
    formats = set()
    for template in TEMPLATES.rglob("*.html"):
        for match in re.finditer(r"""\|date:["']([^"']+)["'](\|capfirst)?""", template.read_text()):
            if not match[2]:
                formats.add(match[1])
    return formats


@pytest.mark.parametrize("month", range(1, 13))
def test_dates_in_swedish_have_lower_case_month_names(month):
    formats = _date_formats()
    assert "j F Y" in formats
    day = datetime.datetime(2026, month, 5, 14, 30)
    with translation.override("sv"):
        for fmt in sorted(formats) + ["DATE_FORMAT", "SHORT_DATE_FORMAT"]:
            written = Template("{{ day|date:fmt }}").render(Context({"day": day, "fmt": fmt}))
            words = re.findall(r"[A-Za-zåäöÅÄÖ]+", written)
            capitalised = [w for w in words if w.lower() in MONTHS + ABBREVIATED and w != w.lower()]
            assert capitalised == [], (fmt, written)
