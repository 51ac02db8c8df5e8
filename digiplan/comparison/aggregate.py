"""The units' area sums of the stored figures, for the build: per campaign, unit, area and
group, the sum and number of the shown indicator means and the fewest answers behind any of
them (what a unit's results page averages into its area mean).

ResultFigures keeps a unit's shown figures as one JSON list per campaign, and walking 14,500 of
those lists is most of a build. Which way is faster depends on the engine (bench/comparison.py,
bench/README.md): PostgreSQL walks them itself (jsonb_array_elements) in a third of the time
Python takes to decode them, while SQLite's json_each is nearly three times slower than
Python's json module. So PostgreSQL sums in SQL and SQLite in Python; both ways give the same
sums (tests/comparison/test_rules.py runs both on either engine).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from digiplan.assessments.models import Campaign, ResultFigures

# (campaign id, unit id, area code, group, sum of means, number of means, fewest answers)
AreaSum = tuple[int, int, str, str, float, int, int]

# The elements of one stored figure: [code, group, n, "don't know", sum, mean, …]
_ELEMENTS = {
    "sqlite": {
        "each": "json_each(rf.figures) AS f",
        "code": "f.value ->> 0",
        "group": "f.value ->> 1",
        "n": "f.value ->> 2",
        "mean": "f.value ->> 5",
    },
    "postgresql": {
        "each": "jsonb_array_elements(rf.figures) AS f(value)",
        "code": "f.value ->> 0",
        "group": "f.value ->> 1",
        "n": "(f.value ->> 2)::integer",
        "mean": "(f.value ->> 5)::double precision",
    },
}


def figure_sums(figures: list[list[Any]], area_of: dict[str, str]) -> dict[tuple[str, str], list[Any]]:
    """One unit's stored figures summed: (area code, group) → [sum of means, number of means,
    fewest answers]. Figures of no area and without a mean are left out. Written for speed: a
    build runs it over every unit of every huvudman that shares."""
    sums: dict[tuple[str, str], list[Any]] = {}
    for figure in figures:
        area, mean = area_of.get(figure[0]), figure[5]
        if area is None or mean is None:
            continue
        key = (area, figure[1])
        found = sums.get(key)
        if found is None:
            sums[key] = [mean, 1, figure[2]]
        else:
            found[0] += mean
            found[1] += 1
            if figure[2] < found[2]:
                found[2] = figure[2]
    return sums


def area_sums(campaigns: QuerySet[Campaign], area_of: dict[str, str]) -> Iterator[AreaSum]:
    """Every unit's area sums in the given campaigns (a queryset, run as a subquery)."""
    if connection.vendor == "postgresql":
        return in_database(campaigns, area_of)
    return in_python(campaigns, area_of)


def in_python(campaigns: QuerySet[Campaign], area_of: dict[str, str]) -> Iterator[AreaSum]:
    rows = ResultFigures.objects.filter(campaign__in=campaigns).values_list(
        "campaign_id", "unit_id", "figures"
    )
    for campaign_id, unit_id, figures in rows.iterator(chunk_size=2000):
        for (area, group), (total, count, least) in figure_sums(figures, area_of).items():
            yield campaign_id, unit_id, area, group, total, count, least


def in_database(campaigns: QuerySet[Campaign], area_of: dict[str, str]) -> Iterator[AreaSum]:
    if not area_of:
        return
    sql = _ELEMENTS[connection.vendor]
    campaign_sql, campaign_params = campaigns.values("pk").query.sql_with_params()
    areas = ", ".join(["(%s, %s)"] * len(area_of))
    query = f"""
        WITH areas(code, area) AS (VALUES {areas})
        SELECT rf.campaign_id, rf.unit_id, areas.area, {sql["group"]} AS grp,
               SUM({sql["mean"]}), COUNT(*), MIN({sql["n"]})
        FROM {ResultFigures._meta.db_table} AS rf CROSS JOIN {sql["each"]}
        JOIN areas ON areas.code = {sql["code"]}
        WHERE rf.campaign_id IN ({campaign_sql}) AND {sql["mean"]} IS NOT NULL
        GROUP BY rf.campaign_id, rf.unit_id, areas.area, grp
    """  # noqa: S608  (only table names and fixed fragments are formatted in; values are parameters)
    params = [value for pair in sorted(area_of.items()) for value in pair]
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, *campaign_params])
        while rows := cursor.fetchmany(5000):
            yield from rows
