"""Two-step verification in tests: an authenticator app is its key and the clock."""

import time
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from digiplan.signin import mfa
from digiplan.signin.models import SignInPolicy
from tests.factories import PASSWORD


def code_for(key: str, *, steps_back: int = 0) -> str:
    """The six digits the app shows now (or steps_back periods of 30 seconds ago)."""
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() - 30 * steps_back
    return f"{totp.token():06d}"


def turn_on(person) -> tuple[str, list[str]]:
    """Turns TOTP on for person as the enrolment page does; returns the key and recovery codes.
    The first code is the previous period's (an app whose clock is a little behind), so that
    the code the app shows now is still unused."""
    key = mfa.new_key()
    enrolment = mfa.second_factor_enable(person=person, key=key, code=code_for(key, steps_back=1))
    assert enrolment.device is not None, enrolment.error
    return key, list(enrolment.recovery_codes)


def require_for_strategists(huvudman, **values) -> SignInPolicy:
    policy, _ = SignInPolicy.objects.update_or_create(
        huvudman=huvudman, defaults={"strategists_second_factor": True, **values}
    )
    return policy


def password_sign_in(person, client: Client | None = None) -> Client:
    client = client or Client()
    response = client.post(reverse("login"), {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def give_code(client: Client, code: str, next_url: str = ""):
    data = {"code": code}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("mfa_verify"), data)


def wait_out_the_throttle(person) -> None:
    """As if the wait django-otp imposes after wrong codes were over."""
    long_ago = timezone.now() - timedelta(days=1)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=person).update(throttling_failure_timestamp=long_ago)


def verified_client(person, recovery_code: str) -> Client:
    """A client signed in as person that has given its second factor (with a recovery code, so
    that the app's current code is still unused)."""
    client = Client()
    client.force_login(person)
    assert give_code(client, recovery_code).status_code == 302
    return client
