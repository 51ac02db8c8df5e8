"""The own profile as a PDF: offered once, on the thank-you page; posted back sealed; made on the
spot and never stored; without the person. Beside the own answers stand the unit's figures of
the last closed self-assessment."""

import json
import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from digiplan.assessments import ballots
from digiplan.assessments.models import Answer, Ballot, Draft, Participation, Response
from digiplan.assessments.views import answering
from digiplan.audit.models import AuditEvent
from digiplan.lib import sealing
from tests.assessment_helpers import build_campaign, closed_campaign
from tests.pdf_helpers import _objects, flat, pdf_text

PDF_URL = "/svar/profil.pdf"


def sv(message: str) -> str:
    with translation.override("sv"):
        return translation.gettext(message)


# Last year, unit A's staff answered (LED.P1, KOMP.P1) so: LED.P1 20 / 6 = 3,3 over six answers;
# KOMP.P1 only four on the scale, fewer than k = 5, so it was suppressed.
LAST_YEAR = [(1, 5), (2, 5), (3, 4), (5, 4), (5, None), (4, None)]


def last_year(world, rows=LAST_YEAR):
    return closed_campaign(world, {world.unit_a: [{"LED.P1": led, "KOMP.P1": komp} for led, komp in rows]})


@pytest.fixture
def fx(world):
    fx = build_campaign(world)
    fx.participation = Participation.objects.get(person=world.staff)
    fx.token = fx.tokens[fx.participation.pk]
    fx.url = reverse("survey_token", args=[fx.token])
    fx.led, fx.komp = fx.items["LED.P1"], fx.items["KOMP.P1"]
    return fx


@pytest.fixture
def fx_last_year(world):
    """Last year's closed campaign first, then this year's open one on the same framework."""
    before = last_year(world)
    fx = build_campaign(world, version=before.version)
    fx.before = before.campaign
    fx.participation = Participation.objects.get(person=world.staff, campaign=fx.campaign)
    fx.token = fx.tokens[fx.participation.pk]
    fx.url = reverse("survey_token", args=[fx.token])
    fx.led, fx.komp = fx.items["LED.P1"], fx.items["KOMP.P1"]
    return fx


def others_answer(fx, world, values):
    """Colleagues in unit A answer this year: ballots in the box."""
    size = answering.services.box_size(fx.campaign)
    for led, komp in values:
        Ballot.objects.create(
            campaign=fx.campaign,
            sealed=ballots.seal_ballot(
                fx.campaign.pk,
                size,
                ballots.Contents(
                    unit_id=world.unit_a.pk, group="staff", answers={fx.led.pk: led, fx.komp.pk: komp}
                ),
            ),
        )


def submit(fx, client, led="4", komp="2") -> str:
    """Answers, submits and returns the thank-you page."""
    client.post(fx.url, {"del": "1", "go": "next", f"item-{fx.led.pk}": led})
    response = client.post(f"{fx.url}?del=2", {"del": "2", "go": "submit", f"item-{fx.komp.pk}": komp})
    return response.content.decode()


def seal(data) -> str:
    raw = json.dumps(data).encode()
    return sealing.seal(
        raw, purpose=ballots.PROFILE_PURPOSE, context=answering.PROFILE_CONTEXT, size=4096
    ).hex()


def opened(value: str) -> dict:
    return json.loads(
        sealing.unseal(
            bytes.fromhex(value), purpose=ballots.PROFILE_PURPOSE, context=answering.PROFILE_CONTEXT
        )
    )


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


def test_the_sealed_profile_holds_campaign_unit_and_own_answers_only(fx_last_year, world):
    fx = fx_last_year
    others_answer(fx, world, [(1, 5), (2, 5), (3, 4), (5, 4), (5, None)])
    value = signed_field(submit(fx, Client()))
    data = opened(value)
    assert set(data) == {"c", "u", "a", "e"}  # no figure of anyone else travels with it
    assert (data["c"], data["u"]) == (fx.campaign.pk, world.unit_a.pk)
    assert data["a"] == {str(fx.led.pk): "4", str(fx.komp.pk): "2"}
    assert 0 < data["e"] - time.time() <= answering.PROFILE_MAX_AGE
    # Sealed, not only signed: the page's field cannot be read.
    assert f'"{fx.led.pk}":"4"'.encode() not in bytes.fromhex(value)
    assert b'"a":' not in bytes.fromhex(value)


# ---- The PDF ---------------------------------------------------------------------------------


def test_the_pdf_has_the_statements_the_own_answers_and_last_years_unit_means(fx_last_year, world):
    fx = fx_last_year
    others_answer(fx, world, [(1, 1)] * 8)  # this year's answers are never shown
    client = Client()
    response = get_pdf(client, signed_field(submit(fx, client, komp="na")))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="min-skattning-2026-27.pdf"'
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    text = flat(pdf_text(pdf))
    for expected in (
        "Min skattning",
        "Skattning 2026/27 · Almskolan",
        "Ledning Jag vet vad planen säger",
        "Stämmer ganska bra (4)",
        "Kompetens",
        "Jag är trygg med verktygen",
        "Vet ej",
        sv("Unit average last time"),
        "3,3",
        sv("Too few answers"),
    ):
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


def test_without_a_closed_campaign_the_pdf_has_only_the_own_answers(fx, world):
    others_answer(fx, world, [(1, 5), (2, 5), (3, 4), (5, 4), (5, None), (2, 2)])
    client = Client()
    text = flat(pdf_text(get_pdf(client, signed_field(submit(fx, client))).content))
    assert "Stämmer ganska bra (4)" in text
    assert sv("Unit average last time") not in text
    assert "ingen tidigare skattning" in text  # why no averages are shown


def test_the_pdf_shows_the_same_means_however_many_answer_after(fx_last_year, world):
    """Posting the same profile again later must not show anything moving as more people
    answer: that would tell what each new answer was."""
    fx = fx_last_year
    client = Client()
    signed = signed_field(submit(fx, client))
    first = flat(pdf_text(get_pdf(client, signed).content))
    others_answer(fx, world, [(1, 1)] * 10)
    assert flat(pdf_text(get_pdf(client, signed).content)) == first
    assert "3,3" in first


# ---- Refused ---------------------------------------------------------------------------------


def _message_page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    "change", ["one character", "another purpose", "not hex", "empty", "wrong shape", "expired", "huge"]
)
def test_a_tampered_or_made_up_profile_is_refused(fx, world, change):
    client = Client()
    signed = signed_field(submit(fx, client))
    later = int(time.time()) + 60
    payload = {"c": fx.campaign.pk, "u": world.unit_a.pk, "a": {str(fx.led.pk): "1"}, "e": later}
    value = {
        "one character": signed[:-3] + ("a" if signed[-3] != "a" else "b") + signed[-2:],
        "another purpose": sealing.seal(
            json.dumps(payload).encode(), purpose="other", context=answering.PROFILE_CONTEXT, size=4096
        ).hex(),
        "not hex": "zz" + signed[2:],
        "empty": "",
        "wrong shape": seal({"c": fx.campaign.pk, "u": world.unit_a.pk, "a": "x", "e": later}),
        "expired": seal({**payload, "e": int(time.time()) - 1}),
        "huge": "ab" * 500_000,
    }[change]
    response = get_pdf(client, value)
    assert response.status_code == 400
    assert not response.content.startswith(b"%PDF")
    assert sv("The page with your summary is too old or was changed.") in _message_page(response)


def test_a_profile_of_a_unit_outside_the_campaign_is_refused(fx, world):
    payload = {"c": fx.campaign.pk, "u": world.other_unit.pk, "a": {}, "e": int(time.time()) + 60}
    response = get_pdf(Client(), seal(payload))
    assert response.status_code == 400


def test_an_old_profile_is_refused(fx, monkeypatch):
    client = Client()
    signed = signed_field(submit(fx, client))
    now = time.time()
    monkeypatch.setattr(answering.time, "time", lambda: now + answering.PROFILE_MAX_AGE + 5)
    assert get_pdf(client, signed).status_code == 400


def test_the_pdf_is_made_by_post_only(fx):
    assert Client().get(PDF_URL).status_code == 405


# ---- Nothing of the person, nothing stored ---------------------------------------------------


def test_the_pdf_holds_no_person_data_and_nothing_is_stored(fx, world):
    client = Client()
    signed = signed_field(submit(fx, client))
    counts = (
        Response.objects.count(),
        Answer.objects.count(),
        Draft.objects.count(),
        AuditEvent.objects.count(),
    )
    response = get_pdf(client, signed)
    pdf = response.content
    text = pdf_text(pdf)
    for secret in (
        world.staff.name,
        world.staff.email,
        "personal@",
        fx.token,
        fx.participation.token_hash,
        str(Ballot.objects.get().pk),
    ):
        assert secret not in text
        assert secret.encode() not in pdf
    assert str(response.headers).find(world.staff.email) == -1
    assert (
        Response.objects.count(),
        Answer.objects.count(),
        Draft.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert not client.session.keys()


# ---- Competence development from the library -----------------------------------------------


def test_the_lowest_answers_bring_staff_courses_from_the_library_to_page_and_pdf(fx, world):
    from digiplan.plans import services as plan_services

    plan_services.library_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        title="Verktygsstuga för personal",
        description="Korta pass om de gemensamma verktygen.",
        items=[fx.items["KOMP"]],
        duration="Sex veckor",
        for_staff=True,
        publish=True,
    )
    plan_services.library_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        title="Ledningens workshop",
        items=[fx.items["KOMP"]],
        publish=True,
    )  # not for staff: never suggested to them
    client = Client()
    page = submit(fx, client, led="5", komp="1")
    assert "Förslag på kompetensutveckling" in page
    assert "Verktygsstuga för personal" in page and "Sex veckor" in page
    assert "Ledningens workshop" not in page
    text = flat(pdf_text(get_pdf(client, signed_field(page)).content))
    assert "Verktygsstuga för personal" in text


def test_high_answers_get_no_suggestions(fx, world):
    from digiplan.plans import services as plan_services

    plan_services.library_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        title="Verktygsstuga för personal",
        items=[fx.items["KOMP"]],
        for_staff=True,
        publish=True,
    )
    page = submit(fx, Client(), led="5", komp="5")
    assert "Förslag på kompetensutveckling" not in page
