"""The huvudman's sign-in policy: how long an idle session lives, and password sign-in turned
off (the person uses the school account), written as the attempts it must stop."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from digiplan.accounts.forms import ERROR_INVALID_LOGIN
from digiplan.organisations.models import Person
from digiplan.signin.models import SignInPolicy
from digiplan.signin.password import ERROR_PASSWORD_SIGN_IN_OFF
from digiplan.signin.session import METHOD_SAML, sign_in_person
from tests.factories import PASSWORD


def _policy(huvudman, **values) -> SignInPolicy:
    policy, _ = SignInPolicy.objects.update_or_create(huvudman=huvudman, defaults=values)
    return policy


def _sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _stored_expiry(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.fixture
def operator(db):
    return Person.objects.create_user("drift@digiplan.test", PASSWORD, name="Dora Drift", is_staff=True)


# ---- Session lifetime ------------------------------------------------------------------------


def test_a_session_lives_the_huvudmans_minutes_without_activity(world):
    _policy(world.huvudman, session_minutes=10)
    client = Client()
    _sign_in(client, world.strategist.email)
    assert client.get(reverse("people_list")).status_code == 200
    assert client.session.get_expiry_age() == 10 * 60
    assert _stored_expiry(client) < timezone.now() + timedelta(minutes=11)
    assert _stored_expiry(client) > timezone.now() + timedelta(minutes=9)


def test_without_a_policy_a_session_lives_the_installations_default(world):
    client = Client()
    _sign_in(client, world.strategist.email)
    client.get(reverse("people_list"))
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_a_changed_policy_reaches_sessions_already_signed_in(world):
    client = Client()
    _sign_in(client, world.strategist.email)
    _policy(world.huvudman, session_minutes=5)
    client.get(reverse("people_list"))
    assert client.session.get_expiry_age() == 5 * 60
    assert _stored_expiry(client) < timezone.now() + timedelta(minutes=6)


def test_the_policy_of_another_huvudman_does_not_shorten_a_session(world):
    _policy(world.other_huvudman, session_minutes=5)
    client = Client()
    _sign_in(client, world.strategist.email)
    client.get(reverse("people_list"))
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_a_session_idle_longer_than_the_policy_is_signed_out(world):
    _policy(world.huvudman, session_minutes=10)
    client = Client()
    _sign_in(client, world.strategist.email)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("people_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_school_account_session_gets_the_policys_lifetime_too(world):
    _policy(world.huvudman, session_minutes=15)
    request = RequestFactory().get("/")
    client = Client()
    request.session = client.session
    sign_in_person(request, world.strategist, method=METHOD_SAML)
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    client.get(reverse("people_list"))
    assert client.session.get_expiry_age() == 15 * 60


# ---- Password sign-in turned off --------------------------------------------------------------


def test_the_right_password_is_refused_when_the_huvudman_turned_passwords_off(world):
    _policy(world.huvudman, password_sign_in=False)
    client = Client()
    response = _sign_in(client, world.strategist.email)
    assert response.status_code == 403
    assert not _signed_in(client)
    html = response.content.decode()
    with translation.override("sv"):
        assert str(ERROR_PASSWORD_SIGN_IN_OFF) in html
    assert "Din organisation loggar in med skolkontot" in html
    assert f'<a href="{reverse("signin_choose")}">Logga in med skolkonto</a>' in html
    assert 'role="alert"' in html


def test_a_wrong_password_gets_the_usual_answer_so_nothing_is_learnt_about_the_account(world):
    _policy(world.huvudman, password_sign_in=False)
    response = _sign_in(Client(), world.strategist.email, "fel-lösenord")
    assert response.status_code == 200
    with translation.override("sv"):
        assert str(ERROR_INVALID_LOGIN) in response.content.decode()
        assert str(ERROR_PASSWORD_SIGN_IN_OFF) not in response.content.decode()


def test_every_person_of_that_huvudman_is_refused(world):
    _policy(world.huvudman, password_sign_in=False)
    for person in (world.leader_a, world.leader_b, world.staff):
        client = Client()
        assert _sign_in(client, person.email).status_code == 403
        assert not _signed_in(client)


def test_the_people_of_another_huvudman_still_sign_in_with_a_password(world):
    _policy(world.huvudman, password_sign_in=False)
    client = Client()
    assert _sign_in(client, world.other_strategist.email).status_code == 302
    assert _signed_in(client)


def test_no_reset_link_is_sent_and_the_page_says_the_same_as_for_any_address(world):
    _policy(world.huvudman, password_sign_in=False)
    client = Client()
    refused = client.post(reverse("password_reset"), {"email": world.strategist.email})
    unknown = client.post(reverse("password_reset"), {"email": "ingen@sjovik.test"})
    assert mail.outbox == []
    assert (refused.status_code, refused["Location"]) == (unknown.status_code, unknown["Location"])


def test_the_reset_link_is_sent_while_passwords_are_allowed(world):
    # The counterpart of the test above: the same request sends a mail under the default policy.
    Client().post(reverse("password_reset"), {"email": world.strategist.email})
    assert [m.to for m in mail.outbox] == [[world.strategist.email]]


def test_an_operator_is_never_affected(world, operator):
    for huvudman in (world.huvudman, world.other_huvudman):
        _policy(huvudman, password_sign_in=False, strategists_second_factor=True, session_minutes=5)
    client = Client()
    assert _sign_in(client, operator.email).status_code == 302
    assert _signed_in(client)
    Client().post(reverse("password_reset"), {"email": operator.email})
    assert [m.to for m in mail.outbox] == [[operator.email]]
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_a_school_account_sign_in_still_works_when_passwords_are_off(world):
    _policy(world.huvudman, password_sign_in=False)
    request = RequestFactory().get("/")
    client = Client()
    request.session = client.session
    sign_in_person(request, world.strategist, method=METHOD_SAML)
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    assert client.get(reverse("people_list")).status_code == 200


def test_the_refusal_is_logged_with_its_reason(world, caplog):
    _policy(world.huvudman, password_sign_in=False)
    with caplog.at_level("INFO", logger="digiplan.signin"):
        _sign_in(Client(), world.strategist.email)
    assert any(
        "password sign-in refused" in r.getMessage() and "school accounts" in r.getMessage()
        for r in caplog.records
    )
