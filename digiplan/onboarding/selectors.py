"""Reads of onboarding: the operator's list of huvudmän, a huvudman's first strategist, and how
far a huvudman has come in setting Digiplan up (each fact one small query of its own rows)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.lookups import StartsWith

from digiplan.assessments.models import Campaign, CampaignStatus
from digiplan.frameworks.models import Framework, VersionStatus
from digiplan.organisations.models import Huvudman, Membership, Organisation, OrganisationType, Person, Role
from digiplan.signin.models import OidcProvider, SamlIdentityProvider


def _first_strategist_memberships(huvudman_id: int | OuterRef) -> QuerySet[Membership]:
    """Strategist roles at the root, the oldest first: the first is the one invited when the
    huvudman was created."""
    return Membership.objects.filter(
        huvudman_id=huvudman_id, role=Role.STRATEGIST, organisation__parent__isnull=True
    ).order_by("created_at", "pk")


def first_strategist(huvudman: Huvudman) -> Person | None:
    membership = _first_strategist_memberships(huvudman.pk).select_related("person").first()
    return membership.person if membership is not None else None


@dataclass(frozen=True)
class HuvudmanRow:
    huvudman: Huvudman
    people: int
    strategist_email: str | None
    strategist_last_login: datetime | None

    @property
    def accepted(self) -> bool:
        """The first strategist has signed in (with the invitation's password or a school
        account): the invitation has done its work."""
        return self.strategist_last_login is not None


def huvudman_overview() -> list[HuvudmanRow]:
    first = _first_strategist_memberships(OuterRef("pk"))
    rows = Huvudman.objects.annotate(
        people_count=Count("people", distinct=True),
        strategist_email=Subquery(first.values("person__email")[:1]),
        strategist_last_login=Subquery(first.values("person__last_login")[:1]),
    ).order_by("name", "pk")
    return [
        HuvudmanRow(
            huvudman=row,
            people=row.people_count,
            strategist_email=row.strategist_email,
            strategist_last_login=row.strategist_last_login,
        )
        for row in rows
    ]


def school_sign_in_enabled(huvudman: Huvudman) -> bool:
    """Whether the huvudman's people can sign in with their school account (SAML or OpenID
    Connect turned on)."""
    return (
        SamlIdentityProvider.objects.filter(huvudman=huvudman, enabled=True).exists()
        or OidcProvider.objects.filter(huvudman=huvudman, enabled=True).exists()
    )


@dataclass(frozen=True)
class SetupState:
    """The facts the setup checklist is ticked from."""

    units: int
    framework_in_use: bool
    school_sign_in: bool
    units_without_leader: int
    campaign_opened: bool


def _active_units(huvudman: Huvudman) -> QuerySet[Organisation]:
    return Organisation.objects.filter(huvudman=huvudman, type=OrganisationType.SKOLENHET, is_active=True)


def _units_without_leader(huvudman: Huvudman) -> int:
    # A unit leader's role reaches the node and all below it: a rektor of a rektorsområde
    # leads each of its units. So a unit is led by a leader at it or at any node above it.
    leaders = Membership.objects.filter(
        StartsWith(OuterRef("path"), F("organisation__path")),
        huvudman=huvudman,
        role=Role.UNIT_LEADER,
        person__is_active=True,
        organisation__is_active=True,
    )
    return _active_units(huvudman).exclude(Exists(leaders)).count()


def _framework_in_use(huvudman: Huvudman) -> bool:
    """A published framework of its own, or any framework (a built-in one too) chosen for a
    campaign."""
    return (
        Framework.objects.filter(huvudman=huvudman, versions__status=VersionStatus.PUBLISHED).exists()
        or Campaign.objects.filter(huvudman=huvudman).exists()
    )


def setup_state(huvudman: Huvudman) -> SetupState:
    return SetupState(
        units=_active_units(huvudman).count(),
        framework_in_use=_framework_in_use(huvudman),
        school_sign_in=school_sign_in_enabled(huvudman),
        units_without_leader=_units_without_leader(huvudman),
        campaign_opened=Campaign.objects.filter(huvudman=huvudman)
        .exclude(status=CampaignStatus.DRAFT)
        .exists(),
    )
