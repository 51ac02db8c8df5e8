"""Starting a new huvudman: the huvudman with its root node, its first strategist and the
invitation mail; sending that invitation again; and accepting it.

The command (create_huvudman) and the operator's page both call huvudman_onboard, so that they
refuse the same input with the same words and write the same rows."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from digiplan.audit.services import audit_record
from digiplan.onboarding import selectors
from digiplan.onboarding.tasks import send_invitation
from digiplan.organisations import services as organisation_services
from digiplan.organisations.models import NAME_MAX, Huvudman, Person, Role, organisation_number_validator

ERROR_NAME_EMPTY = _("Write the name of the school organiser.")
ERROR_NAME_TOO_LONG = _("The name can be at most %(max)s characters long.")
ERROR_ORGNR_INVALID = _("The organisation number is not valid. Write it as NNNNNN-NNNN, e.g. 212000-1234.")
ERROR_ORGNR_TAKEN = _("A school organiser with this organisation number already exists in Digiplan.")
ERROR_EMAIL_INVALID = _("Write a valid e-mail address, e.g. namn@kommun.se.")
# The same words as for any other person: the address is taken, but not by whom.
ERROR_EMAIL_TAKEN = organisation_services.ERROR_EMAIL_TAKEN
ERROR_STRATEGIST_NAME_TOO_LONG = _("The strategist's name can be at most %(max)s characters long.")
ERROR_NO_STRATEGIST = _("The school organiser has no strategist to invite.")
ERROR_ALREADY_ACCEPTED = _("The strategist has already accepted the invitation and can sign in.")

# "2120001234" is accepted too and written with its hyphen.
_TEN_DIGITS = re.compile(r"^(\d{6})(\d{4})\Z")


@dataclass(frozen=True)
class Onboarded:
    huvudman: Huvudman
    strategist: Person


def _clean_name(name: str) -> str:
    # Stored as written, tags and all: every page escapes it when it shows it.
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": ERROR_NAME_EMPTY})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": ERROR_NAME_TOO_LONG % {"max": NAME_MAX}})
    return name


def _clean_organisation_number(number: str) -> str:
    number = "".join(number.split())
    number = _TEN_DIGITS.sub(r"\1-\2", number)
    try:
        organisation_number_validator(number)
    except ValidationError:
        raise ValidationError({"organisation_number": ERROR_ORGNR_INVALID}) from None
    if Huvudman.objects.filter(organisation_number=number).exists():
        raise ValidationError({"organisation_number": ERROR_ORGNR_TAKEN})
    return number


def _clean_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": ERROR_EMAIL_INVALID}) from None
    if Person.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ERROR_EMAIL_TAKEN})
    return email


def _clean_strategist_name(name: str, email: str) -> str:
    name = " ".join(name.split()) or email
    if len(name) > NAME_MAX:
        raise ValidationError({"strategist_name": ERROR_STRATEGIST_NAME_TOO_LONG % {"max": NAME_MAX}})
    return name


def _checked(name: str, organisation_number: str, email: str, strategist_name: str) -> tuple[str, ...]:
    """Every field checked, and every fault reported at once."""
    errors: dict[str, list[str]] = {}
    cleaned: list[str] = []
    steps = (
        (_clean_name, (name,)),
        (_clean_organisation_number, (organisation_number,)),
        (_clean_email, (email,)),
    )
    for step, args in steps:
        try:
            cleaned.append(step(*args))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    cleaned.append(_clean_strategist_name(strategist_name, cleaned[2]))
    return tuple(cleaned)


def _enqueue_invitation(person: Person) -> None:
    # After the commit: a rolled-back huvudman sends no mail, and the worker finds the person.
    language = get_language() or "sv"
    transaction.on_commit(lambda: send_invitation.enqueue(person_id=person.pk, language=language))


def huvudman_onboard(
    *,
    actor: Person | None,
    name: str,
    organisation_number: str,
    strategist_email: str,
    strategist_name: str = "",
) -> Onboarded:
    """The huvudman with its root node, its first strategist (no password yet) with a
    strategist role at the root, and the invitation mail to that strategist, queued when the
    transaction commits. ValidationError (by field: name, organisation_number, email,
    strategist_name) and nothing written when any input is wrong."""
    name, number, email, person_name = _checked(name, organisation_number, strategist_email, strategist_name)
    try:
        with transaction.atomic():
            huvudman = organisation_services.huvudman_create(
                name=name, organisation_number=number, actor=actor
            )
            root = organisation_services.huvudman_root(huvudman)
            person = organisation_services.person_create(
                actor=actor, huvudman=huvudman, name=person_name, email=email
            )
            organisation_services.membership_create(
                actor=actor, person=person, organisation=root, role=Role.STRATEGIST
            )
            audit_record(
                actor=actor,
                huvudman=huvudman,
                action="invitation.send",
                obj=person,
                after={"email": email},
            )
            _enqueue_invitation(person)
    except IntegrityError:
        # Someone took the number or the address between the checks and the insert.
        _checked(name, number, email, person_name)
        raise
    return Onboarded(huvudman=huvudman, strategist=person)


def invitation_resend(*, actor: Person | None, huvudman: Huvudman) -> Person:
    """A new invitation mail to the huvudman's first strategist, who has not yet signed in.
    The earlier links keep working until one of them is used or they expire."""
    with transaction.atomic():
        person = selectors.first_strategist(huvudman)
        if person is None:
            raise ValidationError(ERROR_NO_STRATEGIST)
        if person.last_login is not None:
            raise ValidationError(ERROR_ALREADY_ACCEPTED)
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="invitation.resend",
            obj=person,
            after={"email": person.email},
        )
        _enqueue_invitation(person)
    return person


def invitation_accept(*, person: Person, password: str) -> Person:
    """The invited person's first password (the form has checked it against the validators).
    Saving it ends the link: the token is made from the password hash."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        person.set_password(password)
        person.save(update_fields=["password"])
        audit_record(actor=person, huvudman=person.huvudman, action="invitation.accept", obj=person)
    return person
