"""The demo plans: every plan state shows, the library has staff and unit activities, and a
second seeding writes nothing."""

import time

from digiplan.frameworks.demo import seed_demo_frameworks
from digiplan.organisations.demo import build_demo
from digiplan.plans import demo
from digiplan.plans.models import ActivityStatus, LibraryActivity, Plan, PlanStatus


def test_demo_plans_show_every_state(db):
    huvudman = build_demo(stdout=None)
    seed_demo_frameworks(huvudman)
    started = time.monotonic()
    assert demo.seed(huvudman)
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"the demo plans took {elapsed:.1f} s"

    library = LibraryActivity.objects.filter(huvudman=huvudman)
    assert library.count() == len(demo.LIBRARY) >= 12
    assert library.filter(for_staff=True).exists() and library.filter(for_staff=False).exists()
    assert all(e.source.startswith("Digiplan, efter") and e.items.exists() for e in library)
    assert not library.filter(is_published=False).exists()

    states = set(Plan.objects.filter(huvudman=huvudman).values_list("status", flat=True))
    assert states == {PlanStatus.DRAFT, PlanStatus.PUBLISHED, PlanStatus.FOLLOWED_UP}
    current = Plan.objects.get(huvudman=huvudman, status=PlanStatus.PUBLISHED)
    assert current.previous.status == PlanStatus.FOLLOWED_UP
    assert current.activities.filter(status=ActivityStatus.DONE).exists()
    assert any(a.is_late for a in current.activities.all())
    assert current.activities.filter(carried_from__isnull=False).count() == 1
    assert not current.previous.goals.filter(outcome="").exists()

    assert not demo.seed(huvudman), "a second run writes nothing"
