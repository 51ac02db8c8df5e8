"""The invitation link: the new strategist chooses a password on the welcome page, is signed
in and lands on the start page with the checklist. The link works once, runs out, and a
used or old one says in Swedish what to do."""

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from digiplan.audit.models import AuditEvent
from digiplan.onboarding import services
from digiplan.onboarding.services import ERROR_ALREADY_ACCEPTED
from digiplan.onboarding.tokens import invitation_tokens
from digiplan.organisations.models import Person
from digiplan.signin.models import OidcProvider
from tests.onboarding.conftest import invitation_path

NEW_PASSWORD = "ny-häst-nytt-batteri-7"


@pytest.fixture
def invited(db, django_capture_on_commit_callbacks) -> Person:
    with django_capture_on_commit_callbacks(execute=True):
        onboarded = services.huvudman_onboard(
            actor=None,
            name="Nya kommun",
            organisation_number="212000-5678",
            strategist_email="nina@nya.test",
            strategist_name="Nina Ny",
        )
    return onboarded.strategist


def choose_password(client, path: str, password: str = NEW_PASSWORD):
    """Open the link (the token moves into the session), then send the form."""
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200, form_page.content.decode()
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def test_the_invited_strategist_sets_a_password_is_signed_in_and_sees_the_checklist(client, invited):
    page = client.get(invitation_path(), follow=True).content.decode()
    assert "Välkommen till Digiplan" in page
    assert "Nina Ny, du är strateg för Nya kommun" in page

    response = choose_password(client, invitation_path())
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == invited.pk

    home = client.get(reverse("home")).content.decode()
    assert "Kom igång med Digiplan" in home
    assert "0 av 5 klart" in home
    assert "Välkommen till Digiplan! Ditt lösenord är sparat." in home


def test_the_chosen_password_signs_in_later(client, invited):
    choose_password(client, invitation_path())
    client.logout()
    response = client.post(reverse("login"), {"username": "nina@nya.test", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_accepting_is_audited_by_the_strategist(client, invited):
    choose_password(client, invitation_path())
    event = AuditEvent.objects.get(action="invitation.accept")
    assert event.actor_id == invited.pk and event.huvudman_id == invited.huvudman_id


def test_the_link_works_once(client, invited):
    link = invitation_path()
    choose_password(client, link)
    client.logout()
    response = client.get(link, follow=True)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Inbjudningslänken fungerar inte" in page
    assert "skicka en ny inbjudan" in page
    assert 'name="new_password1"' not in page


def test_a_link_older_than_the_limit_does_not_work(client, invited, settings, monkeypatch):
    link = invitation_path()
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(invitation_tokens, "_now", lambda: later)
    response = client.get(link, follow=True)
    assert response.status_code == 400
    assert "Inbjudningslänken fungerar inte" in response.content.decode()


def test_a_password_reset_token_is_no_invitation(client, invited):
    uid = urlsafe_base64_encode(force_bytes(invited.pk))
    token = default_token_generator.make_token(invited)
    response = client.get(reverse("onboarding_welcome", kwargs={"uidb64": uid, "token": token}), follow=True)
    assert response.status_code == 400


def test_a_deactivated_person_cannot_use_the_link(client, invited):
    Person.objects.filter(pk=invited.pk).update(is_active=False)
    assert client.get(invitation_path(), follow=True).status_code == 400


def test_with_a_school_account_sign_in_the_mail_and_the_page_point_to_it(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        onboarded = services.huvudman_onboard(
            actor=None, name="Nya kommun", organisation_number="212000-5678", strategist_email="nina@nya.test"
        )
    OidcProvider.objects.create(
        huvudman=onboarded.huvudman, enabled=True, issuer="https://idp.nya.test", client_id="digiplan"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(actor=None, huvudman=onboarded.huvudman)
    assert "Logga in med skolkonto" in mail.outbox[0].body
    assert reverse("signin_choose") in mail.outbox[0].body
    page = client.get(invitation_path(), follow=True).content.decode()
    assert f'href="{reverse("signin_choose")}"' in page
    assert "Logga in med skolkonto" in page


def test_without_a_school_account_sign_in_the_page_does_not_offer_it(client, invited):
    page = client.get(invitation_path(), follow=True).content.decode()
    assert reverse("signin_choose") not in page


def test_a_new_invitation_goes_to_the_first_strategist_until_they_accept(
    client, invited, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(actor=None, huvudman=invited.huvudman)
    assert mail.outbox[0].to == ["nina@nya.test"]
    choose_password(client, invitation_path())
    with pytest.raises(Exception) as refused:
        services.invitation_resend(actor=None, huvudman=invited.huvudman)
    assert ERROR_ALREADY_ACCEPTED in refused.value.messages


def test_when_password_sign_in_is_off_the_page_offers_only_the_school_account(client, invited):
    from digiplan.signin.models import SignInPolicy

    link = invitation_path()
    SignInPolicy.objects.create(huvudman=invited.huvudman, password_sign_in=False)
    response = client.get(link, follow=True)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="new_password1"' not in page
    assert f'href="{reverse("signin_choose")}"' in page
    form_url = response.redirect_chain[-1][0]
    refused = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert refused.status_code == 400
    assert not Person.objects.get(pk=invited.pk).has_usable_password()
    assert "_auth_user_id" not in client.session
