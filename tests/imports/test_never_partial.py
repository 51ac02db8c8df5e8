"""Whatever CSV arrives, an import either writes every row or none."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digiplan.imports import units
from digiplan.imports.errors import ErrorList, FileRejected
from digiplan.organisations.models import Organisation
from tests.conftest import build_world
from tests.helpers import domain_snapshot

cell = st.one_of(
    st.sampled_from(
        [
            "",
            "skolenhet",
            "område",
            "Område Norr",
            "11111111",
            "1234567",
            "GR",
            "=1+1",
            "<script>x</script>",
            "ja",
            "nej",
            "Å",
            "GR F-3=12",
        ]
    ),
    st.text(max_size=12),
)
row = st.lists(cell, min_size=1, max_size=6)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(row, min_size=1, max_size=8),
    sep=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_an_import_writes_all_rows_or_none(rows, sep, encoding):
    if not Organisation.objects.exists():
        build_world()
    from digiplan.organisations.models import Huvudman

    huvudman = Huvudman.objects.get(organisation_number="212000-1234")
    header = sep.join(["typ", "namn", "skolenhetskod", "överordnad", "skolformer", "aktiv"])
    text = "\n".join(
        [header]
        + [
            sep.join(c.replace(sep, " ").replace('"', "").replace("\n", " ").replace("\r", " ") for c in r)
            for r in rows
        ]
    )
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    before = domain_snapshot()
    errors = ErrorList()
    try:
        parsed = units.rows_from_table(data, "fuzz.csv", errors)
        plan = units.plan_units(huvudman, parsed, errors=errors)
    except FileRejected:
        assert domain_snapshot() == before
        return
    if plan.errors:
        assert domain_snapshot() == before
        return
    units.apply_units(plan, actor=None, source="fuzz")
    names = set(Organisation.objects.filter(huvudman=huvudman).values_list("name", flat=True))
    assert {r.name for r in parsed} <= names
