"""Bulk builder for the self-assessment benchmarks: an organisation with campaigns and answers.

Used by bench/assessment_pages.py, bench/report_exports.py and bench/submissions.py inside a
configured Django process (django.setup() done, database migrated). The organisation comes from
`manage.py seed_scale`; campaigns are created, opened, rated and closed through the services, as
the application does; only the anonymous answers go in by bulk: the same sealed ballots
response_submit and pupil_submit put in the box, which closing then opens and writes as
responses, as it does in production.
"""

import datetime
import io
import math
import random
import time
import uuid
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import transaction

from digiplan.assessments import ballots, services
from digiplan.assessments.models import (
    Ballot,
    Campaign,
    CampaignUnit,
    Draft,
    Group,
    Participation,
    PupilCode,
)
from digiplan.frameworks.models import FrameworkVersion, VersionStatus
from digiplan.organisations.demo_people import unusable_password
from digiplan.organisations.models import (
    Huvudman,
    Membership,
    Organisation,
    OrganisationType,
    Person,
    PupilCount,
    Role,
)
from digiplan.organisations.services import huvudman_root

PUPILS_PER_GROUP = 25
COMMENTS = [
    "Vi behöver mer tid för fortbildning.",
    "Bra stöd från IT-pedagogen.",
    "Nätverket är ofta långsamt.",
    "Svårt att hinna med allt nytt.",
    "Plattformen fungerar bra nu.",
    "Fler gemensamma rutiner vore bra.",
]


@dataclass
class Org:
    huvudman: Huvudman
    strategist: Person
    units: list[Organisation]
    version: FrameworkVersion
    campaigns: list[Campaign] = field(default_factory=list)
    lean: dict[int, float] = field(default_factory=dict)


def standard_version() -> FrameworkVersion:
    """The built-in digiplan-standard framework, loaded if it is not there yet."""
    query = FrameworkVersion.objects.filter(
        framework__slug="digiplan-standard", framework__huvudman__isnull=True, status=VersionStatus.PUBLISHED
    )
    if not query.exists():
        call_command("load_frameworks", stdout=io.StringIO())
    return query.get()


def build_org(*, orgnr: str, units: int, staff: int, pupils: int, seed: int = 1) -> Org:
    """seed_scale's organisation, its pupil counts scaled to `pupils` in all, and a strategist
    at the root."""
    call_command("seed_scale", units=units, staff=staff, huvudman=orgnr, seed=seed, stdout=io.StringIO())
    huvudman = Huvudman.objects.get(organisation_number=orgnr)
    unit_nodes = list(huvudman.nodes.filter(type=OrganisationType.SKOLENHET).order_by("pk"))
    counts = list(PupilCount.objects.filter(organisation__in=unit_nodes).order_by("pk"))
    total = sum(c.pupils for c in counts)
    running, target = 0.0, 0
    for c in counts:  # scaled with the rounding carried along, so that the sum is exact
        running += c.pupils * pupils / total
        c.pupils, target = max(1, round(running) - target), round(running)
    PupilCount.objects.bulk_update(counts, ["pupils"], batch_size=2000)
    strategist = Person.objects.create(
        huvudman=huvudman,
        name="Bench Strateg",
        email=f"strateg.{orgnr}@bench.example",
        password=unusable_password(),
    )
    Membership.objects.create(
        huvudman=huvudman, person=strategist, organisation=huvudman_root(huvudman), role=Role.STRATEGIST
    )
    rng = random.Random(seed)
    return Org(
        huvudman=huvudman,
        strategist=strategist,
        units=unit_nodes,
        version=standard_version(),
        lean={u.pk: rng.uniform(-1.2, 0.8) for u in unit_nodes},
    )


class _Answers:
    """Draws answers for items the way demo.py does (each unit leaning its own way), with the
    scale levels read once per item rather than once per answer."""

    def __init__(self, items, rng: random.Random):
        self.rng = rng
        self.scales = {}
        for item in items:
            levels = list(item.scale.levels.all())
            counting = sorted(lv.value for lv in levels if not lv.not_applicable)
            self.scales[item.pk] = (counting, any(lv.not_applicable for lv in levels))

    def form_value(self, item_pk: int, lean: float):
        """What a person would choose: a value on the scale or "na"."""
        counting, has_na = self.scales[item_pk]
        if has_na and self.rng.random() < 0.06:
            return "na"
        middle = (counting[0] + counting[-1]) / 2 + lean
        return min(max(round(self.rng.gauss(middle, 1.0)), counting[0]), counting[-1])

    def stored_value(self, item_pk: int, lean: float) -> int | None:
        value = self.form_value(item_pk, lean)
        return None if value == "na" else value


def open_campaign(
    org: Org, *, school_year: str, name: str = "Digital skattning"
) -> tuple[Campaign, dict[int, str]]:
    start = int(school_year[:4])
    campaign = services.campaign_create(
        actor=org.strategist,
        huvudman=org.huvudman,
        name=name,
        school_year=school_year,
        framework_version=org.version,
        opens_on=datetime.date(start + 1, 3, 1),
        closes_on=datetime.date(start + 1, 4, 15),
        units=org.units,
        include_pupils=True,
    )
    tokens = services.campaign_open(actor=org.strategist, campaign=campaign)
    return campaign, tokens


def run_campaign(
    org: Org,
    *,
    school_year: str,
    staff_rate: float = 0.7,
    pupil_rate: float = 0.6,
    rated_share: float = 0.9,
    close: bool = True,
    seed: int = 1,
) -> dict:
    """A campaign on all units: opened, leader ratings for most units (submitted; a few left as
    drafts), about staff_rate of the staff and pupil_rate of the pupils answered (pupils by
    group codes of 25), then closed. Returns counts of what was written."""
    rng = random.Random(seed)
    with transaction.atomic():
        campaign, _tokens = open_campaign(org, school_year=school_year)
        items = {
            g: list(services.campaign_items(campaign, g).prefetch_related("scale__levels"))
            for g in ("staff", "leader", "pupil")
        }
        draw = _Answers([i for group in items.values() for i in group], rng)
        # Leader ratings through the service: most units submit, a few keep a draft, a few none.
        leaders = dict(
            Membership.objects.filter(organisation__in=org.units, role=Role.UNIT_LEADER).values_list(
                "organisation_id", "person_id"
            )
        )
        people = {p.pk: p for p in Person.objects.filter(pk__in=leaders.values())}
        rated = 0
        for number, unit in enumerate(org.units):
            share = number / len(org.units)
            if share >= rated_share + (1 - rated_share) / 2:
                continue  # no rating at all
            rating = services.rating_for(campaign, unit)
            lean = org.lean[unit.pk] + rng.uniform(0.2, 0.8)  # leaders see it a little brighter
            services.rating_save(
                actor=people.get(leaders.get(unit.pk), org.strategist),
                rating=rating,
                answers={str(i.pk): draw.form_value(i.pk, lean) for i in items["leader"]},
                comments={str(items["leader"][0].pk): "Vi har kommit en bit på vägen."},
                participants="Rektor, IT-pedagog och två förstelärare",
                submit=share < rated_share,
            )
            rated += share < rated_share
        boxes, answers, answered = [], 0, []
        sizes = {g: services.box_size(campaign, g) for g in (Group.STAFF, Group.PUPIL)}

        def ballot(unit_id: int, group: str, item_pks: list[int], lean: float, comment: str = "") -> None:
            boxes.append(
                Ballot(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    campaign=campaign,
                    sealed=ballots.seal_ballot(
                        campaign.pk,
                        sizes[group],
                        ballots.Contents(
                            unit_id=unit_id,
                            group=group,
                            comment=comment,
                            answers={pk: draw.stored_value(pk, lean) for pk in item_pks},
                        ),
                    ),
                )
            )

        staff_pks = [i.pk for i in items["staff"]]
        for pk, unit_id in (
            Participation.objects.filter(campaign=campaign).order_by("pk").values_list("pk", "unit_id")
        ):
            if rng.random() >= staff_rate:
                continue
            comment = rng.choice(COMMENTS) if rng.random() < 0.15 else ""
            ballot(unit_id, Group.STAFF, staff_pks, org.lean[unit_id], comment)
            answers += len(staff_pks)
            answered.append(pk)
        # Pupils: one code per group of 25, used by about pupil_rate of the group.
        codes, pupil_responses = [], 0
        pupil_pks = [i.pk for i in items["pupil"]]
        for cu in CampaignUnit.objects.filter(campaign=campaign).order_by("unit_id"):
            for group in range(math.ceil(cu.pupils_expected / PUPILS_PER_GROUP)):
                capacity = min(PUPILS_PER_GROUP, cu.pupils_expected - group * PUPILS_PER_GROUP)
                used = sum(rng.random() < pupil_rate for _ in range(capacity))
                codes.append(
                    PupilCode(
                        campaign=campaign,
                        unit_id=cu.unit_id,
                        label=f"Grupp {group + 1}",
                        code=f"B{campaign.pk:03d}{len(codes):07d}"[:12],
                        capacity=capacity,
                        used=used,
                    )
                )
                for _pupil in range(used):
                    ballot(cu.unit_id, Group.PUPIL, pupil_pks, org.lean[cu.unit_id] + 0.3)
                    answers += len(pupil_pks)
                    pupil_responses += 1
        PupilCode.objects.bulk_create(codes, batch_size=2000)
        Ballot.objects.bulk_create(boxes, batch_size=500)
        for start in range(0, len(answered), 2000):
            Participation.objects.filter(pk__in=answered[start : start + 2000]).update(answered=True)
        if close:
            services.campaign_close(actor=org.strategist, campaign=campaign)
    org.campaigns.append(campaign)
    return {
        "campaign": campaign,
        "asked": Participation.objects.filter(campaign=campaign).count(),
        "staff_responses": len(answered),
        "pupil_responses": pupil_responses,
        "pupil_codes": len(codes),
        "answers": answers,
        "ratings_submitted": rated,
    }


def prepare_drafts(
    participations: list[Participation], tokens: list[str], *, last_area_items: set[int], seed: int = 1
) -> int:
    """Drafts for everything but the last part of the questionnaire, as if each person had
    gone through the earlier parts (saving as they went) before the final page."""
    if not participations:
        return 0
    campaign = participations[0].campaign
    items = list(services.campaign_items(campaign, Group.STAFF).prefetch_related("scale__levels"))
    draw = _Answers(items, random.Random(seed))
    size = services.box_size(campaign)
    drafts = [
        Draft(
            token_hash=services.token_hash(_token),
            sealed=ballots.seal_draft(
                campaign.pk,
                p.pk,
                size,
                ballots.Contents(
                    unit_id=p.unit_id,
                    group=Group.STAFF,
                    answers={
                        i.pk: draw.stored_value(i.pk, 0.0) for i in items if i.pk not in last_area_items
                    },
                ),
            ),
        )
        for p, _token in zip(participations, tokens, strict=True)
    ]
    Draft.objects.bulk_create(drafts, batch_size=2000)
    return len(drafts)


def build_org_with_campaigns(
    *, vendor: str, orgnr: str, units: int, staff: int, pupils: int, seed: int
) -> tuple[Org, dict]:
    """build_org and three closed campaigns (2023/24, 2024/25, 2025/26), timed and described
    in one line; the organisation and the counts of its last campaign."""
    started = time.perf_counter()
    org = build_org(orgnr=orgnr, units=units, staff=staff, pupils=pupils, seed=seed)
    built = [
        run_campaign(org, school_year=year, seed=seed * 10 + n)
        for n, year in enumerate(("2023/24", "2024/25", "2025/26"))
    ]
    last = built[-1]
    print(
        f"{vendor:<10} build   {time.perf_counter() - started:6.1f} s  {units} units, "
        f"{staff:,} staff, {pupils:,} pupils; 3 closed campaigns, each e.g. "
        f"{last['asked']:,} staff asked, {last['staff_responses']:,} staff and "
        f"{last['pupil_responses']:,} pupil responses ({last['pupil_codes']} group codes), "
        f"{last['answers']:,} answers, {last['ratings_submitted']} leader ratings "
        f"submitted"
    )
    return org, last
