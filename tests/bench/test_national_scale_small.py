"""bench/national_scale.py at a tiny scale: the plan adds up to the national totals, and the
seed, the close of the big campaign and the organisation pages run on the test database."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import national_scale  # noqa: E402


def test_the_national_plan_adds_up_to_the_issue_s_totals():
    p = national_scale.plan(1.0)
    assert len(p.units) == 290
    assert sum(p.units) == 15_000
    assert sum(p.staff) == 150_000
    assert sum(p.pupils) == 2_000_000
    # One huvudman carries the big campaign's 100,000 staff; a few large, most 20–60 units.
    assert p.units[:6] == [1500, 700, 400, 300, 250, 200]
    assert p.staff[0] == 100_000
    assert sum(20 <= u <= 60 for u in p.units) >= 270
    assert p.units == sorted(p.units, reverse=True)
    assert set(national_scale.sample(p).values()) == {0, 1, 2, 145, 289}


@pytest.mark.django_db
def test_seed_close_and_pages_run_at_a_tiny_scale(capsys):
    from digiplan.assessments.models import Ballot, CampaignStatus, Response
    from digiplan.organisations.models import Huvudman, Organisation, OrganisationType

    p = national_scale.plan(0.002)
    data = national_scale.build(p, "test", sample_pupil_rate=0.05, quiet=True)
    assert Huvudman.objects.count() == len(p.units) == 4
    assert Organisation.objects.filter(type=OrganisationType.SKOLENHET).count() == sum(p.units)
    big = data["big"]
    assert big["staff_responses"] > 0
    assert Ballot.objects.filter(campaign=big["campaign"]).count() == big["staff_responses"]

    queries = national_scale.close_big(data, "test")
    big["campaign"].refresh_from_db()
    assert big["campaign"].status == CampaignStatus.CLOSED
    assert not Ballot.objects.exists()
    assert Response.objects.filter(campaign=big["campaign"]).count() == big["staff_responses"]
    assert queries
    from django.db import connection

    floor = national_scale.write_floor(data, "test")
    assert (floor is None) == (connection.vendor != "postgresql")

    pages = national_scale.measure_pages(data, "test", requests=1)
    assert set(pages) == set(national_scale.sample(p))
    assert national_scale.explain("page", pages["largest (big campaign)"]) == []
    out = capsys.readouterr().out
    assert "0 ballots left" in out and "target <= 60 s: met" in out
    assert out.count("uncached median") == len(pages)
