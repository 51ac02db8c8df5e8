"""Test data, made through the services so that every row is as the app makes it (tree paths,
hashed passwords, audit rows, frozen framework versions); factory_boy gives each its defaults
and a sequence for what must be unique. Name only what the test is about:

    unit = UnitFactory(parent=world.omrade, name="Gamla skolan", deactivated=True)
    late = PersonFactory(organisation=unit, role=Role.STAFF)
    campaign = CampaignFactory(huvudman=world.huvudman, actor=world.strategist, units=[unit])
"""

import datetime
import re

import factory
from django.utils import timezone

from digiplan.assessments import services as assessment_services
from digiplan.assessments.models import Campaign
from digiplan.frameworks.exchange import import_framework
from digiplan.frameworks.models import FrameworkVersion
from digiplan.organisations import services as organisation_services
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, Person
from digiplan.plans import services as plan_services
from digiplan.plans.models import Plan

PASSWORD = "rätt-häst-batteri-häftklammer"


class HuvudmanFactory(factory.Factory):
    """A huvudman with its root node (services.huvudman_root finds it)."""

    class Meta:
        model = Huvudman

    name = factory.Sequence(lambda n: f"Kommun {n}")
    organisation_number = factory.Sequence(lambda n: f"212000-{n % 10000:04d}")

    @classmethod
    def _create(cls, model_class, **fields):
        return organisation_services.huvudman_create(**fields)


class OrganisationFactory(factory.Factory):
    """A node under parent; a school unit unless type says otherwise. deactivated=True makes
    it inactive, as a unit that has closed."""

    class Meta:
        model = Organisation

    parent = None
    type = OrganisationType.SKOLENHET
    name = factory.Sequence(lambda n: f"Skola {n}")
    school_unit_code = factory.LazyAttributeSequence(
        lambda node, n: f"{40000000 + n}" if node.type == OrganisationType.SKOLENHET else ""
    )
    school_forms = factory.LazyAttribute(
        lambda node: ["GR"] if node.type == OrganisationType.SKOLENHET else None
    )

    @classmethod
    def _create(cls, model_class, **fields):
        return organisation_services.organisation_create(actor=None, **fields)

    @factory.post_generation
    def deactivated(node, create, extracted, **kwargs):
        if create and extracted:
            organisation_services.organisation_deactivate(actor=None, node=node)
            node.refresh_from_db()


UnitFactory = OrganisationFactory


class PersonFactory(factory.Factory):
    """A person who signs in with PASSWORD; with organisation= and role=, also their role
    there (is_teaching=True for teaching staff)."""

    class Meta:
        model = Person

    organisation = None
    role = None
    is_teaching = False
    huvudman = factory.LazyAttribute(lambda p: p.organisation.huvudman if p.organisation else None)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@exempel.test")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *, organisation, role, is_teaching, password, **fields):
        person = organisation_services.person_create(actor=None, **fields)
        if password:
            person.set_password(password)
            person.save(update_fields=["password"])
        if organisation is not None:
            organisation_services.membership_create(
                actor=None, person=person, organisation=organisation, role=role, is_teaching=is_teaching
            )
        return person


class FrameworkVersionFactory(factory.Factory):
    """A framework version imported from YAML text (a published one unless publish=False);
    the text's slug is replaced by a fresh one, so that each call makes a framework of its own."""

    class Meta:
        model = FrameworkVersion

    huvudman = None
    actor = None
    text = factory.LazyFunction(lambda: _indicators())
    slug = factory.Sequence(lambda n: f"ramverk-{n}")
    publish = True

    @classmethod
    def _create(cls, model_class, *, text, slug, **fields):
        return import_framework(re.sub(r"^slug: .*$", f"slug: {slug}", text, count=1, flags=re.M), **fields)


def _indicators() -> str:
    from tests.assessment_helpers import INDICATORS

    return INDICATORS


class CampaignFactory(factory.Factory):
    """A campaign of the huvudman over the given units, on a fresh copy of the test indicators
    unless framework_version is given; a draft until opened=True."""

    class Meta:
        model = Campaign

    huvudman = None
    actor = None
    units = factory.LazyFunction(list)
    framework_version = factory.SubFactory(
        FrameworkVersionFactory, huvudman=factory.SelfAttribute("..huvudman")
    )
    name = "Skattning"
    school_year = "2026/27"
    opens_on = factory.LazyFunction(timezone.localdate)
    closes_on = factory.LazyAttribute(lambda c: c.opens_on + datetime.timedelta(days=30))
    include_pupils = False
    opened = False

    @classmethod
    def _create(cls, model_class, *, opened, **fields):
        campaign = assessment_services.campaign_create(**fields)
        if opened:
            assessment_services.campaign_open(actor=fields["actor"], campaign=campaign)
            campaign.refresh_from_db()
        return campaign


class PlanFactory(factory.Factory):
    """A unit's or an administration's plan for a school year, with a goal of each of the
    titles in goals; a draft until published=True."""

    class Meta:
        model = Plan

    actor = None
    organisation = None
    school_year = "2027/28"
    title = ""
    goals = ()
    published = False

    @classmethod
    def _create(cls, model_class, *, goals, published, **fields):
        plan = plan_services.plan_create(**fields)
        for title in goals:
            plan_services.goal_create(actor=fields["actor"], plan=plan, title=title)
        if published:
            plan = plan_services.plan_publish(actor=fields["actor"], plan=plan)
        return plan
