"""Sign-in, sign-out, passwords, lockout, session expiry, language and the public pages."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation

from digiplan.accounts.context_processors import navigation
from digiplan.accounts.forms import ERROR_INVALID_LOGIN
from digiplan.organisations.services import person_create

PASSWORD = "rätt-häst-batteri-42"
NEW_PASSWORD = "ny-fin-mening-om-vår-2026"
RESET_LINK = re.compile(r"https?://testserver(/konto/aterstall/\S+/\S+/)")


# The personas come from conftest's world; here they get a password these tests know.
@pytest.fixture
def strategist(world):
    world.strategist.set_password(PASSWORD)
    world.strategist.save()
    return world.strategist


@pytest.fixture
def staff(world):
    return world.staff


def _new_person_without_password(world):
    return person_create(actor=None, huvudman=world.huvudman, name="Ny Nilsson", email="ny@sjovik.test")


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# ---- Sign-in ------------------------------------------------------------------------------


def test_login_page_is_swedish_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Logga in" in html
    assert "E-postadress" in html
    assert "Glömt lösenordet?" in html


def test_login_page_turns_english_after_choosing_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    assert "E-mail address" in html
    assert "Logga in" not in html


def test_login_fields_are_email_and_current_password(client, db):
    html = client.get(reverse("login")).content.decode()
    assert re.search(r'<input type="email" name="username"[^>]*autocomplete="email"', html)
    assert re.search(r'<input type="password" name="password"[^>]*autocomplete="current-password"', html)
    assert ">E-postadress</label>" in html  # no colon after labels


def test_signing_in_with_the_right_password_redirects_home(client, strategist):
    response = sign_in(client, "strateg@sjovik.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in(client)


def test_the_email_address_is_not_case_sensitive(client, strategist):
    response = sign_in(client, "  Strateg@Sjovik.TEST ")
    assert response.status_code == 302
    assert signed_in(client)


def test_a_wrong_password_shows_an_error(client, strategist):
    response = sign_in(client, "strateg@sjovik.test", "fel-lösenord")
    assert response.status_code == 200
    assert not signed_in(client)
    with translation.override("sv"):
        assert str(ERROR_INVALID_LOGIN) in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_a_person_without_a_password_cannot_sign_in(client, world):
    _new_person_without_password(world)
    response = sign_in(client, "ny@sjovik.test", "")
    assert response.status_code == 200
    assert not signed_in(client)


def test_five_failed_attempts_lock_sign_in(client, strategist):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "strateg@sjovik.test", "fel-lösenord")
    response = sign_in(client, "strateg@sjovik.test")
    assert response.status_code == 429
    assert not signed_in(client)
    html = response.content.decode()
    assert "15 minuter" in html
    assert reverse("password_reset") in html


def test_the_login_page_still_answers_while_locked(client, strategist):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in(client, "strateg@sjovik.test", "fel-lösenord")
    assert client.get(reverse("login")).status_code == 200


def test_sign_out_needs_a_post(client, strategist):
    client.force_login(strategist)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not signed_in(client)


# ---- Behind a reverse proxy -----------------------------------------------------------------
# Every connection then comes from the proxy; the client is the address the proxy forwards, and
# only from proxies named in TRUSTED_PROXIES (digiplan/lib/client_ip.py).


def _sign_in_through(client, email, password=PASSWORD, forwarded_for=""):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        headers={"x_forwarded_for": forwarded_for} if forwarded_for else {},
    )


def test_behind_a_trusted_proxy_two_clients_are_locked_out_separately(strategist, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in_through(proxy, "strateg@sjovik.test", "fel-lösenord", "203.0.113.66")
    assert _sign_in_through(proxy, "strateg@sjovik.test", PASSWORD, "203.0.113.66").status_code == 429
    # The person, through the same proxy from elsewhere, still signs in.
    assert (
        _sign_in_through(
            Client(REMOTE_ADDR="10.0.0.5"), "strateg@sjovik.test", PASSWORD, "198.51.100.10"
        ).status_code
        == 302
    )


def test_a_forged_forwarded_header_does_not_escape_the_lockout(strategist, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    guesser = Client(REMOTE_ADDR="203.0.113.66")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in_through(guesser, "strateg@sjovik.test", "fel-lösenord", f"192.0.2.{n}")
    assert _sign_in_through(guesser, "strateg@sjovik.test", PASSWORD, "192.0.2.200").status_code == 429


# ---- Passwords ----------------------------------------------------------------------------


def _reset_link_path() -> str:
    assert len(mail.outbox) == 1
    match = RESET_LINK.search(mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def _choose_new_password(client, link_path, password=NEW_PASSWORD):
    form_page = client.get(link_path, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    return client.post(set_password_url, {"new_password1": password, "new_password2": password})


def test_password_reset_sends_a_working_link(client, strategist):
    response = client.post(reverse("password_reset"), {"email": "strateg@sjovik.test"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox[0].to == ["strateg@sjovik.test"]
    assert "lösenord" in mail.outbox[0].subject

    response = _choose_new_password(client, _reset_link_path())
    assert response["Location"] == reverse("password_reset_complete")
    assert sign_in(client, "strateg@sjovik.test", NEW_PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_reset_link_works_only_once(client, strategist):
    client.post(reverse("password_reset"), {"email": "strateg@sjovik.test"})
    link = _reset_link_path()
    _choose_new_password(client, link)
    response = client.get(link, follow=True)
    assert not response.context["validlink"]


def test_a_new_person_chooses_a_first_password_through_reset(client, world):
    _new_person_without_password(world)
    client.post(reverse("password_reset"), {"email": "ny@sjovik.test"})
    _choose_new_password(client, _reset_link_path())
    assert sign_in(client, "ny@sjovik.test", NEW_PASSWORD).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, strategist):
    response = client.post(reverse("password_reset"), {"email": "ingen@sjovik.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_an_inactive_person_gets_no_reset_mail(client, strategist):
    strategist.is_active = False
    strategist.save()
    client.post(reverse("password_reset"), {"email": "strateg@sjovik.test"})
    assert mail.outbox == []


def test_choosing_a_new_password_lifts_the_lockout(client, strategist):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "strateg@sjovik.test", "fel-lösenord")
    assert sign_in(client, "strateg@sjovik.test").status_code == 429
    client.post(reverse("password_reset"), {"email": "strateg@sjovik.test"})
    _choose_new_password(client, _reset_link_path())
    assert sign_in(client, "strateg@sjovik.test", NEW_PASSWORD).status_code == 302


def test_password_change_needs_sign_in(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_signed_in_person_changes_the_password(client, strategist):
    sign_in(client, "strateg@sjovik.test")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert signed_in(client)
    strategist.refresh_from_db()
    assert strategist.check_password(NEW_PASSWORD)


# ---- Session expiry -----------------------------------------------------------------------


def test_sessions_expire_after_idle_time(db):
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_every_request_renews_the_session(client, strategist):
    sign_in(client, "strateg@sjovik.test")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))

    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    # The cookie is sent again; it lives until the browser closes, the server-side expiry moves.
    assert response.cookies[settings.SESSION_COOKIE_NAME].value
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_idle_session_is_signed_out(client, strategist):
    sign_in(client, "strateg@sjovik.test")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# ---- Navigation and page shell -----------------------------------------------------------


def _nav_for(person, url_name):
    request = RequestFactory().get(reverse(url_name))
    request.user = person
    request.resolver_match = resolve(reverse(url_name))
    with translation.override("en"):
        return navigation(request)["nav_items"]


def test_anonymous_visitors_get_no_navigation(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert navigation(request) == {"nav_items": []}


EVERYONE_SEES = [
    "Home",
    "Organisation",
    "Frameworks",
    "My responsibilities",
    "Self-assessment",
    "Plans",
    "My activities",
    "Example activities",
    "Reports",
]


def test_staff_see_the_sections_everyone_has(staff):
    assert [item["label"] for item in _nav_for(staff, "home")] == EVERYONE_SEES


def test_strategists_also_see_people_roles_import_audit_and_sign_in(strategist):
    labels = [item["label"] for item in _nav_for(strategist, "home")]
    assert labels == [
        *EVERYONE_SEES,
        "People",
        "Role titles",
        "Import",
        "Audit trail",
        "Devices",
        "Digital services",
        "Sign-in",
    ]


def test_unit_leaders_and_coordinators_also_see_their_devices_and_services(world):
    from digiplan.organisations.models import Membership, Role  # noqa: PLC0415

    assert [i["label"] for i in _nav_for(world.leader_a, "home")] == [
        *EVERYONE_SEES,
        "Devices",
        "Digital services",
    ]
    Membership.objects.filter(person=world.leader_b).update(role=Role.COORDINATOR)
    world.leader_b._membership_paths = None
    labels = [i["label"] for i in _nav_for(world.leader_b, "device_overview")]
    assert labels == [*EVERYONE_SEES, "Devices", "Digital services"]
    assert [i["label"] for i in _nav_for(world.leader_b, "device_overview") if i["active"]] == ["Devices"]


def test_the_current_section_is_marked_active(strategist):
    items = _nav_for(strategist, "organisation_tree")
    assert [item["label"] for item in items if item["active"]] == ["Organisation"]


def test_the_shell_shows_name_sign_out_and_the_current_page(client, strategist):
    client.force_login(strategist)
    html = client.get(reverse("password_change")).content.decode()
    assert "Sara Strateg" in html
    assert f'action="{reverse("logout")}"' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert reverse("people_list") in html
    assert reverse("accessibility") in html and reverse("privacy") in html


def test_messages_errors_are_alerts_and_others_status(client, strategist):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = RequestFactory().get("/")
    request.user = strategist
    request.session = client.session
    storage = FallbackStorage(request)
    storage.add(constants.SUCCESS, "Sparat")
    storage.add(constants.ERROR, "Något gick fel")
    html = render_to_string("registration/password_change_done.html", {"messages": storage}, request=request)
    assert re.search(r'role="status">Sparat<', html)
    assert re.search(r'role="alert">Något gick fel<', html)


# ---- Public pages and page hygiene -------------------------------------------------------


@pytest.mark.parametrize("url_name", ["accessibility", "privacy"])
def test_public_pages_answer_anonymous_visitors(client, db, url_name):
    assert client.get(reverse(url_name)).status_code == 200


def test_the_accessibility_statement_names_digg_and_its_date(client, db):
    html = client.get(reverse("accessibility")).content.decode()
    assert "Myndigheten för digital förvaltning" in html
    assert "https://www.digg.se/tdosanmalan" in html
    assert 'datetime="2026-11-27"' in html
    assert "27 november 2026" in html


def test_the_privacy_page_says_what_is_never_stored(client, db):
    html = client.get(reverse("privacy")).content.decode()
    assert "personnummer" in html


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _pages(client, strategist):
    anonymous = [
        "login",
        "password_reset",
        "password_reset_done",
        "password_reset_complete",
        "accessibility",
        "privacy",
    ]
    for name in anonymous:
        yield name, client.get(reverse(name))
    yield (
        "bad reset link",
        client.get(reverse("password_reset_confirm", args=["MQ", "fel-token"]), follow=True),
    )
    yield "failed login", sign_in(client, "strateg@sjovik.test", "fel")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "strateg@sjovik.test", "fel")
    yield "locked out", sign_in(client, "strateg@sjovik.test")
    client.force_login(strategist)
    yield "password_change", client.get(reverse("password_change"))
    yield "password_change_done", client.get(reverse("password_change_done"))


def test_no_page_has_inline_script_style_or_handlers(client, strategist):
    for name, response in _pages(client, strategist):
        html = response.content.decode()
        assert response.status_code in (200, 429), name
        assert "<main" in html, name
        assert not INLINE_SCRIPT.search(html), name
        assert not INLINE_STYLE.search(html), name
        assert not INLINE_HANDLER.search(html), name


@pytest.mark.django_db(transaction=True)
def test_the_reset_mail_goes_through_the_task_queue_without_a_token_in_it(client, strategist):
    from django_tasks_db.models import DBTaskResult

    from tests.assessments.test_tasks import DATABASE_TASKS, _run_worker

    with DATABASE_TASKS:
        response = client.post(reverse("password_reset"), {"email": "strateg@sjovik.test"})
        assert response["Location"] == reverse("password_reset_done")
        assert mail.outbox == []
        row = DBTaskResult.objects.get()
        assert row.task_path == "digiplan.accounts.tasks.send_password_reset"
        assert row.args_kwargs["kwargs"]["person_id"] == strategist.pk
        _run_worker()
    link = _reset_link_path()
    # The link was made by the worker: the queue never held the token.
    assert link.rstrip("/").split("/")[-1] not in str(DBTaskResult.objects.get().args_kwargs)
    assert _choose_new_password(client, link)["Location"] == reverse("password_reset_complete")
