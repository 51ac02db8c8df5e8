"""Answering the questionnaires: staff by personal link or signed in, pupils by group code."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from digiplan.assessments import services
from digiplan.assessments.models import Ballot, Draft, Group, Participation, PupilCode, Response
from digiplan.assessments.views.answering import SESSION_NONCES
from tests.assessment_helpers import build_campaign, draft_contents, open_ballots


def sv(message) -> str:
    """A message as a Swedish reader gets it (English until the catalogue has it)."""
    with translation.override("sv"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


@pytest.fixture
def fx(world):
    fx = build_campaign(world)
    fx.participation = Participation.objects.get(person=world.staff)
    fx.token = fx.tokens[fx.participation.pk]
    fx.url = reverse("survey_token", args=[fx.token])
    fx.led, fx.komp = fx.items["LED.P1"], fx.items["KOMP.P1"]
    return fx


def part(number, total) -> str:
    return sv("Part %(number)s of %(total)s") % {"number": number, "total": total}


def answered_text(answered, total) -> str:
    with translation.override("sv"):
        return translation.ngettext(
            "You have answered %(answered)s of %(counter)s statement.",
            "You have answered %(answered)s of %(counter)s statements.",
            total,
        ) % {"answered": answered, "counter": total}


def field(item) -> str:
    return f"item-{item.pk}"


def html(response) -> str:
    return response.content.decode()


def checked(response, item) -> str | None:
    match = re.search(rf'name="{field(item)}" value="([^"]+)" checked', html(response))
    return match.group(1) if match else None


def draft_of(fx):
    """The person's draft as the application reads it (it is sealed in the table), or None."""
    if not Draft.objects.filter(token_hash=fx.participation.token_hash).exists():
        return None
    return draft_contents(fx.participation)


def ballot_values(fx) -> list[dict]:
    """What each ballot in the box holds, by indicator code."""
    codes = {item.pk: code for code, item in fx.items.items()}
    return [
        {codes[pk]: value for pk, value in ballot.answers.items()} for ballot in open_ballots(fx.campaign)
    ]


def nothing_stored() -> bool:
    return not Ballot.objects.exists() and not Response.objects.exists()


# ---- The staff questionnaire -------------------------------------------------------------------


def test_the_first_page_shows_one_area_with_every_scale_level(fx):
    response = Client().get(fx.url)
    assert response.status_code == 200
    page = html(response)
    assert "Ledning" in page and "Jag vet vad planen säger" in page
    assert "Jag är trygg med verktygen" not in page  # the next area's statement
    assert part(1, 2) in page
    for level in ("Stämmer inte alls", "Stämmer helt", "Vet ej"):
        assert level in page
    assert f'name="{field(fx.led)}" value="na"' in page  # "vet ej" sends "na", never a number
    assert '<fieldset class="statement"' in page and '<legend class="statement-legend">' in page


def test_the_full_flow_by_personal_link_stores_one_anonymous_response(fx, world):
    client = Client()
    response = client.post(fx.url, {"del": "1", "go": "next", field(fx.led): "4"})
    assert response.status_code == 302 and response["Location"] == f"{fx.url}?del=2"
    response = client.post(
        f"{fx.url}?del=2",
        {"del": "2", "go": "submit", field(fx.komp): "na", "comment": "Mer tid för fortbildning."},
    )
    assert response.status_code == 200
    assert sv("Thank you for your answers!") in html(response)
    assert sv("Your answers have been submitted.") in html(response)
    [ballot] = open_ballots(fx.campaign)
    assert (ballot.unit_id, ballot.group, ballot.comment) == (
        world.unit_a.pk,
        Group.STAFF,
        "Mer tid för fortbildning.",
    )
    assert ballot_values(fx) == [{"LED.P1": 4, "KOMP.P1": None}]
    assert not Response.objects.exists()  # nothing in the clear until the campaign closes
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    stored = Response.objects.get()
    assert (stored.unit, stored.group, stored.comment) == (
        world.unit_a,
        Group.STAFF,
        "Mer tid för fortbildning.",
    )
    assert dict(stored.answers.values_list("item__code", "value")) == {"LED.P1": 4, "KOMP.P1": None}
    assert not Ballot.objects.exists()
    fx.participation.refresh_from_db()
    assert fx.participation.answered
    assert draft_of(fx) is None  # the only place answers met the token is gone


def test_the_full_flow_when_signed_in(fx, client_for):
    client = client_for("staff")
    response = client.get(reverse("survey_start"))
    url = reverse("survey_participation", args=[fx.participation.pk])
    assert url in html(response) and "Skattning" in html(response)
    response = client.post(url, {"del": "1", "go": "next", field(fx.led): "2"})
    assert response["Location"] == f"{url}?del=2"
    response = client.post(f"{url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "5"})
    assert sv("Thank you for your answers!") in html(response)
    assert reverse("survey_start") in html(response)
    assert ballot_values(fx) == [{"LED.P1": 2, "KOMP.P1": 5}]
    assert sv("Thank you for your answers!") in html(client.get(url))


def test_only_open_participations_of_the_person_are_listed(fx, world, client_for):
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    response = client_for("staff").get(reverse("survey_start"))
    assert reverse("survey_participation", args=[fx.participation.pk]) not in html(response)
    assert sv("You have no open questionnaires right now.") in html(response)


@pytest.mark.parametrize("persona", ["strategist", "leader_a", "leader_b", "other_strategist"])
def test_someone_elses_participation_is_not_found(fx, client_for, persona):
    url = reverse("survey_participation", args=[fx.participation.pk])
    assert client_for(persona).get(url).status_code == 404
    assert client_for(persona).post(url, {"del": "1", "go": "next", field(fx.led): "4"}).status_code == 404
    assert draft_of(fx) is None


def test_answers_are_saved_as_you_go_and_shown_again(fx):
    client = Client()
    client.post(fx.url, {"del": "1", "go": "next", field(fx.led): "3"})
    assert draft_of(fx).answers == {fx.led.pk: 3}
    # Another browser, the same link: the answers are there.
    response = Client().get(f"{fx.url}?del=1")
    assert checked(response, fx.led) == "3"
    assert '<span class="area-state">' in html(response) and sv("Done") in html(response)


def test_vet_ej_is_shown_again_and_submitted_as_an_answer_that_does_not_count(fx):
    client = Client()
    client.post(fx.url, {"del": "1", "go": "next", field(fx.led): "na"})
    assert checked(client.get(f"{fx.url}?del=1"), fx.led) == "na"
    client.post(f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "1"})
    assert ballot_values(fx) == [{"LED.P1": None, "KOMP.P1": 1}]


def test_the_parts_can_be_answered_in_any_order(fx):
    client = Client()
    response = client.post(fx.url, {"del": "1", "go": "to-2"})
    assert response["Location"] == f"{fx.url}?del=2"
    client.post(f"{fx.url}?del=2", {"del": "2", "go": "previous", field(fx.komp): "5", "comment": "Bra"})
    response = client.get(f"{fx.url}?del=1")
    assert answered_text(1, 2) in html(response)
    client.post(f"{fx.url}?del=1", {"del": "1", "go": "to-2", field(fx.led): "1"})
    response = client.get(f"{fx.url}?del=2")
    assert checked(response, fx.komp) == "5" and ">Bra</textarea>" in html(response)
    client.post(f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "5", "comment": "Bra"})
    assert ballot_values(fx) == [{"LED.P1": 1, "KOMP.P1": 5}]


def test_without_a_part_asked_for_the_first_unanswered_part_opens(fx):
    client = Client()
    client.post(fx.url, {"del": "1", "go": "stay", field(fx.led): "4"})
    assert part(2, 2) in html(client.get(fx.url))
    assert part(2, 2) in html(client.get(f"{fx.url}?del=nonsense"))
    assert part(1, 2) in html(client.get(f"{fx.url}?del=-3"))
    assert part(2, 2) in html(client.get(f"{fx.url}?del=99"))


def test_save_and_continue_later_stays_on_the_page(fx):
    response = Client().post(fx.url, {"del": "1", "go": "stay", field(fx.led): "4"}, follow=True)
    assert response.redirect_chain == [(f"{fx.url}?del=1", 302)]
    assert sv("Your answers are saved. You can continue later with the same link.") in html(response)


@pytest.mark.parametrize("retry", ["twice", "after-thanks"])
def test_a_second_submit_shows_the_thank_you_page_and_stores_nothing(fx, retry):
    data = {"del": "2", "go": "submit", field(fx.komp): "4"}
    first, second = Client(), Client()
    first.post(f"{fx.url}?del=2", data)
    if retry == "after-thanks":
        first.get(fx.url)
    # A double click, or the retry of a dropped connection, from any browser and any page.
    for client in (first, second):
        response = client.post(f"{fx.url}?del=2", {**data, field(fx.komp): "1"}, follow=True)
        assert response.status_code == 200
        assert sv("Thank you for your answers!") in html(response)
        assert "Dina svar är redan inskickade" in html(response)
        response = client.post(fx.url, {"del": "1", "go": "next", field(fx.led): "2"}, follow=True)
        assert "Dina svar är redan inskickade" in html(response)
    assert ballot_values(fx) == [{"KOMP.P1": 4}]
    assert draft_of(fx) is None


def test_a_submit_still_in_flight_when_the_first_lands_stores_nothing(fx, monkeypatch):
    """The double click that passed the page's check before the first click was stored."""
    in_flight = Participation.objects.get(pk=fx.participation.pk)
    services.response_submit(participation=fx.participation, answers={str(fx.komp.pk): 4})
    real = services.participation_for_token
    seen = iter([in_flight])  # the POST sees the stale row, the page after it the real one
    monkeypatch.setattr(services, "participation_for_token", lambda token: next(seen, None) or real(token))
    response = Client().post(
        f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "1"}, follow=True
    )
    assert response.status_code == 200
    assert "Dina svar är redan inskickade" in html(response)
    assert ballot_values(fx) == [{"KOMP.P1": 4}]
    assert draft_of(fx) is None


def test_a_campaign_closing_during_the_submit_says_so(fx, monkeypatch):
    def closed(**kwargs):
        raise services.ValidationError(services.ERROR_NOT_OPEN)

    monkeypatch.setattr(services, "response_submit", closed)
    response = Client().post(f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "1"})
    assert "Skattningen är inte öppen." in html(response)
    assert "<fieldset" not in html(response)


def test_submitting_nothing_is_refused(fx):
    response = Client().post(f"{fx.url}?del=2", {"del": "2", "go": "submit"})
    assert response.status_code == 200
    assert sv("Answer at least one statement before you submit.") in html(response)
    assert nothing_stored()


@pytest.mark.parametrize("token", ["fel", "x" * 32, "%00", "a" * 500])
def test_an_unknown_or_tampered_token_shows_only_the_message(fx, token):
    for method in ("get", "post"):
        url = reverse("survey_token", args=[token]) if token != "%00" else "/svar/%00/"
        response = getattr(Client(), method)(
            url, {"del": "1", "go": "next", field(fx.led): "1"} if method == "post" else None
        )
        assert response.status_code == 404
        page = html(response)
        assert "Länken gäller inte. Använd länken i din senaste inbjudan." in page
        assert '<form method="post" action="/svar' not in page
        assert "Almskolan" not in page and "Skattning" not in page
    assert not Draft.objects.exists()


def test_a_token_with_one_character_changed_is_refused(fx):
    tampered = fx.token[:-1] + ("A" if fx.token[-1] != "A" else "B")
    assert Client().get(reverse("survey_token", args=[tampered])).status_code == 404


@pytest.mark.parametrize("value", ["7", "0", "-1", "3.5", "abc", "<b>4</b>", "9" * 40])
def test_a_value_outside_the_scale_is_refused_in_swedish_and_nothing_is_stored(fx, value):
    client = Client()
    for go in ("next", "submit"):
        response = client.post(f"{fx.url}?del=2", {"del": "2", "go": go, field(fx.komp): value})
        assert response.status_code == 200
        page = html(response)
        assert "är inte ett svar på skalan för KOMP.P1" in page
        assert f'aria-describedby="item-{fx.komp.pk}-error"' in page
        assert f'href="#item-{fx.komp.pk}-0"' in page  # the error summary links to the field
        assert "<b>4</b>" not in page
    assert draft_of(fx) is None
    assert nothing_stored()


def test_a_statement_not_in_the_campaign_is_refused_and_nothing_is_stored(fx):
    leader_item = fx.items["LED.L1"]  # in the framework, but for leaders
    pupil_item = fx.items["KOMP.E1"]
    for extra in (leader_item.pk, pupil_item.pk, 999999, "x"):
        response = Client().post(fx.url, {"del": "1", "go": "next", field(fx.led): "3", f"item-{extra}": "3"})
        assert response.status_code == 200
        assert "Ett påstående som inte ingår i den här skattningen besvarades." in html(response)
    response = Client().post(
        f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "3", field(fx.led): "3"}
    )
    assert response.status_code == 200  # a statement of another part is not on this page
    assert draft_of(fx) is None
    assert nothing_stored()


def test_a_100_kb_comment_is_refused_and_the_answers_are_kept(fx):
    client = Client()
    client.post(fx.url, {"del": "1", "go": "next", field(fx.led): "2"})
    response = client.post(
        f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "4", "comment": "å" * 100_000}
    )
    assert response.status_code == 200
    page = html(response)
    assert "Kommentaren är längre än 2000 tecken." in page
    assert 'aria-describedby="comment-help comment-error"' in page
    assert "å" * 100_000 in page  # what they wrote is given back to shorten, not lost
    assert nothing_stored()
    assert draft_of(fx).answers == {fx.led.pk: 2, fx.komp.pk: 4}
    assert draft_of(fx).comment == ""


def test_a_comment_of_exactly_the_limit_is_accepted(fx):
    Client().post(f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "4", "comment": "x" * 2000})
    [ballot] = open_ballots(fx.campaign)
    assert len(ballot.comment) == 2000


def test_html_in_the_comment_is_kept_as_text_and_never_rendered(fx):
    comment = '<script>alert("x")</script><b onmouseover="x()">fet</b>'
    client = Client()
    client.post(f"{fx.url}?del=2", {"del": "2", "go": "stay", field(fx.komp): "4", "comment": comment})
    page = html(client.get(f"{fx.url}?del=2"))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<b onmouseover" not in page
    response = client.post(
        f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "4", "comment": comment}
    )
    assert "<script>alert" not in html(response)
    [ballot] = open_ballots(fx.campaign)
    assert ballot.comment == comment
    assert "<script>alert" not in html(client.get(fx.url))


def test_a_closed_campaign_says_so_and_stores_nothing(fx, world):
    client = Client()
    client.post(fx.url, {"del": "1", "go": "next", field(fx.led): "2"})
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    response = client.get(fx.url)
    assert "Skattningen är inte öppen." in html(response)
    assert "<fieldset" not in html(response)
    for go in ("next", "submit"):
        response = client.post(f"{fx.url}?del=2", {"del": "2", "go": go, field(fx.komp): "4"})
        assert response.status_code == 200
        assert "Skattningen är inte öppen." in html(response)
    assert nothing_stored() and not Draft.objects.exists()


def test_the_campaign_closing_between_page_view_and_submit_stores_nothing(fx, world):
    client = Client()
    client.get(f"{fx.url}?del=2")
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    response = client.post(f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "4"})
    assert "Skattningen är inte öppen." in html(response)
    assert nothing_stored()


# ---- The person's own profile after submitting ------------------------------------------------
# The attacks on it are in tests/assessments/test_ballot_box.py.


def _submit(fx, client, led="4", komp="2"):
    client.post(fx.url, {"del": "1", "go": "next", field(fx.led): led})
    return client.post(f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): komp})


def test_the_own_profile_is_shown_once_in_the_answer_to_the_submit(fx, world):
    client = Client()
    response = _submit(fx, client)
    page = html(response)
    assert 'class="table profile-table"' in page
    assert "Stämmer ganska bra (4)" in page and "Stämmer dåligt (2)" in page
    assert not client.session.keys()  # nothing of it was put in a session
    assert "profile-table" not in html(client.get(fx.url))  # a reload no longer shows it
    # No earlier self-assessment of the unit: only the own answers show.
    assert sv("Unit average last time") not in page


# ---- What the answering pages never show ------------------------------------------------------


def test_no_page_reached_by_token_shows_the_persons_name_or_email(fx, world):
    client = Client()
    pages = [
        client.get(fx.url),
        client.get(f"{fx.url}?del=2"),
        client.post(fx.url, {"del": "1", "go": "next", field(fx.led): "9"}),
        client.post(fx.url, {"del": "1", "go": "stay", field(fx.led): "4"}, follow=True),
        client.post(
            f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "3", "comment": "x" * 3000}
        ),
        client.post(f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "3"}, follow=True),
        client.post(f"{fx.url}?del=2", {"del": "2", "go": "submit", field(fx.komp): "3"}, follow=True),
        client.get(fx.url),
    ]
    for response in pages:
        everything = (
            html(response)
            + str(response.headers)
            + "".join(str(m) for m in response.context.get("messages", []) if response.context)
        )
        for secret in (world.staff.name, world.staff.email, "personal@"):
            assert secret not in everything
    assert len(open_ballots(fx.campaign)) == 1


def test_the_pages_follow_the_content_security_policy(fx):
    client = Client()
    for url in (fx.url, f"{fx.url}?del=2", reverse("pupil_start")):
        page = html(client.get(url))
        assert " style=" not in page and "<style" not in page
        assert all('src="' in tag for tag in re.findall(r"<script[^>]*>", page))
        assert "onclick" not in page


# ---- The pupil questionnaire -----------------------------------------------------------------


@pytest.fixture
def pupil(fx, world):
    fx.code = services.pupil_code_create(
        actor=world.strategist, campaign=fx.campaign, unit=world.unit_a, label="7B", capacity=3
    )
    fx.pupil_item = fx.items["KOMP.E1"]
    fx.pupil_url = reverse("pupil_questionnaire", args=[fx.code.code])
    return fx


def _nonce(response) -> str:
    return re.search(r'name="nonce" value="([^"]+)"', html(response)).group(1)


def _pupil_answers(client, fx, value="4"):
    response = client.get(fx.pupil_url)
    return {"nonce": _nonce(response), field(fx.pupil_item): value}


def test_a_pupil_writes_the_code_and_answers(pupil, world):
    client = Client()
    page = html(client.get(reverse("pupil_start")))
    assert sv("Write the code you got from your teacher") in page
    typed = f" {pupil.code.code[:4].lower()}-{pupil.code.code[4:].lower()} "
    response = client.post(reverse("pupil_start"), {"kod": typed})
    assert response["Location"] == pupil.pupil_url
    page = html(client.get(pupil.pupil_url))
    assert "Jag får hjälp när datorn krånglar" in page
    assert "Jag vet vad planen säger" not in page  # staff statements are not for pupils
    assert "Vet ej" in page and "Stämmer helt" in page
    response = client.post(pupil.pupil_url, _pupil_answers(client, pupil), follow=True)
    assert response.redirect_chain == [(reverse("pupil_done"), 302)]
    assert sv("Thank you!") in html(response)
    [ballot] = open_ballots(pupil.campaign)
    assert (ballot.unit_id, ballot.group, ballot.comment) == (world.unit_a.pk, Group.PUPIL, "")
    assert list(ballot.answers.values()) == [4]
    pupil.code.refresh_from_db()
    assert pupil.code.used == 1


def test_an_unknown_code_is_not_found(pupil):
    response = Client().post(reverse("pupil_start"), {"kod": "FEL12345"})
    assert response.status_code == 404
    assert "Det finns ingen öppen enkät med den här koden." in html(response)
    assert 'value="FEL12345"' in html(response)  # what was typed stays, to correct
    response = Client().get(reverse("pupil_questionnaire", args=["FEL12345"]))
    assert response.status_code == 404
    assert "Det finns ingen öppen enkät med den här koden." in html(response)
    assert "<fieldset" not in html(response)
    assert Client().post(reverse("pupil_start"), {"kod": ""}).status_code == 400


def test_a_double_submit_from_the_same_browser_counts_once(pupil):
    client = Client()
    data = _pupil_answers(client, pupil)
    for _ in range(3):
        response = client.post(pupil.pupil_url, data, follow=True)
        assert response.redirect_chain == [(reverse("pupil_done"), 302)]
    assert len(open_ballots(pupil.campaign)) == 1
    assert data["nonce"] in client.session[SESSION_NONCES]
    pupil.code.refresh_from_db()
    assert pupil.code.used == 1


def test_a_form_without_its_nonce_is_refused(pupil):
    response = Client().post(pupil.pupil_url, {field(pupil.pupil_item): "4"})
    assert response.status_code == 200
    assert nothing_stored()


def test_a_code_counts_as_many_answers_as_the_group_has_pupils(pupil):
    for _ in range(3):
        client = Client()
        client.post(pupil.pupil_url, _pupil_answers(client, pupil))
    client = Client()
    response = client.get(pupil.pupil_url)
    assert "Koden har redan använts av lika många elever som det finns i gruppen." in html(response)
    assert "<fieldset" not in html(response)
    # A form opened before the code was used up is refused too when sent.
    late = Client()
    PupilCode.objects.filter(pk=pupil.code.pk).update(used=2)
    data = _pupil_answers(late, pupil)
    PupilCode.objects.filter(pk=pupil.code.pk).update(used=3)
    response = late.post(pupil.pupil_url, data)
    assert "Koden har redan använts" in html(response)
    assert len(open_ballots(pupil.campaign)) == 3


def test_pupil_answers_outside_the_scale_or_campaign_are_refused(pupil, fx):
    client = Client()
    for extra in ({field(pupil.pupil_item): "6"}, {field(pupil.pupil_item): "4", field(fx.led): "4"}, {}):
        data = {**_pupil_answers(client, pupil), **extra}
        if not extra:
            del data[field(pupil.pupil_item)]
        response = client.post(pupil.pupil_url, data)
        assert response.status_code == 200
    assert nothing_stored()
    pupil.code.refresh_from_db()
    assert pupil.code.used == 0


def test_a_closed_campaign_takes_no_pupil_answers(pupil, world):
    client = Client()
    data = _pupil_answers(client, pupil)
    services.campaign_close(actor=world.strategist, campaign=pupil.campaign)
    for response in (client.get(pupil.pupil_url), client.post(pupil.pupil_url, data)):
        assert response.status_code == 200
        assert "<fieldset" not in html(response)
        assert sv("The questionnaire is not open. Ask your teacher.") in html(response)
    assert not Response.objects.exists()  # closing released nothing: the pupil's answer never got in
