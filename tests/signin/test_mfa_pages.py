"""The two-step verification pages of one's own account, for every persona: turning TOTP on
(QR code and the secret written out), the recovery codes, turning it off, and the person's file."""

import json
import re
from base64 import b32encode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import Person
from digiplan.privacy.services import person_erase
from digiplan.signin import mfa
from digiplan.signin.views_mfa import SESSION_PENDING_KEY
from tests.conftest import PERSONAS
from tests.signin.mfa_helpers import code_for, give_code, require_for_strategists, turn_on, verified_client

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
SECRET_IN_GROUPS = re.compile(r"<code class=\"secret\">([A-Z2-7]{4}(?: [A-Z2-7]{4}){7})</code>")


def _enrol(client: Client, code_from_key=code_for):
    page = client.get(reverse("mfa_enrol"))
    key = client.session[SESSION_PENDING_KEY]
    return page, key, client.post(reverse("mfa_enrol"), {"code": code_from_key(key)})


# ---- Who reaches the pages --------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["mfa_settings", "mfa_enrol", "mfa_verify"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client_for, url_name):
    response = client_for("anonymous").get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url_name", ["mfa_recovery_codes", "mfa_recovery_codes_download", "mfa_disable"])
def test_an_anonymous_post_changes_nothing(client_for, world, url_name):
    _key, codes = turn_on(world.strategist)
    response = client_for("anonymous").post(reverse(url_name), {"codes": " ".join(codes), "code": codes[0]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert mfa.recovery_codes_left(world.strategist) == len(codes)


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_persona_with_a_password_sees_their_own_settings(client_for, persona):
    response = client_for(persona).get(reverse("mfa_settings"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tvåstegsverifiering är avstängd." in html
    assert reverse("mfa_enrol") in html


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_persona_can_turn_it_on_for_themselves_and_no_one_else(client_for, world, persona):
    client = client_for(persona)
    page, _key, response = _enrol(client)
    assert page.status_code == 200
    assert response.status_code == 200
    person = getattr(world, persona)
    assert list(TOTPDevice.objects.filter(confirmed=True).values_list("user", flat=True)) == [person.pk]
    assert mfa.recovery_codes_left(person) == mfa.RECOVERY_CODE_COUNT


def test_a_person_without_a_password_is_told_it_is_for_password_sign_ins(world):
    person = Person.objects.create_user(
        "sso@sjovik.test", None, name="Siv Skolkonto", huvudman=world.huvudman
    )
    client = Client()
    client.force_login(person)
    for url_name in ("mfa_settings", "mfa_enrol"):
        response = client.get(reverse(url_name))
        assert response.status_code == 403
        with translation.override("sv"):
            assert str(mfa.ERROR_NO_PASSWORD) in response.content.decode()
    assert not TOTPDevice.objects.filter(user=person).exists()


# ---- Enrolment ---------------------------------------------------------------------------------


def test_the_enrolment_page_shows_the_qr_code_with_a_text_alternative_and_the_secret_in_groups(client_for):
    client = client_for("strategist")
    response = client.get(reverse("mfa_enrol"))
    html = response.content.decode()
    assert re.search(r'<svg role="img" aria-labelledby="qr-label"', html)
    assert 'id="qr-label"' in html
    secret = SECRET_IN_GROUPS.search(html)
    assert secret, html
    key = client.session[SESSION_PENDING_KEY]
    assert secret.group(1).replace(" ", "") == b32encode(bytes.fromhex(key)).decode()
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]


def test_the_secret_stays_the_same_while_the_page_is_reloaded(client_for):
    client = client_for("strategist")
    first = SECRET_IN_GROUPS.search(client.get(reverse("mfa_enrol")).content.decode()).group(1)
    second = SECRET_IN_GROUPS.search(client.get(reverse("mfa_enrol")).content.decode()).group(1)
    assert first == second


def test_a_wrong_first_code_turns_nothing_on(client_for, world):
    client = client_for("strategist")

    def wrong(key):
        return f"{(int(code_for(key)) + 1) % 1_000_000:06d}"

    _page, _key, response = _enrol(client, wrong)
    assert response.status_code == 400
    assert "Koden är fel" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.strategist).exists()
    assert not AuditEvent.objects.filter(action="signin.second_factor_on").exists()


def test_the_first_code_shows_ten_recovery_codes_once_and_audits(client_for, world):
    client = client_for("strategist")
    _page, key, response = _enrol(client)
    html = response.content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", html)
    assert len(shown) == mfa.RECOVERY_CODE_COUNT == len(set(shown))
    assert "no-store" in response["Cache-Control"]
    assert SESSION_PENDING_KEY not in client.session
    event = AuditEvent.objects.get(action="signin.second_factor_on")
    assert event.actor == world.strategist
    assert key not in json.dumps(event.changes)
    # Shown once: the settings page has only the count, and neither codes nor the secret.
    settings_html = client.get(reverse("mfa_settings")).content.decode()
    assert "10 oanvända reservkoder" in settings_html
    assert shown[0] not in settings_html
    assert not SECRET_IN_GROUPS.search(settings_html)
    assert client.get(reverse("mfa_enrol"))["Location"] == reverse("mfa_settings")


def test_enrolment_verifies_the_session_the_policy_asked_for(client_for, world):
    require_for_strategists(world.huvudman)
    client = client_for("strategist")
    assert client.get(reverse("people_list"))["Location"].startswith(reverse("mfa_enrol"))
    _enrol(client)
    assert client.get(reverse("people_list")).status_code == 200


# ---- Recovery codes ----------------------------------------------------------------------------


def test_the_codes_just_shown_download_as_a_text_file(client_for, world):
    client = client_for("strategist")
    _page, _key, response = _enrol(client)
    codes = re.search(r'name="codes" value="([^"]+)"', response.content.decode()).group(1).split()
    download = client.post(reverse("mfa_recovery_codes_download"), {"codes": " ".join(codes)})
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    text = download.content.decode()
    assert all(mfa.shown_code(c) in text for c in codes)
    assert world.strategist.email in text


def test_the_download_sends_back_only_the_persons_own_unused_codes(client_for, world):
    _key, others = turn_on(world.leader_a)
    client = client_for("strategist")
    _page, _key2, _response = _enrol(client)
    response = client.post(reverse("mfa_recovery_codes_download"), {"codes": " ".join([*others, "hacked"])})
    assert response.status_code == 302
    assert others[0] not in response.content.decode()


def test_new_recovery_codes_replace_the_old_ones_and_are_audited(client_for, world):
    _key, old = turn_on(world.strategist)
    client = verified_client(world.strategist, old.pop())
    response = client.post(reverse("mfa_recovery_codes"))
    assert response.status_code == 200
    new = [
        c.replace("-", "")
        for c in re.findall(r"<li><code>([a-z2-7-]{9})</code></li>", response.content.decode())
    ]
    assert len(new) == mfa.RECOVERY_CODE_COUNT
    assert mfa.current_recovery_codes(world.strategist, old) == []
    assert mfa.current_recovery_codes(world.strategist, new) == new
    assert AuditEvent.objects.filter(action="signin.recovery_codes_renewed", actor=world.strategist).exists()


def test_new_recovery_codes_need_the_app_turned_on(client_for, world):
    response = client_for("strategist").post(reverse("mfa_recovery_codes"))
    assert response["Location"] == reverse("mfa_settings")
    assert mfa.recovery_codes_left(world.strategist) == 0


# ---- Turning it off ----------------------------------------------------------------------------


def test_it_is_turned_off_with_a_current_code_and_audited(client_for, world):
    key, codes = turn_on(world.leader_a)
    client = verified_client(world.leader_a, codes[0])
    response = client.post(reverse("mfa_disable"), {"code": code_for(key)})
    assert response["Location"] == reverse("mfa_settings")
    assert mfa.totp_device(world.leader_a) is None
    assert mfa.recovery_codes_left(world.leader_a) == 0
    assert AuditEvent.objects.filter(action="signin.second_factor_off", actor=world.leader_a).exists()


def test_it_is_not_turned_off_with_a_wrong_code(client_for, world):
    _key, codes = turn_on(world.leader_a)
    response = verified_client(world.leader_a, codes[0]).post(reverse("mfa_disable"), {"code": "12345x"})
    assert response.status_code == 400
    assert "Koden är fel" in response.content.decode()
    assert mfa.totp_device(world.leader_a) is not None
    assert not AuditEvent.objects.filter(action="signin.second_factor_off").exists()


def test_it_is_turned_off_with_a_recovery_code_too(client_for, world):
    _key, codes = turn_on(world.leader_a)
    verified_client(world.leader_a, codes[0]).post(reverse("mfa_disable"), {"code": codes[3]})
    assert mfa.totp_device(world.leader_a) is None


def test_a_strategist_whom_the_policy_requires_cannot_turn_it_off(world):
    key, _codes = turn_on(world.strategist)
    require_for_strategists(world.huvudman)
    client = Client()
    client.force_login(world.strategist)
    # The session has given its code (so the pages open), then asks to turn it off.
    assert give_code(client, code_for(key)).status_code == 302
    settings_html = client.get(reverse("mfa_settings")).content.decode()
    assert reverse("mfa_disable") not in settings_html
    response = client.post(reverse("mfa_disable"), {"code": code_for(key, steps_back=-1)})
    assert response.status_code == 403
    with translation.override("sv"):
        assert str(mfa.ERROR_REQUIRED) in response.content.decode()
    assert mfa.totp_device(world.strategist) is not None


# ---- The person's file -------------------------------------------------------------------------


def test_the_persons_file_says_they_have_a_second_factor_but_not_its_secret(world):
    key, codes = turn_on(world.strategist)
    response = verified_client(world.strategist, codes.pop()).get(reverse("my_data_export"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    assert '"second_factor"' in text
    assert '"authenticator_app": true' in text
    assert key not in text
    assert b32encode(bytes.fromhex(key)).decode() not in text
    assert not any(code in text for code in codes)
    assert "otp_totp" not in text  # not listed again among "other records"


def test_the_file_of_a_person_without_a_second_factor_says_so(client_for):
    response = client_for("leader_b").get(reverse("my_data_export"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert '"authenticator_app": false' in body.decode()


def test_erasing_the_person_erases_the_secret_and_the_recovery_codes(world):
    turn_on(world.leader_a)
    person_erase(actor=world.strategist, person=world.leader_a, confirm_email=world.leader_a.email)
    assert not TOTPDevice.objects.filter(user_id=world.leader_a.pk).exists()
    assert not StaticToken.objects.filter(device__user_id=world.leader_a.pk).exists()
