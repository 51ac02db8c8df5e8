"""A self-assessment in the demo municipality, open and well under way, so that every page
has something to show. Answers are drawn from a fixed seed: the demo is the same each time."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from digiplan.assessments import ballots, services
from digiplan.assessments.models import (
    Ballot,
    Campaign,
    Group,
    Participation,
    PupilCode,
)

# The school year as the campaign form counts it (not the plans app's copy: plans sit above).
from digiplan.demo.registry import DemoPart, DemoRun
from digiplan.frameworks.models import FrameworkVersion, VersionStatus
from digiplan.lib import schoolyear
from digiplan.organisations.demo import demo_huvudman
from digiplan.organisations.models import Membership, OrganisationType, Role

DEMO_CAMPAIGN = "Digital skattning"


def seed_demo_campaign(huvudman, *, share_answered: float = 0.7) -> Campaign | None:
    """Last school year's self-assessment, closed, so that results, reports and suggested goals
    have something to show; and this year's, open, with answers coming in. Returns this year's
    campaign, or None when the demo already has it."""
    if Campaign.objects.filter(huvudman=huvudman, name=DEMO_CAMPAIGN).exists():
        return None
    version = FrameworkVersion.objects.filter(
        framework__slug="digiplan-standard", framework__huvudman__isnull=True, status=VersionStatus.PUBLISHED
    ).first()
    if version is None:
        return None
    today = timezone.localdate()
    this_year = schoolyear.of(today)
    start = schoolyear.start_of(this_year)
    last_year = schoolyear.shifted(this_year, -1)
    rng = random.Random(2026)
    # Each unit leans its own way, so the organisation's results show real differences; a
    # unit's lean moves a little from one year to the next.
    lean = {}
    with transaction.atomic():
        earlier = _campaign(
            huvudman,
            version,
            rng,
            lean,
            school_year=last_year,
            opens_on=datetime.date(start - 1, 10, 1),
            closes_on=datetime.date(start - 1, 10, 31),
            share_answered=share_answered,
        )
        services.campaign_close(actor=_actor(huvudman), campaign=earlier)
        for unit_pk in lean:
            lean[unit_pk] += rng.uniform(0.0, 0.5)
        return _campaign(
            huvudman,
            version,
            rng,
            lean,
            school_year=this_year,
            opens_on=today - datetime.timedelta(days=14),
            closes_on=today + datetime.timedelta(days=21),
            share_answered=share_answered,
        )


def _actor(huvudman):
    strategist = (
        Membership.objects.filter(huvudman=huvudman, role=Role.STRATEGIST).select_related("person").first()
    )
    return strategist.person if strategist else None


def _campaign(
    huvudman,
    version,
    rng: random.Random,
    lean: dict,
    *,
    school_year: str,
    opens_on,
    closes_on,
    share_answered: float,
) -> Campaign:
    actor = _actor(huvudman)
    units = list(
        huvudman.nodes.filter(type=OrganisationType.SKOLENHET, is_active=True).prefetch_related(
            "pupil_counts", "school_forms"
        )
    )
    campaign = services.campaign_create(
        actor=actor,
        huvudman=huvudman,
        name=DEMO_CAMPAIGN,
        school_year=school_year,
        framework_version=version,
        opens_on=opens_on,
        closes_on=closes_on,
        units=units,
        include_pupils=True,
    )
    services.campaign_open(actor=actor, campaign=campaign)
    staff_items, leader_items, pupil_items = (
        list(services.campaign_items(campaign, group).prefetch_related("scale__levels"))
        for group in ("staff", "leader", "pupil")
    )
    for unit in units:
        lean.setdefault(unit.pk, rng.uniform(-1.2, 0.8))
    # Demo answers go in by bulk: the same sealed ballots response_submit writes, many at once.
    sealed, answered = [], []

    def ballot(unit_id: int, group: str, items) -> None:
        answers = {item.pk: _value(rng, item, lean[unit_id]) for item in items}
        sealed.append(
            Ballot(
                campaign=campaign,
                sealed=ballots.seal_ballot(
                    campaign.pk,
                    services.box_size(campaign, group),
                    ballots.Contents(unit_id=unit_id, group=group, answers=answers),
                ),
            )
        )

    for participation in Participation.objects.filter(campaign=campaign).order_by("pk"):
        if rng.random() > share_answered:
            continue
        ballot(participation.unit_id, Group.STAFF, staff_items)
        answered.append(participation.pk)
    for unit in units[: len(units) - 3]:  # a few units have not rated yet
        rating = services.rating_for(campaign, unit)
        leader = Membership.objects.filter(organisation=unit, role=Role.UNIT_LEADER).first()
        services.rating_save(
            actor=leader.person if leader else actor,
            rating=rating,
            answers={str(item.pk): _answer(rng, item, lean[unit.pk]) for item in leader_items},
            comments={},
            participants="Rektor och IT-pedagog",
            submit=rng.random() < 0.8,
        )
        if any(f.school_form == "GR" for f in unit.school_forms.all()):
            code = services.pupil_code_create(
                actor=actor, campaign=campaign, unit=unit, label="6A", capacity=25
            )
            pupils = rng.randint(8, 22)
            PupilCode.objects.filter(pk=code.pk).update(used=pupils)
            for _pupil in range(pupils):
                ballot(unit.pk, Group.PUPIL, pupil_items)
    Ballot.objects.bulk_create(sealed, batch_size=500)
    Participation.objects.filter(pk__in=answered).update(answered=True)
    return campaign


def _value(rng: random.Random, item, lean: float) -> int | None:
    answer = _answer(rng, item, lean)
    return None if answer == "na" else answer


def _answer(rng: random.Random, item, lean: float):
    levels = [lv for lv in item.scale.levels.all()]
    counting = sorted(lv.value for lv in levels if not lv.not_applicable)
    if any(lv.not_applicable for lv in levels) and rng.random() < 0.06:
        return "na"
    middle = (counting[0] + counting[-1]) / 2 + lean
    value = round(rng.gauss(middle, 1.0))
    return min(max(value, counting[0]), counting[-1])


def seed_step(run: DemoRun) -> None:
    if seed_demo_campaign(demo_huvudman()):
        run.say(
            "Skattning: förra läsårets omgång stängd med resultat, årets "
            "öppen med svar från personal, ledning och elever."
        )


PART = DemoPart(app="assessments", order=30, seed=seed_step)
