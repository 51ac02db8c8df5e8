"""Complementary suppression, proved over every scope the product offers.

The organisation: eight units in two administrations (Utbildningsförvaltningen with Område Norr
and Område Söder; Förskoleförvaltningen) and two school forms, three of them below k (Norrgläntan
has three staff answers, Sjöskolan four, and Förskolan Ekorren's KOMP.P1 three answers that
count), over two school years. Unit A and unit B of the shared world lie in Område Norr too,
outside the campaigns.

1. Enumeration. A strategist publishes a public report for every scope the publish form offers
   (the whole, every administration and area, every school form, every node × form), one after
   the other. After each, the test reads the released figures back from the reports' data (a
   withheld figure is None), checks each against its own arithmetic from the answers (so that it
   knows exactly which units each figure rests on), and proves by exact Gaussian elimination,
   written here and independent of the product's, that no combination of the released figures of
   one kind — with the organisation medians every unit's report shows — is supported on fewer
   than three units, and that nobody who sees all units of an administration or area can isolate
   a single unit outside it.

2. Perturbation. Every page and file a strategist opens (organisation and unit reports with
   every filter, as HTML, CSV, XLSX and PDF text, the results pages and downloads, the public
   report data and its SVG charts) is captured, the answers of the units and figures below k are
   changed behind the scenes, the stored figures are computed again as closing computes them,
   and everything is captured again: not one byte may differ.
"""

import copy
import io
import itertools
import json
import re
import statistics
from fractions import Fraction

import openpyxl
import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from digiplan.assessments import selectors as results
from digiplan.assessments.models import Answer, Campaign, OrgResultFigures, ResultFigures, ResultSnapshot
from digiplan.organisations import access
from digiplan.organisations import services as org_services
from digiplan.organisations.models import OrganisationType
from digiplan.plans import services as plan_services
from digiplan.plans.models import ActivityStatus
from digiplan.reports import public, public_pdf, selectors
from tests.assessments.test_results import framework, new_unit, run_campaign
from tests.pdf_helpers import pdf_text

K = 5
MIN_UNITS = 3
YEARS = ("2025/26", "2026/27")
# name: (area, school forms, {year: (LED.P1 answers, KOMP.P1 answers)}, {year: pupil answers},
#        {year: (LED.L1, KOMP.L1) leader levels}, plan (goals, activities) or None)
UNITS = {
    "Nordskolan": (
        "norr",
        ("GR",),
        {0: ((3, 4, 3, 4, 4, 3), (2, 3, 3, 2, 3, 3)), 1: ((4, 4, 3, 5, 4, 4), (3, 3, 4, 2, 3, 4))},
        {0: (4, 4, 5, 3, 4), 1: (4, 5, 5, 3, 4, 4)},
        {0: (3, 2), 1: (4, 3)},
        (1, 3),
    ),
    "Norrbyskolan": (
        "norr",
        ("GR",),
        {0: ((2, 2, 2, 3, 2), (1, 2, 2, 2, 1)), 1: ((2, 3, 2, 3, 2), (2, 2, 3, 2, 3))},
        {1: (3, 3, 2, 3, 3)},
        {},
        (2, 1),
    ),
    "Norrgläntan": ("norr", ("FS",), {0: ((5, 1, 4), (2, 5, 1)), 1: ((5, 1, 4), (2, 5, 1))}, {}, {}, None),
    "Södra skolan": (
        "soder",
        ("GR",),
        {0: ((3, 3, 3, 4, 3), (4, 3, 4, 4, 4)), 1: ((3, 3, 4, 3, 3, 4, 3), (4, 4, 3, 4, 5, 4, 4))},
        {0: (2, 3, 3, 3, 2), 1: (3, 2, 3, 3, 2, 3)},
        {0: (4, 4), 1: (5, 4)},
        (1, 2),
    ),
    "Sjöskolan": (
        "soder",
        ("GR",),
        {0: ((1, 2, 5, 5), (3, 1, 4, 2)), 1: ((1, 2, 5, 5), (3, 1, 4, 2))},
        {1: (5, 1)},
        {},
        (1, 4),
    ),
    "Solgläntan": (
        "soder",
        ("FS", "GR"),
        {1: ((4, 5, 5, 4, 5), (1, 2, 2, 1, 2))},
        {1: (2, 2, 3, 2, 2)},
        {1: (3, 1)},
        (1, 1),
    ),
    "Förskolan Ekorren": (
        "forskola",
        ("FS",),
        {0: ((3, 3, 2, 3, 3), (4, 5, 4, 4, 5)), 1: ((3, 2, 3, 3, 2, 3), (5, "na", "na", "na", 4, 5))},
        {},
        {1: (2, 2)},
        (1, 2),
    ),
    "Förskolan Igelkotten": ("forskola", ("FS",), {1: ((2, 2, 1, 2, 2), (3, 4, 4, 3, 3))}, {}, {}, (1, 5)),
}
BELOW_K = ("Norrgläntan", "Sjöskolan")  # every staff figure; Ekorren's KOMP.P1 in year 2
AREAS = {
    "LED": {"staff": "LED.P1", "leader": "LED.L1"},
    "KOMP": {"staff": "KOMP.P1", "pupil": "KOMP.E1", "leader": "KOMP.L1"},
}


# ---- The organisation ------------------------------------------------------------------------


def build(world):
    forskola = org_services.organisation_create(
        actor=None, parent=world.root, type=OrganisationType.FORVALTNING, name="Förskoleförvaltningen"
    )
    soder = org_services.organisation_create(
        actor=None, parent=world.forvaltning, type=OrganisationType.OMRADE, name="Område Söder"
    )
    parents = {"norr": world.omrade, "soder": soder, "forskola": forskola}
    units = {
        name: new_unit(world, name, parent=parents[area], school_forms=forms)
        for name, (area, forms, *_rest) in UNITS.items()
    }
    version = framework(world)
    campaigns = []
    for year, school_year in enumerate(YEARS):
        staff, pupils, leader = {}, {}, {}
        for name, (_area, _forms, answers, pupil, levels, _plan) in UNITS.items():
            if year in answers:
                led, komp = answers[year]
                staff[units[name]] = [{"LED.P1": a, "KOMP.P1": b} for a, b in zip(led, komp, strict=True)]
            if pupil.get(year):
                pupils[units[name]] = [{"KOMP.E1": v} for v in pupil[year]]
            if year in levels:
                leader[units[name]] = ({"LED.L1": levels[year][0], "KOMP.L1": levels[year][1]}, {})
        run = run_campaign(
            world,
            version,
            staff,
            pupils=pupils,
            leader=leader,
            units=list(staff),
            school_year=school_year,
            name=f"Skattning {year}",
        )
        campaigns.append(run.campaign)
    for name, (*_rest, plan) in UNITS.items():
        if plan is None:
            continue
        goals, activities = plan
        created = plan_services.plan_create(
            actor=world.strategist, organisation=units[name], school_year=YEARS[1], title=f"Plan {name}"
        )
        made = [
            plan_services.goal_create(actor=world.strategist, plan=created, title=f"Mål {n}")
            for n in range(goals)
        ]
        for number in range(activities):
            plan_services.activity_create(
                actor=world.strategist,
                plan=created,
                goal=made[number % goals],
                title=f"Aktivitet {number}",
                status=(ActivityStatus.DONE, ActivityStatus.PLANNED)[number % 2],
            )
        plan_services.plan_publish(actor=world.strategist, plan=created)
    nodes = {
        "Utbildningsförvaltningen": world.forvaltning,
        "Område Norr": world.omrade,
        "Område Söder": soder,
        "Förskoleförvaltningen": forskola,
    }
    return units, campaigns, nodes


@pytest.fixture
def org(world):
    units, campaigns, nodes = build(world)
    return {"units": units, "campaigns": campaigns, "nodes": nodes}


# ---- The test's own arithmetic ---------------------------------------------------------------


def _mean_if_shown(values) -> float | None:
    counting = [v for v in values if v != "na"]
    return statistics.mean(counting) if len(counting) >= K else None


def unit_means(name: str, year: int) -> dict[tuple[str, str], float | None]:
    """(area, group) → the unit's area mean, as the pages define it; absent: not asked."""
    _area, _forms, answers, pupils, levels, _plan = UNITS[name]
    found = {}
    if year in answers:
        found[("LED", "staff")] = _mean_if_shown(answers[year][0])
        found[("KOMP", "staff")] = _mean_if_shown(answers[year][1])
    if pupils.get(year):
        found[("KOMP", "pupil")] = _mean_if_shown(pupils[year])
    if year in levels:
        found[("LED", "leader")], found[("KOMP", "leader")] = map(float, levels[year])
    return found


def scope_names(world, org, node, form) -> set[str]:
    """The units of a scope, from the test's own description of the organisation (unit A and B
    lie in Område Norr, both GR, B also FTH)."""
    extra = {world.unit_a.name: ("norr", ("GR",)), world.unit_b.name: ("norr", ("GR", "FTH"))}
    every = {**{n: (a, f) for n, (a, f, *_r) in UNITS.items()}, **extra}
    areas = {
        None: {"norr", "soder", "forskola"},
        "Utbildningsförvaltningen": {"norr", "soder"},
        "Område Norr": {"norr"},
        "Område Söder": {"soder"},
        "Förskoleförvaltningen": {"forskola"},
    }[node]
    return {n for n, (area, forms) in every.items() if area in areas and (not form or form in forms)}


def in_year(names, year) -> set[str]:
    return {n for n in names if n in UNITS and year in UNITS[n][2]}


def shown_in(names, year, area, group) -> set[str]:
    return {n for n in in_year(names, year) if unit_means(n, year).get((area, group)) is not None}


# ---- Exact linear algebra, written here --------------------------------------------------------


def rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows if any(r)]
    found = 0
    columns = len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((i for i in range(found, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for i in range(len(rows)):
            if i != found and rows[i][column] != 0:
                factor = rows[i][column] / rows[found][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[found], strict=True)]
        found += 1
    return found


def _matrix(family: list[set[str]], columns: list[str]) -> list[list[Fraction]]:
    return [[Fraction(int(c in s)) for c in columns] for s in family]


def isolated(family: list[set[str]], *, below: int, known: set[str] = frozenset()) -> list[set]:
    """Every set C of fewer than `below` units outside `known` such that some combination of the
    family's totals, with the known units' own figures, is supported inside C."""
    columns = sorted(set().union(*family) - set(known)) if family else []
    full = rank(_matrix(family, columns))
    found = []
    for size in range(1, below):
        for chosen in itertools.combinations(columns, size):
            rest = [c for c in columns if c not in chosen]
            if rank(_matrix(family, rest)) < full:
                found.append(set(chosen))
    return found


# ---- Reading what the reports released ---------------------------------------------------------


def released(report, world, org, scope) -> dict[tuple, set[str]]:
    """Kind → the units its figures in this report rest on, for every figure the report shows;
    each figure is checked against the test's own arithmetic on the way."""
    data, year = report.data, YEARS.index(report.school_year)
    names = scope_names(world, org, *scope)
    found: dict[tuple, set[str]] = {}

    def add(kind, units):
        assert found.setdefault(kind, units) == units, kind

    p = data["participation"]
    if p and p["answered"] is not None:
        units = in_year(names, year)
        assert p["answered"] == sum(len(UNITS[n][2][year][0]) for n in units)
        assert p["pupil_responses"] == sum(len(UNITS[n][3].get(year, ())) for n in units)
        add(("counts", year), units)
    for row in data["areas"]:
        if row["units_shown"] is not None:
            assert row["units_shown"] == len(shown_in(names, year, row["code"], "staff"))
            add(("counts", year), in_year(names, year))
        if row["median"] is not None:
            units = shown_in(names, year, row["code"], "staff")
            assert row["median"] == pytest.approx(
                statistics.median(unit_means(n, year)[(row["code"], "staff")] for n in units)
            )
            add(("median", year, row["code"], "staff"), units)
        if row["change"] is not None:
            add(("median", year - 1, row["code"], "staff"), shown_in(names, year - 1, row["code"], "staff"))
    years = [YEARS.index(y) for y in data["trend"]["years"]]
    for area in data["trend"]["areas"]:
        for line in area["lines"]:
            for y, value, count in zip(years, line["values"], line["units"], strict=True):
                units = shown_in(names, y, area["code"], line["group"])
                if count is not None:
                    assert count == len(units)
                    add(("counts", y), in_year(names, y))
                if value is not None:
                    assert value == pytest.approx(
                        statistics.median(unit_means(n, y)[(area["code"], line["group"])] for n in units)
                    )
                    add(("median", y, area["code"], line["group"]), units)
    plans = data["plans"]
    if not plans["withheld"]:
        with_plan = {n for n in names if n in UNITS and UNITS[n][5]}
        assert plans["units_with_plan"] == len(with_plan)
        assert plans["goals"] == sum(UNITS[n][5][0] for n in with_plan)
        assert plans["activities"] == sum(UNITS[n][5][1] for n in with_plan)
        add(("plans",), names)
    return found


def every_units_report(kind) -> set[str] | None:
    """What every unit's own report shows of a median kind: the median over every unit of the
    campaign with a figure (from three), which each leader reads."""
    if kind[0] != "median":
        return None
    _median, year, area, group = kind
    units = shown_in(set(UNITS), year, area, group)
    return units if len(units) >= MIN_UNITS else None


def scopes_offered(client, org) -> list[tuple[str | None, str]]:
    """The scopes of the publish form: nothing, every node, every school form, node × form."""
    page = client.get(reverse("public_report_list")).content.decode()
    nodes = {
        name: pk
        for pk, name in re.findall(
            r'<option value="(\d+)">([^<]+)</option>', page.split('name="node"')[1].split("</select>")[0]
        )
    }
    forms = re.findall(
        r'<option value="([A-Z]+)">', page.split('name="school_form"')[1].split("</select>")[0]
    )
    assert set(nodes) == set(org["nodes"]) and set(forms) == {"FS", "FTH", "GR"}
    return [
        (None, ""),
        *((n, "") for n in nodes),
        *((None, f) for f in forms),
        *itertools.product(nodes, forms),
    ]


def publish(client, org, scope, year):
    node, form = scope
    response = client.post(
        reverse("public_report_create"),
        {
            "school_year": year,
            "title": f"{year} {node or 'Alla'} {form}",
            "node": org["nodes"][node].pk if node else "",
            "school_form": form,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize("order", ["as offered", "reversed"])
def test_no_family_of_published_reports_isolates_fewer_than_three_units(world, org, client_for, order):
    from digiplan.reports.models import PublicReport

    client = client_for("strategist")
    scopes = scopes_offered(client, org)
    assert len(scopes) == 20
    plan = [((None, ""), YEARS[0])] + [
        (s, YEARS[1]) for s in (scopes if order == "as offered" else scopes[::-1])
    ]
    families: dict[tuple, list[set[str]]] = {}
    shown_somewhere = set()
    for scope, year in plan:
        publish(client, org, scope, year)
        report = PublicReport.objects.order_by("-pk").first()
        for kind, units in released(report, world, org, scope).items():
            families.setdefault(kind, []).append(units)
            shown_somewhere.add(kind[0])
        for kind, family in families.items():
            whole = every_units_report(kind)
            seen = family + ([whole] if whole else [])
            # The public, and a leader who knows the own unit: no group under three units.
            assert isolated(seen, below=MIN_UNITS) == [], (scope, kind, family)
            # Whoever sees every unit of an administration or area: no single unit outside.
            # (A unit's report below it hides the whole's median when one unit lies outside.)
            for node in org["nodes"]:
                known = scope_names(world, org, node, "")
                theirs = family + ([whole] if whole and len(whole - known) != 1 else [])
                assert isolated(theirs, below=2, known=known) == [], (scope, kind, node)
    # Not vacuous: every kind of figure was published somewhere, the first reports in full.
    assert shown_somewhere == {"counts", "median", "plans"}
    if order == "as offered":
        whole = PublicReport.objects.filter(school_year=YEARS[1]).order_by("pk").first()
        assert not whole.data["participation"]["withheld"]
        assert not whole.data["plans"]["withheld"]
        assert any(a["median"] is not None for a in whole.data["areas"])


# ---- Perturbation ------------------------------------------------------------------------------


def _visible(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _cells(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def _get(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    return b"".join(response) if response.streaming else response.content


def everything(client, world, org) -> dict[str, object]:
    """Every page and file a strategist can open about the two years, under every filter."""
    shown: dict[str, object] = {}
    nodes = [None, *org["nodes"].values()]
    filters = [
        {**({"nod": n.pk} if n else {}), **({"skolform": f} if f else {})}
        for n in nodes
        for f in ("", "GR", "FS", "FTH")
    ]
    for year in YEARS:
        for params in filters:
            query = {"ar": year, **params}
            key = json.dumps(query, sort_keys=True)
            shown[f"org {key}"] = _visible(_get(client, reverse("report_org"), query).decode())
            shown[f"org csv {key}"] = _get(client, reverse("report_org_export", args=["csv"]), query)
            shown[f"org xlsx {key}"] = _cells(
                _get(client, reverse("report_org_export", args=["xlsx"]), query)
            )
            shown[f"answers {key}"] = _cells(_get(client, reverse("report_answers_export"), query))
        for unit in org["units"].values():
            query = {"ar": year}
            shown[f"unit {unit.name} {year}"] = _visible(
                _get(client, reverse("report_unit", args=[unit.pk]), query).decode()
            )
            for fmt in ("csv", "xlsx"):
                content = _get(client, reverse("report_export", args=[unit.pk, fmt]), query)
                shown[f"unit {fmt} {unit.name} {year}"] = _cells(content) if fmt == "xlsx" else content
    for campaign in org["campaigns"]:
        for params in [
            {},
            *({"nod": n.pk} for n in org["nodes"].values()),
            {"skolform": "GR"},
            {"skolform": "FS"},
        ]:
            key = f"{campaign.pk} {json.dumps(params, sort_keys=True)}"
            shown[f"results {key}"] = _visible(
                _get(client, reverse("results_org", args=[campaign.pk]), params).decode()
            )
            shown[f"results csv {key}"] = _get(
                client, reverse("results_export", args=[campaign.pk, "csv"]), params
            )
            shown[f"results xlsx {key}"] = _cells(
                _get(client, reverse("results_export", args=[campaign.pk, "xlsx"]), params)
            )
        for unit in org["units"].values():
            if campaign.units.filter(unit=unit).exists():
                shown[f"results unit {campaign.pk} {unit.name}"] = _visible(
                    _get(client, reverse("results_unit", args=[campaign.pk, unit.pk])).decode()
                )
    shown["org pdf"] = pdf_text(_get(client, reverse("report_org_export", args=["pdf"]), {"ar": YEARS[1]}))
    shown["unit pdf"] = pdf_text(
        _get(client, reverse("report_export", args=[org["units"]["Nordskolan"].pk, "pdf"]), {"ar": YEARS[1]})
    )
    managed = access.managed_nodes(world.strategist)
    for node in nodes:
        for form in ("", "GR", "FS", "FTH"):
            data = public.public_data(
                selectors.report_units(managed, node=node, school_form=form), YEARS[1], world.huvudman
            )
            charts = public_pdf.labels_and_charts(copy.deepcopy(data))
            shown[f"public {node} {form}"] = json.dumps(data, sort_keys=True, default=str)
            shown[f"public svg {node} {form}"] = str(charts["medians"].svg) if charts["medians"] else None
    return shown


def close_again(campaigns) -> None:
    """The stored figures and snapshot computed again from the answers, as closing does."""
    for campaign in Campaign.objects.filter(pk__in=[c.pk for c in campaigns]):
        ResultSnapshot.objects.filter(campaign=campaign).delete()
        ResultFigures.objects.filter(campaign=campaign).delete()
        ResultSnapshot.objects.create(campaign=campaign, data=results.snapshot_data(campaign))
        ResultFigures.objects.bulk_create(
            ResultFigures(campaign=campaign, unit_id=unit_id, **row)
            for unit_id, row in results.result_figures(campaign).items()
        )
        # The organisation's own figures, from those (issue 17).
        OrgResultFigures.objects.update_or_create(
            campaign=campaign, defaults={"data": results.org_figures_data(campaign)}
        )
    # The organisation page keeps a closed campaign's figures in the cache (they never change
    # once it is closed): forget them, so that the pages after are computed again.
    cache.clear()


def test_no_page_or_file_changes_with_what_the_units_below_k_answered(world, org, client_for):
    client = client_for("strategist")
    before = everything(client, world, org)
    hidden = Answer.objects.filter(value__isnull=False, response__unit__name__in=BELOW_K)
    ekorren = Answer.objects.filter(
        value__isnull=False,
        item__code="KOMP.P1",
        response__unit__name="Förskolan Ekorren",
        response__campaign=org["campaigns"][1],
    )
    assert hidden.count() == 2 * (2 * 3 + 2 * 4) + 2 and ekorren.count() == 3
    hidden.update(value=6 - F("value"))
    ekorren.update(value=6 - F("value"))
    close_again(org["campaigns"])
    after = everything(client, world, org)
    assert before.keys() == after.keys()
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    # The capture does see answers: change one shown unit's and the reports move.
    Answer.objects.filter(response__unit__name="Nordskolan", item__code="LED.P1", value=3).update(value=1)
    close_again(org["campaigns"])
    html = _visible(_get(client, reverse("report_org"), {"ar": YEARS[1]}).decode())
    assert html != before[f"org {json.dumps({'ar': YEARS[1]}, sort_keys=True)}"]
