"""A self-assessment in the demo municipality, open and well under way, so that every page
has something to show. Answers are drawn from a fixed seed: the demo is the same each time."""

import datetime
import random
from dataclasses import dataclass, field

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
    lean: dict[int, float] = {}
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
    for unit in units:
        lean.setdefault(unit.pk, rng.uniform(-1.2, 0.8))
    box = _DemoBox(campaign=campaign, rng=rng, lean=lean)
    _staff_answers(box, share_answered)
    for unit in units[: len(units) - 3]:  # a few units have not rated yet
        _leader_rating(box, unit, actor)
        if any(f.school_form == "GR" for f in unit.school_forms.all()):
            _pupil_answers(box, unit, actor)
    Ballot.objects.bulk_create(box.sealed, batch_size=500)
    Participation.objects.filter(pk__in=box.answered).update(answered=True)
    return campaign


@dataclass
class _DemoBox:
    """Demo answers go in by bulk: the same sealed ballots response_submit writes, many at once.
    One random generator draws every answer in a fixed order, so that a seed gives one demo."""

    campaign: Campaign
    rng: random.Random
    lean: dict  # unit id → how far its answers lean from the middle of the scale
    sealed: list[Ballot] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)  # participation ids
    _items: dict[str, list] = field(default_factory=dict)

    def items(self, group: str) -> list:
        """The group's statements, read once."""
        if group not in self._items:
            self._items[group] = list(
                services.campaign_items(self.campaign, group).prefetch_related("scale__levels")
            )
        return self._items[group]

    def add(self, unit_id: int, group: str, items) -> None:
        answers = {item.pk: _value(self.rng, item, self.lean[unit_id]) for item in items}
        self.sealed.append(
            Ballot(
                campaign=self.campaign,
                sealed=ballots.seal_ballot(
                    self.campaign.pk,
                    services.box_size(self.campaign, group),
                    ballots.Contents(unit_id=unit_id, group=group, answers=answers),
                ),
            )
        )


def _staff_answers(box: _DemoBox, share_answered: float) -> None:
    """A ballot from about share_answered of the staff asked."""
    staff_items = box.items("staff")
    for participation in Participation.objects.filter(campaign=box.campaign).order_by("pk"):
        if box.rng.random() > share_answered:
            continue
        box.add(participation.unit_id, Group.STAFF, staff_items)
        box.answered.append(participation.pk)


def _leader_rating(box: _DemoBox, unit, actor) -> None:
    """The unit's leader rating, submitted four times in five."""
    rating = services.rating_for(box.campaign, unit)
    leader = Membership.objects.filter(organisation=unit, role=Role.UNIT_LEADER).first()
    services.rating_save(
        actor=leader.person if leader else actor,
        rating=rating,
        answers={str(item.pk): _answer(box.rng, item, box.lean[unit.pk]) for item in box.items("leader")},
        comments={},
        participants="Rektor och IT-pedagog",
        submit=box.rng.random() < 0.8,
    )


def _pupil_answers(box: _DemoBox, unit, actor) -> None:
    """A class code of the unit and the ballots of the pupils who used it."""
    code = services.pupil_code_create(actor=actor, campaign=box.campaign, unit=unit, label="6A", capacity=25)
    pupils = box.rng.randint(8, 22)
    PupilCode.objects.filter(pk=code.pk).update(used=pupils)
    pupil_items = box.items("pupil")
    for _pupil in range(pupils):
        box.add(unit.pk, Group.PUPIL, pupil_items)


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
