"""A huvudman's idle time ends the session on the server, and the cookie still ends with the
browser: on a shared school computer the next person does not find the last one signed in."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from digiplan.signin.models import SignInPolicy
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_idle_time_is_the_huvudmans_and_the_cookie_dies_with_the_browser(client, world):
    SignInPolicy.objects.create(huvudman=world.huvudman, session_minutes=15)

    client.post(reverse("login"), {"username": world.staff.email, "password": PASSWORD})
    response = client.get(reverse("home"))

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert response.status_code == 200
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert client.session.get_expiry_age() == 15 * 60
    stored = Session.objects.get(session_key=client.session.session_key)
    assert 14 * 60 < (stored.expire_date - timezone.now()).total_seconds() <= 15 * 60


def test_without_a_policy_the_installation_idle_time_applies(client, world):
    client.post(reverse("login"), {"username": world.staff.email, "password": PASSWORD})
    response = client.get(reverse("home"))

    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
