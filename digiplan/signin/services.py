"""Who an identity provider's answer is: matching it to a person of the provider's huvudman,
and the huvudman's sign-in policy.

Matching never guesses: a remembered link (issuer and subject), else the principal name or
the SS 12000 id, else an e-mail address the provider has verified. It looks only among the
people of the huvudman whose provider answered, so that no attribute an identity provider
sends can reach another huvudman's people. Roles come from Digiplan's memberships; only when
the huvudman turns it on do attributes add a staff membership, never a higher role."""

import logging
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Q

from digiplan.audit.services import audit_record
from digiplan.organisations.models import Huvudman, Membership, Organisation, Person, Role
from digiplan.signin.models import ExternalIdentity, SignInPolicy

log = logging.getLogger("digiplan.signin")

# eduPersonScopedAffiliation values (before the @) that make someone staff of their unit.
STAFF_AFFILIATIONS = frozenset({"faculty", "staff", "employee"})


class Outcome(StrEnum):
    MATCHED = "matched"
    CREATED = "created"
    UNKNOWN = "unknown"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class Claims:
    """What an identity provider said about the person, after its signature and audience were
    checked (by pysaml2 or Authlib). Values are as sent; matching normalises them."""

    issuer: str
    subject: str
    principal_name: str = ""
    external_id: str = ""
    email: str = ""
    email_verified: bool = False
    given_name: str = ""
    surname: str = ""
    affiliations: tuple[str, ...] = ()
    school_unit_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    outcome: Outcome
    person: Person | None = None
    via: str = ""
    notes: list[str] = field(default_factory=list)


def policy_for(huvudman: Huvudman | None) -> SignInPolicy:
    """The huvudman's policy; an unsaved one with the defaults when it has none."""
    if huvudman is None:
        return SignInPolicy()
    policy = SignInPolicy.objects.filter(huvudman=huvudman).first()
    return policy if policy is not None else SignInPolicy(huvudman=huvudman)


def _find(huvudman: Huvudman, claims: Claims) -> tuple[Person | None, str]:
    within = Person.objects.filter(huvudman=huvudman)
    link = (
        ExternalIdentity.objects.filter(huvudman=huvudman, issuer=claims.issuer, subject=claims.subject)
        .select_related("person")
        .first()
    )
    if link is not None and link.person.huvudman_id == huvudman.pk:
        return link.person, "link"
    principal = claims.principal_name.strip()
    if principal:
        person = within.filter(Q(principal_name__iexact=principal) | Q(external_id=principal)).first()
        if person is not None:
            return person, "principal_name"
    if claims.external_id.strip():
        person = within.filter(external_id=claims.external_id.strip()).first()
        if person is not None:
            return person, "external_id"
    email = claims.email.strip().lower()
    if email and claims.email_verified:
        person = within.filter(email__iexact=email).first()
        if person is not None:
            return person, "email"
    return None, ""


def _unit_named(huvudman: Huvudman, codes: tuple[str, ...]) -> Organisation | None:
    codes = tuple(c.strip() for c in codes if c.strip())
    if not codes:
        return None
    return Organisation.objects.filter(huvudman=huvudman, school_unit_code__in=codes, is_active=True).first()


def _display_name(claims: Claims) -> str:
    name = f"{claims.given_name.strip()} {claims.surname.strip()}".strip()
    return name or claims.email.strip().lower()


def _create_just_in_time(huvudman: Huvudman, claims: Claims) -> tuple[Person | None, str]:
    """A new staff member of the unit the school unit code names, or None with the reason."""
    unit = _unit_named(huvudman, claims.school_unit_codes)
    email = claims.email.strip().lower()
    if unit is None:
        return None, "no unit with the school unit code sent"
    if not (email and claims.email_verified):
        return None, "no verified e-mail address"
    if Person.objects.filter(email__iexact=email).exists():
        # The address belongs to someone of another huvudman: never create or reach them.
        return None, "the e-mail address belongs to a person of another huvudman"
    try:
        with transaction.atomic():
            person = Person(
                email=email,
                name=_display_name(claims)[:200],
                huvudman=huvudman,
                principal_name=claims.principal_name.strip().lower()[:254],
            )
            person.set_unusable_password()  # they sign in with their school account
            person.save()
            Membership.objects.create(huvudman=huvudman, person=person, organisation=unit, role=Role.STAFF)
    except IntegrityError:
        return None, "the person could not be created (a duplicate principal name or address)"
    audit_record(
        actor=person,
        huvudman=huvudman,
        action="signin.person_created",
        obj=person,
        after={"unit": unit.name, "role": Role.STAFF},
        extra={"issuer": claims.issuer},
    )
    return person, ""


def _add_roles_from_attributes(huvudman: Huvudman, person: Person, claims: Claims) -> list[str]:
    affiliations = {a.split("@", 1)[0].strip().lower() for a in claims.affiliations}
    unit = _unit_named(huvudman, claims.school_unit_codes)
    if unit is None or not affiliations & STAFF_AFFILIATIONS:
        return []
    membership, created = Membership.objects.get_or_create(
        huvudman=huvudman, person=person, organisation=unit, role=Role.STAFF
    )
    if not created:
        return []
    audit_record(
        actor=person,
        huvudman=huvudman,
        action="signin.membership_from_attributes",
        obj=membership,
        after={"unit": unit.name, "role": Role.STAFF},
    )
    return [f"staff of {unit.pk}"]


@transaction.atomic
def match_person(*, huvudman: Huvudman, claims: Claims) -> Match:
    """The person of huvudman that claims name, remembering the link for the next time; a new
    staff member when the policy allows it; otherwise UNKNOWN (or INACTIVE)."""
    policy = policy_for(huvudman)
    person, via = _find(huvudman, claims)
    outcome = Outcome.MATCHED
    if person is None and policy.create_unknown_people:
        person, reason = _create_just_in_time(huvudman, claims)
        if person is None:
            log.info("sign-in refused for huvudman %s: unknown person, %s", huvudman.pk, reason)
            return Match(Outcome.UNKNOWN, notes=[reason])
        outcome, via = Outcome.CREATED, "created"
    if person is None:
        log.info("sign-in refused for huvudman %s: no person matches", huvudman.pk)
        return Match(Outcome.UNKNOWN)
    if not person.is_active:
        log.info("sign-in refused for huvudman %s: person %s is inactive", huvudman.pk, person.pk)
        return Match(Outcome.INACTIVE)
    if via != "link":
        ExternalIdentity.objects.get_or_create(
            huvudman=huvudman,
            issuer=claims.issuer[:500],
            subject=claims.subject[:500],
            defaults={"person": person},
        )
    notes = _add_roles_from_attributes(huvudman, person, claims) if policy.roles_from_attributes else []
    return Match(outcome, person=person, via=via, notes=notes)


@transaction.atomic
def policy_save(
    *, actor: AbstractBaseUser | AnonymousUser, huvudman: Huvudman, values: dict[str, object]
) -> SignInPolicy:
    policy = policy_for(huvudman)
    before = {name: getattr(policy, name) for name in values} if policy.pk else {}
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    audit_record(
        actor=actor,
        huvudman=huvudman,
        action="signin.policy_changed",
        obj=policy,
        before=before,
        after=dict(values),
    )
    return policy


def huvudman_for_email(email: str) -> Huvudman | None:
    """The huvudman whose sign-in policy lists the domain of the address, if exactly one does."""
    domain = email.strip().lower().rpartition("@")[2]
    if not domain:
        return None
    found = [p.huvudman for p in SignInPolicy.objects.select_related("huvudman") if domain in p.domains()]
    return found[0] if len(found) == 1 else None
