"""The own profile as a PDF: offered once, on the thank-you page; posted back signed; made on the
spot and never stored; without the person."""

import re
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from digiplan.assessments.models import Answer, Draft, Group, Participation, Response
from digiplan.assessments.views import answering
from digiplan.audit.models import AuditEvent
from tests.assessment_helpers import build_campaign
from tests.pdf_helpers import _objects, flat, pdf_text

PDF_URL = "/svar/profil.pdf"


def sv(message: str) -> str:
    with translation.override("sv"):
        return translation.gettext(message)


@pytest.fixture
def fx(world):
    fx = build_campaign(world)
    fx.participation = Participation.objects.get(person=world.staff)
    fx.token = fx.tokens[fx.participation.pk]
    fx.url = reverse("survey_token", args=[fx.token])
    fx.led, fx.komp = fx.items["LED.P1"], fx.items["KOMP.P1"]
    return fx


def others_answer(fx, world, values):
    for led, komp in values:
        response = Response.objects.create(campaign=fx.campaign, unit=world.unit_a,
                                           group=Group.STAFF, submitted_on="2026-09-01")
        Answer.objects.create(response=response, item=fx.led, value=led)
        Answer.objects.create(response=response, item=fx.komp, value=komp)


def submit(fx, client, led="4", komp="2") -> str:
    """Answers, submits and returns the thank-you page."""
    client.post(fx.url, {"del": "1", "go": "next", f"item-{fx.led.pk}": led})
    response = client.post(f"{fx.url}?del=2", {"del": "2", "go": "submit",
                                               f"item-{fx.komp.pk}": komp}, follow=True)
    return response.content.decode()


def signed_field(page: str) -> str:
    match = re.search(r'<input type="hidden" name="profil" value="([^"]+)">', page)
    assert match, "the thank-you page offers no PDF"
    return match.group(1)


def get_pdf(client, value):
    return client.post(reverse("survey_profile_pdf"), {"profil": value})


# ---- Offered once --------------------------------------------------------------------------


def test_the_url_is_the_one_expected():
    assert reverse("survey_profile_pdf") == PDF_URL


def test_the_thank_you_page_offers_the_pdf_only_in_that_page_view(fx):
    client = Client()
    page = submit(fx, client)
    assert f'action="{PDF_URL}"' in page and 'name="csrfmiddlewaretoken"' in page
    assert sv("Download as PDF") == "Ladda ner som PDF"
    assert "Ladda ner som PDF" in page
    signed_field(page)
    again = client.get(fx.url).content.decode()
    assert 'name="profil"' not in again and PDF_URL not in again


def test_the_signed_profile_holds_campaign_unit_answers_and_the_shown_means_only(fx, world):
    others_answer(fx, world, [(1, 5), (2, 5), (3, 4), (5, 4), (5, None)])
    data = signing.loads(signed_field(submit(fx, Client())), salt=answering.PROFILE_SALT)
    assert set(data) == {"c", "u", "a", "m"}
    assert (data["c"], data["u"]) == (fx.campaign.pk, world.unit_a.pk)
    assert data["a"] == {str(fx.led.pk): "4", str(fx.komp.pk): "2"}
    # KOMP.P1: four others on the scale and the own 2 make five.
    assert data["m"] == {str(fx.led.pk): round(20 / 6, 4), str(fx.komp.pk): 4.0}


# ---- The PDF ---------------------------------------------------------------------------------


def test_the_pdf_has_the_statements_the_own_answers_and_the_unit_means(fx, world):
    others_answer(fx, world, [(1, 5), (2, 5), (3, 4), (5, 4), (5, None)])
    client = Client()
    response = get_pdf(client, signed_field(submit(fx, client, komp="na")))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="min-skattning-2026-27.pdf"'
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    text = flat(pdf_text(pdf))
    for expected in ("Min skattning", "Skattning 2026/27 · Almskolan",
                     "Ledning Jag vet vad planen säger", "Stämmer ganska bra (4)",
                     "Kompetens", "Jag är trygg med verktygen", "Vet ej",
                     sv("Unit average"), "3,3", sv("Too few answers")):
        assert expected in text, expected
    with translation.override("sv"):
        today = formats.date_format(timezone.localdate(), "j F Y")
    assert today in text  # e.g. "27 november 2026"


def test_the_pdf_is_tagged_for_screen_readers_with_title_and_language(fx):
    client = Client()
    pdf = get_pdf(client, signed_field(submit(fx, client))).content
    objects = _objects(pdf).values()
    catalog = next(head for head, _data in objects if b"/Type /Catalog" in head)
    assert b"/StructTreeRoot" in catalog and b"/Lang (sv)" in catalog
    assert b"/MarkInfo <</Marked true>>" in catalog
    metadata = b"".join(data for _head, data in objects if data and b"xmpmeta" in data)
    assert b'pdfuaid:part="1"' in metadata
    assert "Min skattning – Skattning 2026/27" in metadata.decode()


def test_below_k_the_pdf_has_only_the_own_answers(fx, world):
    others_answer(fx, world, [(1, 5), (2, 5)])
    client = Client()
    text = flat(pdf_text(get_pdf(client, signed_field(submit(fx, client))).content))
    assert "Stämmer ganska bra (4)" in text
    assert sv("Unit average") not in text
    assert "minst 5" in text  # why no averages are shown


def test_the_pdf_shows_the_means_as_the_page_did_not_as_they_are_now(fx, world):
    """Posting the same profile again later must not show the means moving as more people
    answer: that would tell what each new answer was."""
    others_answer(fx, world, [(1, 5), (2, 5), (3, 4), (5, 4), (5, None)])
    client = Client()
    signed = signed_field(submit(fx, client))
    others_answer(fx, world, [(1, 1)] * 10)
    text = flat(pdf_text(get_pdf(client, signed).content))
    assert "3,3" in text


# ---- Refused ---------------------------------------------------------------------------------


def _message_page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("change", ["one character", "another salt", "no signature", "empty",
                                    "wrong shape"])
def test_a_tampered_or_made_up_profile_is_refused(fx, world, change):
    client = Client()
    signed = signed_field(submit(fx, client))
    payload = {"c": fx.campaign.pk, "u": world.unit_a.pk, "a": {str(fx.led.pk): "1"}, "m": {}}
    value = {
        "one character": signed[:-3] + ("A" if signed[-3] != "A" else "B") + signed[-2:],
        "another salt": signing.dumps(payload, salt="something else", compress=True),
        "no signature": signed.split(":")[0],
        "empty": "",
        "wrong shape": signing.dumps({"c": fx.campaign.pk, "u": world.unit_a.pk, "a": "x",
                                      "m": None}, salt=answering.PROFILE_SALT),
    }[change]
    response = get_pdf(client, value)
    assert response.status_code == 400
    assert not response.content.startswith(b"%PDF")
    assert sv("The page with your summary is too old or was changed.") in _message_page(response)


def test_a_profile_of_a_unit_outside_the_campaign_is_refused(fx, world):
    payload = {"c": fx.campaign.pk, "u": world.other_unit.pk, "a": {}, "m": None}
    response = get_pdf(Client(), signing.dumps(payload, salt=answering.PROFILE_SALT))
    assert response.status_code == 400


def test_an_old_profile_is_refused(fx, monkeypatch):
    client = Client()
    signed = signed_field(submit(fx, client))
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + answering.PROFILE_MAX_AGE + 5)
    assert get_pdf(client, signed).status_code == 400


def test_the_pdf_is_made_by_post_only(fx):
    assert Client().get(PDF_URL).status_code == 405


# ---- Nothing of the person, nothing stored ---------------------------------------------------


def test_the_pdf_holds_no_person_data_and_nothing_is_stored(fx, world):
    client = Client()
    signed = signed_field(submit(fx, client))
    counts = (Response.objects.count(), Answer.objects.count(), Draft.objects.count(),
              AuditEvent.objects.count())
    response = get_pdf(client, signed)
    pdf = response.content
    text = pdf_text(pdf)
    for secret in (world.staff.name, world.staff.email, "personal@", fx.token,
                   fx.participation.token_hash, str(Response.objects.get().pk)):
        assert secret not in text
        assert secret.encode() not in pdf
    assert str(response.headers).find(world.staff.email) == -1
    assert (Response.objects.count(), Answer.objects.count(), Draft.objects.count(),
            AuditEvent.objects.count()) == counts
    assert answering.SESSION_PROFILE not in client.session


# ---- Competence development from the library -----------------------------------------------


def test_the_lowest_answers_bring_staff_courses_from_the_library_to_page_and_pdf(fx, world):
    from digiplan.plans import services as plan_services

    plan_services.library_create(
        actor=world.strategist, huvudman=world.huvudman, title="Verktygsstuga för personal",
        description="Korta pass om de gemensamma verktygen.", items=[fx.items["KOMP"]],
        duration="Sex veckor", for_staff=True, publish=True)
    plan_services.library_create(actor=world.strategist, huvudman=world.huvudman,
                                 title="Ledningens workshop", items=[fx.items["KOMP"]],
                                 publish=True)  # not for staff: never suggested to them
    client = Client()
    page = submit(fx, client, led="5", komp="1")
    assert "Förslag på kompetensutveckling" in page
    assert "Verktygsstuga för personal" in page and "Sex veckor" in page
    assert "Ledningens workshop" not in page
    text = flat(pdf_text(get_pdf(client, signed_field(page)).content))
    assert "Verktygsstuga för personal" in text


def test_high_answers_get_no_suggestions(fx, world):
    from digiplan.plans import services as plan_services

    plan_services.library_create(actor=world.strategist, huvudman=world.huvudman,
                                 title="Verktygsstuga för personal", items=[fx.items["KOMP"]],
                                 for_staff=True, publish=True)
    page = submit(fx, Client(), led="5", komp="5")
    assert "Förslag på kompetensutveckling" not in page
