"""Two-step verification at sign-in, written as the attack: someone who has a strategist's
password, but not their phone, tries to get in."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import Person
from digiplan.signin import mfa
from digiplan.signin.session import METHOD_OIDC, METHOD_SAML, SESSION_METHOD, sign_in_person
from tests.signin.mfa_helpers import (
    code_for,
    give_code,
    password_sign_in,
    require_for_strategists,
    turn_on,
    wait_out_the_throttle,
)

STRATEGIST_PAGES = (
    "home",
    "organisation_tree",
    "people_list",
    "framework_list",
    "audit_list",
    "mfa_settings",
)


def _is_sent_to(response, url_name: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse(url_name))


@pytest.fixture
def required(world):
    return require_for_strategists(world.huvudman)


# ---- Without the code, nothing opens -------------------------------------------------------


@pytest.mark.parametrize("url_name", STRATEGIST_PAGES)
def test_the_right_password_without_a_code_opens_no_page(world, required, url_name):
    turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    response = client.get(reverse(url_name))
    assert _is_sent_to(response, "mfa_verify")


@pytest.mark.parametrize("url_name", STRATEGIST_PAGES)
def test_a_strategist_without_an_app_is_sent_to_enrolment_from_every_page(world, required, url_name):
    client = password_sign_in(world.strategist)
    response = client.get(reverse(url_name))
    assert _is_sent_to(response, "mfa_enrol")


def test_a_post_without_the_code_is_not_carried_out(world, required):
    turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    response = client.post(reverse("person_create"), {"name": "Inkräktare", "email": "x@sjovik.test"})
    assert _is_sent_to(response, "mfa_verify")
    assert not Person.objects.filter(email="x@sjovik.test").exists()


def test_an_htmx_request_without_the_code_is_sent_to_the_code_page_whole(world, required):
    turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    response = client.get(reverse("organisation_tree"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("mfa_verify"))


@pytest.mark.parametrize("url_name", ["logout", "accessibility", "privacy", "set_language"])
def test_sign_out_and_the_public_pages_stay_open(world, required, url_name):
    client = password_sign_in(world.strategist)
    method = client.post if url_name in ("logout", "set_language") else client.get
    response = method(reverse(url_name), {"language": "sv"} if url_name == "set_language" else {})
    assert not _is_sent_to(response, "mfa_enrol")
    assert response.status_code in (200, 302)


def test_the_code_page_opens_for_a_person_with_an_app(world, required):
    turn_on(world.strategist)
    response = password_sign_in(world.strategist).get(reverse("mfa_verify"))
    assert response.status_code == 200
    assert 'autocomplete="one-time-code"' in response.content.decode()


def test_the_enrolment_page_opens_for_a_strategist_without_an_app(world, required):
    response = password_sign_in(world.strategist).get(reverse("mfa_enrol"))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()


def test_static_files_need_no_code(world, required):
    client = password_sign_in(world.strategist)
    response = client.get(settings.STATIC_URL + "digiplan/site.css")
    assert not _is_sent_to(response, "mfa_enrol")


def test_the_download_of_recovery_codes_is_no_way_to_test_codes_without_the_code(world, required):
    _key, codes = turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    response = client.post(reverse("mfa_recovery_codes_download"), {"codes": " ".join(codes)})
    assert _is_sent_to(response, "mfa_verify")


def test_new_recovery_codes_cannot_be_made_without_the_code(world, required):
    _key, codes = turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    assert _is_sent_to(client.post(reverse("mfa_recovery_codes")), "mfa_verify")
    assert mfa.recovery_codes_left(world.strategist) == len(codes)


def test_a_person_who_turned_it_on_themselves_is_asked_too(world):
    turn_on(world.leader_a)
    client = password_sign_in(world.leader_a)
    assert _is_sent_to(client.get(reverse("home")), "mfa_verify")


def test_without_the_policy_and_without_an_app_nobody_is_asked(world):
    client = password_sign_in(world.strategist)
    assert client.get(reverse("home")).status_code == 200


def test_the_policy_asks_strategists_only(world, required):
    client = password_sign_in(world.leader_a)
    assert client.get(reverse("home")).status_code == 200


def test_the_policy_of_another_huvudman_does_not_reach_its_strategist(world, required):
    client = password_sign_in(world.other_strategist)
    assert client.get(reverse("home")).status_code == 200


# ---- The codes -------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_with_a_swedish_message(world, required):
    key, _codes = turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    response = give_code(client, wrong)
    assert response.status_code == 400
    with translation.override("sv"):
        assert str(mfa.ERROR_WRONG_CODE) in response.content.decode()
    assert "Koden är fel" in response.content.decode()
    assert _is_sent_to(client.get(reverse("home")), "mfa_verify")


def test_the_right_code_from_the_app_lets_the_strategist_in(world, required):
    key, _codes = turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    response = give_code(client, code_for(key), next_url=reverse("people_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("people_list")
    for url_name in STRATEGIST_PAGES:
        assert client.get(reverse(url_name)).status_code == 200, url_name


def test_a_code_from_the_app_works_only_once(world, required):
    key, _codes = turn_on(world.strategist)
    code = code_for(key)
    give_code(password_sign_in(world.strategist), code)
    replay = password_sign_in(world.strategist)
    assert give_code(replay, code).status_code == 400
    assert _is_sent_to(replay.get(reverse("home")), "mfa_verify")


def test_the_code_is_checked_after_the_password_sign_in_a_new_session_key(world, required):
    key, _codes = turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    before = client.session.session_key
    give_code(client, code_for(key))
    assert client.session.session_key != before


def test_a_next_address_on_another_site_is_not_followed(world, required):
    key, _codes = turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    response = give_code(client, code_for(key), next_url="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_a_recovery_code_works_once_and_not_twice(world, required):
    _key, codes = turn_on(world.strategist)
    first = password_sign_in(world.strategist)
    assert give_code(first, mfa.shown_code(codes[0])).status_code == 302
    assert first.get(reverse("home")).status_code == 200
    assert mfa.recovery_codes_left(world.strategist) == mfa.RECOVERY_CODE_COUNT - 1

    second = password_sign_in(world.strategist)
    assert give_code(second, codes[0]).status_code == 400
    assert _is_sent_to(second.get(reverse("home")), "mfa_verify")
    assert AuditEvent.objects.filter(action="signin.recovery_code_used", actor=world.strategist).count() == 1


def test_an_old_recovery_code_stops_working_after_new_codes_are_made(world, required):
    _key, old = turn_on(world.strategist)
    new = mfa.recovery_codes_renew(person=world.strategist)
    assert not set(old) & set(new)
    client = password_sign_in(world.strategist)
    assert give_code(client, old[0]).status_code == 400
    assert _is_sent_to(client.get(reverse("home")), "mfa_verify")
    wait_out_the_throttle(world.strategist)
    assert give_code(password_sign_in(world.strategist), new[0]).status_code == 302


def test_someone_elses_code_does_not_work(world, required):
    turn_on(world.strategist)
    other_key, other_codes = turn_on(world.leader_a)
    client = password_sign_in(world.strategist)
    assert give_code(client, code_for(other_key)).status_code == 400
    assert give_code(client, other_codes[0]).status_code == 400
    assert _is_sent_to(client.get(reverse("home")), "mfa_verify")


def test_after_a_wrong_code_the_app_waits_before_it_takes_another(world, required):
    # django-otp's throttling: it stops a guesser at the device, whatever session or address.
    key, _codes = turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    give_code(client, "000000" if code_for(key) != "000000" else "111111")
    response = give_code(client, code_for(key))
    assert response.status_code == 400
    with translation.override("sv"):
        assert str(mfa.ERROR_THROTTLED) in response.content.decode()
    assert TOTPDevice.objects.get(user=world.strategist).throttling_failure_count == 1


def test_wrong_codes_lock_the_account_like_wrong_passwords(world, required):
    _key, _codes = turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert give_code(client, f"zzzz-zzz{n}").status_code == 400
    assert give_code(client, "zzzz-zzzz").status_code == 429
    # Locked: not even a right code is tried now, and the password form is locked as well.
    assert give_code(client, _codes[0]).status_code == 429
    assert mfa.recovery_codes_left(world.strategist) == mfa.RECOVERY_CODE_COUNT
    again = Client().post(reverse("login"), {"username": world.strategist.email, "password": "x"})
    assert again.status_code == 429


# ---- School accounts -------------------------------------------------------------------------


@pytest.mark.parametrize("method", [METHOD_SAML, METHOD_OIDC])
def test_a_school_account_sign_in_is_never_asked_for_a_code(world, required, method):
    turn_on(world.strategist)
    request = RequestFactory().get("/")
    client = Client()
    request.session = client.session
    sign_in_person(request, world.strategist, method=method, provider="idp.sjovik.test")
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    assert client.session[SESSION_METHOD] == method
    for url_name in STRATEGIST_PAGES:
        assert client.get(reverse(url_name)).status_code == 200, url_name


def test_a_password_sign_in_is_recorded_in_the_session(world):
    client = password_sign_in(world.strategist)
    assert client.session[SESSION_METHOD] == "password"


def test_a_session_that_names_no_method_counts_as_a_password_one(world, required):
    turn_on(world.strategist)
    client = password_sign_in(world.strategist)
    session = client.session
    del session[SESSION_METHOD]
    session.save()
    assert _is_sent_to(client.get(reverse("home")), "mfa_verify")
