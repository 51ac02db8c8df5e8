"""Another huvudman's strategist never sees a plan, its goals, its activities or the library:
every plans URL, with any of our ids in any of its slots, answers 404 (or 405 for the wrong
method) and shows none of our words; the selectors return nothing."""

import itertools

import pytest
from django.http import Http404
from django.urls import URLPattern, URLResolver, reverse

from digiplan.organisations.models import Organisation
from digiplan.plans import access, selectors, services
from digiplan.plans.models import Plan
from tests.plan_helpers import build_plan

SECRET_WORDS = (
    "Tryggare med verktygen",
    "Studiecirkel om lärplattformen",
    "Hemligt utkast",
    "Hemlig aktivitet",
    "Exempel bara för Sjövik",
)


def plan_patterns():
    """(name, pattern) of every URL the plans app has: its urls.py and whatever it includes."""
    import digiplan.plans.urls as plans_urls

    def walk(entries):
        for entry in entries:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield entry.name, entry

    names = dict(walk(plans_urls.urlpatterns))
    assert names, "the plans app has no URLs"
    return sorted(names.items())


def kwargs_choices(pattern: URLPattern, ids: list[int]):
    """Every way to fill the pattern's slots: each of our ids in each int slot; a format or a
    secret-like word in the others."""
    converters = pattern.pattern.converters
    slots = []
    for name, converter in converters.items():
        if type(converter).__name__ == "IntConverter":
            slots.append([(name, pk) for pk in ids])
        elif name == "fmt":
            slots.append([(name, fmt) for fmt in ("pdf", "xlsx", "ics", "csv")])
        else:
            slots.append([(name, "x" * 43)])
    for combination in itertools.product(*slots):
        yield dict(combination)


@pytest.fixture
def fx(world):
    fx = build_plan(world)
    fx.draft = services.plan_create(
        actor=world.leader_b, organisation=world.unit_b, school_year="2026/27", title="Hemligt utkast"
    )
    fx.draft_activity = services.activity_create(
        actor=world.leader_b, plan=fx.draft, title="Hemlig aktivitet", owner=world.leader_b
    )
    fx.unpublished = services.library_create(
        actor=world.strategist, huvudman=world.huvudman, title="Exempel bara för Sjövik"
    )
    fx.progress = services.activity_progress(actor=world.staff, activity=fx.activity, note="Anteckning")
    return fx


def test_every_plans_url_answers_the_stranger_with_404(fx, world, client_for):
    client = client_for("other_strategist")
    ids = sorted(
        {
            fx.plan.pk,
            fx.goal.pk,
            fx.activity.pk,
            fx.entry.pk,
            fx.draft.pk,
            fx.draft_activity.pk,
            fx.unpublished.pk,
            fx.activity.notes.get().pk,
            world.unit_a.pk,
            world.staff.pk,
        }
    )
    checked = 0
    for name, pattern in plan_patterns():
        for kwargs in kwargs_choices(pattern, ids):
            url = reverse(name, kwargs=kwargs or None)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                body = response.content.decode(errors="replace")
                leaked = [w for w in SECRET_WORDS if w in body]
                assert not leaked, f"{method.upper()} {url} shows {leaked}"
                if kwargs and any(isinstance(v, int) for v in kwargs.values()):
                    assert response.status_code in (404, 405), (
                        f"{method.upper()} {url} answered {response.status_code}"
                    )
                else:
                    assert response.status_code < 500, f"{method.upper()} {url}"
                checked += 1
    assert checked


def test_the_selectors_give_the_stranger_nothing(fx, world):
    stranger = world.other_strategist
    assert not access.readable_plans(stranger).exists()
    assert not selectors.activities_of(stranger).exists()
    assert selectors.library_for(stranger.huvudman_id) == []
    assert selectors.library_for(stranger.huvudman_id, for_staff=True) == []
    for plan in (fx.plan, fx.draft):
        assert not access.can_read_plan(stranger, plan)
        assert not access.can_edit_plan(stranger, plan)
        with pytest.raises(Http404):
            access.get_plan_for_user(stranger, plan.pk)
    assert not access.can_update_activity(stranger, fx.activity)
    assert not access.can_plan_for(stranger, world.unit_a)
    months = selectors.year_view(
        access.readable_plans(stranger),
        "2026/27",
        fx.campaign.__class__.objects.filter(huvudman_id=stranger.huvudman_id),
    )
    assert not any(month.events for month in months)
    their_units = Organisation.objects.filter(huvudman_id=stranger.huvudman_id)
    overview = selectors.overview(their_units, "2026/27", stranger.huvudman_id)
    assert all(row.plan is None for row in overview["rows"])
    assert not list(overview["library"]) and not overview["priorities"]
    # And their own people cannot be named in our plans.
    assert stranger not in access.eligible_people(fx.plan)


def test_our_own_readers_do_see_the_plan(fx, world):
    """The other side of the property: the same selectors are not simply empty."""
    assert fx.plan in access.readable_plans(world.staff)
    assert fx.draft not in access.readable_plans(world.staff)
    assert set(access.readable_plans(world.strategist)) == set(Plan.objects.all())
    assert fx.activity in selectors.activities_of(world.staff)
    assert fx.entry in selectors.library_for(world.huvudman.pk)
