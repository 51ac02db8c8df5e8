"""The second factor of a password sign-in: a TOTP app (django-otp's TOTPDevice) and ten
single-use recovery codes (a StaticDevice), for strategists whose huvudman requires it and for
anyone with a password who turns it on.

A school-account sign-in never needs it: the identity provider does its own second factor.
Wrong codes are slowed down by django-otp's own throttling (each device waits twice as long after
every failure, whatever the session or address) and counted by django-axes as failed sign-ins
(signin.views_mfa). The secret is never shown again after enrolment, nor put in any export."""

import re
import secrets
from base64 import b32encode
from binascii import hexlify
from dataclasses import dataclass

import segno
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from digiplan.audit.services import audit_record
from digiplan.organisations.access import is_strategist
from digiplan.organisations.models import Person
from digiplan.signin.password import is_operator
from digiplan.signin.services import policy_for
from digiplan.signin.session import METHOD_OIDC, METHOD_SAML, SESSION_METHOD

RECOVERY_CODE_COUNT = 10
DIGITS = 6  # what every authenticator app shows by default
KEY_BYTES = 20  # RFC 4226's recommended 160 bits, what every authenticator app expects
TOTP_DEVICE_NAME = "TOTP"
RECOVERY_DEVICE_NAME = "Recovery codes"
# Accepts a code from a clock one step (30 seconds) off, as django-otp's default does.
TOLERANCE = 1

ERROR_WRONG_CODE = _("The code is wrong or has already been used. Check the code and try again.")
ERROR_THROTTLED = _("Too many wrong codes in a row. Wait a minute and try again.")
ERROR_REQUIRED = _(
    "Your organisation requires two-step verification for your account, so it cannot be turned off."
)
ERROR_NO_PASSWORD = _(
    "Two-step verification is for signing in with a password. You sign in with your school "
    "account, which has its own."
)

SSO_METHODS = frozenset({METHOD_SAML, METHOD_OIDC})


# ---- Reads ---------------------------------------------------------------------------------


def totp_device(person: Person) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=person, confirmed=True).first()


def recovery_codes_left(person: Person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


def required_by_policy(person: Person) -> bool:
    """Whether the huvudman requires a second factor of this person (a strategist)."""
    if is_operator(person):
        return False
    return policy_for(person.huvudman).strategists_second_factor and is_strategist(person)


def signed_in_by_school_account(session) -> bool:
    # A session that names no method counts as a password one: nothing is let through by default.
    return session.get(SESSION_METHOD) in SSO_METHODS


def second_factor_due(person: Person, session) -> bool:
    """Whether this signed-in session must still give a code (or enrol) before going on."""
    # is_verified comes from django_otp's OTPMiddleware; without it nothing counts as verified.
    verified = getattr(person, "is_verified", None)
    if signed_in_by_school_account(session) or (verified is not None and verified()):
        return False
    return totp_device(person) is not None or required_by_policy(person)


# ---- Codes and the secret as people read them ---------------------------------------------


def normalise(code: str) -> str:
    """The code without the spaces and hyphens people type or copy with it, in lower case."""
    return re.sub(r"[\s\-]", "", code).lower()


def new_key() -> str:
    return hexlify(secrets.token_bytes(KEY_BYTES)).decode()


def secret_in_groups(key: str) -> str:
    """The secret as authenticator apps take it typed in (base32), in groups of four."""
    text = b32encode(bytes.fromhex(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def shown_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def qr_svg(*, person: Person, key: str) -> str:
    """The otpauth:// address as an inline SVG QR code. Its text alternative is the element
    #qr-label on the page, and the secret written out beside it."""
    url = TOTPDevice(user=person, key=key).config_url
    svg = segno.make(url, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr")
    return svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-label" ', 1)


@dataclass(frozen=True)
class Check:
    """The answer to a code: the device that accepted it, or why not."""

    device: TOTPDevice | StaticDevice | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.device is not None


def _check(device: TOTPDevice | StaticDevice | None, code: str) -> Check:
    if device is None:
        return Check(error=str(ERROR_WRONG_CODE))
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        return Check(error=str(ERROR_THROTTLED))
    if device.verify_token(code):
        return Check(device=device)
    return Check(error=str(ERROR_WRONG_CODE))


def _is_totp(code: str) -> bool:
    return code.isdigit() and len(code) == DIGITS


# ---- Writes --------------------------------------------------------------------------------


def _new_recovery_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def code_verify(*, person: Person, code: str) -> Check:
    """Checks a code from the app or a recovery code (used up when it works). Rows are locked so
    that two requests at once cannot both use one code."""
    code = normalise(code)
    if _is_totp(code):
        device = TOTPDevice.objects.select_for_update().filter(user=person, confirmed=True).first()
        return _check(device, code)
    device = StaticDevice.objects.select_for_update().filter(user=person, confirmed=True).first()
    check = _check(device, code)
    if check.ok:
        audit_record(
            actor=person,
            huvudman=person.huvudman,
            action="signin.recovery_code_used",
            obj=person,
            extra={"left": recovery_codes_left(person)},
        )
    return check


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice | None = None
    recovery_codes: tuple[str, ...] = ()
    error: str = ""


@transaction.atomic
def second_factor_enable(*, person: Person, key: str, code: str) -> Enrolment:
    """Turns TOTP on with the secret the person's app was given, once its first code is right;
    makes the recovery codes. Any earlier devices of the person are replaced."""
    totp = TOTP(bytes.fromhex(key), digits=DIGITS)
    code = normalise(code)
    if not (_is_totp(code) and totp.verify(int(code), tolerance=TOLERANCE)):
        return Enrolment(error=str(ERROR_WRONG_CODE))
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    # last_t: the code just used cannot be used again to sign in.
    device = TOTPDevice.objects.create(
        user=person, name=TOTP_DEVICE_NAME, key=key, confirmed=True, last_t=totp.t(), drift=totp.drift
    )
    recovery = StaticDevice.objects.create(user=person, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = _new_recovery_codes(recovery)
    audit_record(
        actor=person,
        huvudman=person.huvudman,
        action="signin.second_factor_on",
        obj=person,
        extra={"recovery_codes": len(codes)},
    )
    return Enrolment(device=device, recovery_codes=tuple(codes))


@transaction.atomic
def recovery_codes_renew(*, person: Person) -> list[str]:
    """New recovery codes; the old ones stop working."""
    device = StaticDevice.objects.select_for_update().filter(user=person).first()
    if device is None:
        device = StaticDevice.objects.create(user=person, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = _new_recovery_codes(device)
    audit_record(
        actor=person,
        huvudman=person.huvudman,
        action="signin.recovery_codes_renewed",
        obj=person,
        extra={"recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def second_factor_disable(*, person: Person, code: str) -> Check:
    """Turns the second factor off, given a current code, unless the policy requires it."""
    if required_by_policy(person):
        return Check(error=str(ERROR_REQUIRED))
    check = code_verify(person=person, code=code)
    if not check.ok:
        return check
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    audit_record(actor=person, huvudman=person.huvudman, action="signin.second_factor_off", obj=person)
    return check


def current_recovery_codes(person: Person, codes: list[str]) -> list[str]:
    """Those of codes that are still the person's unused recovery codes, in the order given."""
    wanted = [normalise(c) for c in codes][:RECOVERY_CODE_COUNT]
    valid = set(
        StaticToken.objects.filter(device__user=person, token__in=wanted).values_list("token", flat=True)
    )
    return [c for c in wanted if c in valid]
