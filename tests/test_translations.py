"""The Swedish catalogue is complete, and the committed .mo is what the .po compiles to."""

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "digiplan" / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def _entries():
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        yield "\n".join(lines)


def test_every_message_has_a_swedish_translation():
    untranslated = []
    for block in _entries():
        msgid = re.search(r'^msgid "(.*)"', block, re.M).group(1)
        if not msgid and "msgid_plural" not in block:
            continue  # the header
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        if any(not (first + rest).replace('"', "").strip() for first, rest in strings):
            untranslated.append(msgid)
        if re.search(r"^#,.*\bfuzzy\b", block, re.M):
            untranslated.append(f"fuzzy: {msgid}")
    assert not untranslated, untranslated[:20]


def test_the_committed_mo_matches_the_po(tmp_path):
    if not shutil.which("msgfmt"):
        if os.environ.get("CI") == "true":
            pytest.fail("msgfmt (Debian's gettext) is missing; make test installs it")
        pytest.skip("msgfmt is not installed (apt-get install gettext)")
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(PO)], check=True)
    with fresh.open("rb") as a, PO.with_suffix(".mo").open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog, (
            "run `make messages` and commit the .mo"
        )
