"""The operator's pages (drift/huvudman/), the checklist page (kom-igang/) and the checklist
on the start page, through every persona."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from digiplan.audit.models import AuditEvent
from digiplan.onboarding.services import (
    ERROR_EMAIL_INVALID,
    ERROR_EMAIL_TAKEN,
    ERROR_NAME_EMPTY,
    ERROR_ORGNR_INVALID,
    ERROR_ORGNR_TAKEN,
)
from digiplan.organisations.models import Huvudman, Membership, Organisation, Person, Role
from digiplan.signin.models import OidcProvider
from tests.conftest import PERSONAS
from tests.factories import CampaignFactory, FrameworkVersionFactory, PersonFactory
from tests.onboarding.conftest import invitation_path

OPERATOR_PAGES = ["onboarding_operator_list", "onboarding_operator_create"]
FORM = {
    "name": "Nya kommun",
    "organisation_number": "212000-5678",
    "email": "nina@nya.test",
    "strategist_name": "Nina Ny",
}


def swedish(message) -> str:
    with translation.override("sv"):
        return str(message)


def as_operator(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Huvudman, Organisation, Person, Membership, AuditEvent)}


# ---- Who may use the operator's pages ---------------------------------------------------------


@pytest.mark.parametrize("name", OPERATOR_PAGES)
def test_the_operator_pages_are_for_operators_only(name, world, client_for, operator):
    url = reverse(name)
    got = {persona: client_for(persona).get(url).status_code for persona in PERSONAS}
    assert got == {**dict.fromkeys(PERSONAS, 403), "anonymous": 302}
    assert client_for("anonymous").get(url)["Location"].startswith(reverse("login"))
    assert as_operator(operator).get(url).status_code == 200


def test_a_strategist_cannot_create_a_huvudman_by_posting(world, client_for):
    before = counts()
    assert client_for("strategist").post(reverse("onboarding_operator_create"), FORM).status_code == 403
    assert counts() == before


def test_a_strategist_cannot_send_an_invitation(world, client_for):
    url = reverse("onboarding_operator_resend", args=[world.huvudman.pk])
    assert client_for("strategist").post(url).status_code == 403
    assert mail.outbox == []


# ---- Creating a huvudman on the page ------------------------------------------------------------


def test_the_operator_creates_a_huvudman_and_its_strategist_is_invited(
    world, operator, django_capture_on_commit_callbacks
):
    client = as_operator(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onboarding_operator_create"), FORM)
    assert response.status_code == 302 and response["Location"] == reverse("onboarding_operator_list")
    huvudman = Huvudman.objects.get(organisation_number="212000-5678")
    person = Person.objects.get(email="nina@nya.test")
    assert Membership.objects.filter(person=person, role=Role.STRATEGIST, organisation__parent=None).exists()
    assert mail.outbox[0].to == ["nina@nya.test"]
    assert AuditEvent.objects.filter(huvudman=huvudman, action="invitation.send", actor=operator).exists()
    page = client.get(reverse("onboarding_operator_list")).content.decode()
    assert "Nya kommun har skapats. En inbjudan är på väg till nina@nya.test." in page


def test_the_list_shows_people_and_whether_the_first_strategist_accepted(
    world, operator, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_operator(operator).post(reverse("onboarding_operator_create"), FORM)
    page = as_operator(operator).get(reverse("onboarding_operator_list")).content.decode()
    row = page.split("Nya kommun</td>")[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in row
    assert "Inte accepterad än" in row and "Skicka ny inbjudan" in row

    form_page = client.get(invitation_path(), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "ny-häst-7-batteri", "new_password2": "ny-häst-7-batteri"},
    )
    page = as_operator(operator).get(reverse("onboarding_operator_list")).content.decode()
    row = page.split("Nya kommun</td>")[1].split("</tr>")[0]
    assert "Accepterad" in row and "Skicka ny inbjudan" not in row
    sjovik = page.split("Sjöviks kommun</td>")[1].split("</tr>")[0]
    assert '<td class="num">4</td>' in sjovik  # the strategist, two leaders and a staff member


def test_the_operator_sends_a_new_invitation(world, operator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_operator(operator).post(reverse("onboarding_operator_create"), FORM)
    mail.outbox.clear()
    huvudman = Huvudman.objects.get(organisation_number="212000-5678")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_operator(operator).post(
            reverse("onboarding_operator_resend", args=[huvudman.pk]), follow=True
        )
    assert "En ny inbjudan är på väg till nina@nya.test." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["nina@nya.test"]]
    assert AuditEvent.objects.filter(action="invitation.resend", actor=operator).count() == 1


def test_a_new_invitation_to_a_strategist_who_signed_in_is_refused(world, operator):
    world.strategist.last_login = world.strategist.created_at
    world.strategist.save(update_fields=["last_login"])
    response = as_operator(operator).post(
        reverse("onboarding_operator_resend", args=[world.huvudman.pk]), follow=True
    )
    assert "Strategen har redan tackat ja till inbjudan" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", ERROR_NAME_EMPTY),
        ("organisation_number", "", ERROR_ORGNR_INVALID),
        ("organisation_number", "212000-12345", ERROR_ORGNR_INVALID),
        ("organisation_number", "212000-1234", ERROR_ORGNR_TAKEN),
        ("email", "nina(at)nya.test", ERROR_EMAIL_INVALID),
        ("email", "STRATEG@friskolan.test", ERROR_EMAIL_TAKEN),
    ],
    ids=["empty name", "no number", "bad number", "number taken", "bad address", "address taken"],
)
def test_bad_input_on_the_page_is_refused_in_swedish_and_nothing_is_created(
    world, operator, field, value, message
):
    before = counts()
    response = as_operator(operator).post(reverse("onboarding_operator_create"), {**FORM, field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert swedish(message) in page
    assert world.other_huvudman.name not in page
    assert counts() == before
    assert mail.outbox == []


def test_a_script_in_the_name_is_stored_as_text_and_shown_escaped(world, operator):
    client = as_operator(operator)
    client.post(reverse("onboarding_operator_create"), {**FORM, "name": "<script>alert(1)</script>"})
    assert Huvudman.objects.filter(name="<script>alert(1)</script>").exists()
    page = client.get(reverse("onboarding_operator_list")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---- The checklist page -------------------------------------------------------------------------


def test_the_checklist_page_is_for_strategists(world, client_for, operator):
    url = reverse("onboarding_checklist")
    got = {persona: client_for(persona).get(url).status_code for persona in PERSONAS}
    assert got == {
        **dict.fromkeys(PERSONAS, 403),
        "anonymous": 302,
        "strategist": 200,
        "other_strategist": 200,
    }
    assert as_operator(operator).get(url).status_code == 403  # an operator has no huvudman of their own


def test_the_checklist_says_done_and_to_do_in_words(world, client_for):
    page = client_for("strategist").get(reverse("onboarding_checklist")).content.decode()
    assert "2 av 5 klart" in page  # the world's units, each with its leader
    assert page.count(">Klart<") == 2 and page.count(">Att göra<") == 3
    assert f'href="{reverse("import_start")}"' in page
    assert f'href="{reverse("signin_settings")}"' in page
    assert "<ol" in page and "<h2><a" in page


def test_each_strategist_sees_their_own_huvudmans_state(world, client_for):
    FrameworkVersionFactory(huvudman=world.huvudman)
    OidcProvider.objects.create(huvudman=world.huvudman, enabled=True, issuer="https://i.test", client_id="x")
    CampaignFactory(huvudman=world.huvudman, actor=world.strategist, units=[world.unit_a], opened=True)
    ours = client_for("strategist").get(reverse("onboarding_checklist")).content.decode()
    theirs = client_for("other_strategist").get(reverse("onboarding_checklist")).content.decode()
    assert "5 av 5 klart" in ours
    assert "1 av 5 klart" in theirs  # their one unit, without a leader
    assert "1 skolenhet saknar enhetsledare." in theirs


# ---- The start page --------------------------------------------------------------------------


def test_the_strategists_start_page_shows_the_checklist(world, client_for):
    page = client_for("strategist").get(reverse("home")).content.decode()
    assert 'id="setup-heading"' in page and "2 av 5 klart" in page
    assert "<h3><a" in page


@pytest.mark.parametrize("persona", ["leader_a", "leader_b", "staff"])
def test_leaders_and_staff_have_no_checklist(world, client_for, persona):
    response = client_for(persona).get(reverse("home"))
    assert response.status_code == 200
    assert "setup-heading" not in response.content.decode()


def test_with_every_step_done_the_box_is_one_line(world, client_for):
    FrameworkVersionFactory(huvudman=world.huvudman)
    OidcProvider.objects.create(huvudman=world.huvudman, enabled=True, issuer="https://i.test", client_id="x")
    CampaignFactory(huvudman=world.huvudman, actor=world.strategist, units=[world.unit_a], opened=True)
    response = client_for("strategist").get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "setup-heading" not in page
    assert "Alla steg för att komma igång är klara." in page
    assert "Dina roller" in page  # the rest of the page is still there


def test_the_operators_start_page_links_to_the_huvudman_list(operator):
    page = as_operator(operator).get(reverse("home")).content.decode()
    assert f'href="{reverse("onboarding_operator_list")}"' in page
    assert "setup-heading" not in page


def test_a_new_person_of_the_world_is_not_the_first_strategist(world, operator):
    """The list names the strategist invited first, not a later one."""
    PersonFactory(
        huvudman=world.huvudman, organisation=world.root, role=Role.STRATEGIST, email="z@sjovik.test"
    )
    page = as_operator(operator).get(reverse("onboarding_operator_list")).content.decode()
    row = page.split("Sjöviks kommun</td>")[1].split("</tr>")[0]
    assert world.strategist.email in row and "z@sjovik.test" not in row
