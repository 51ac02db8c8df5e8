"""Each answer of the staff questionnaire is saved as it is given (views/autosave.py), with the
same link checks as the page, into the same sealed draft; and the page says what is true with
and without script."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from digiplan.assessments import ballots, services
from digiplan.assessments.models import Draft, Participation
from digiplan.lib import sealing
from tests.assessment_helpers import build_campaign, draft_contents
from tests.assessments.test_answering_views import checked, field, html, sv


@pytest.fixture
def fx(world):
    fx = build_campaign(world)
    fx.participation = Participation.objects.get(person=world.staff)
    fx.token = fx.tokens[fx.participation.pk]
    fx.url = reverse("survey_token", args=[fx.token])
    fx.save_url = reverse("autosave_token", args=[fx.token])
    fx.led, fx.komp = fx.items["LED.P1"], fx.items["KOMP.P1"]
    return fx


def draft_answers(fx) -> dict | None:
    contents = draft_contents(fx.participation)
    return None if contents is None else contents.answers


def test_an_answer_given_is_there_when_the_browser_is_closed_and_the_link_opened_again(fx):
    # The fault: the answer was only kept when the person changed page. Answer, close the
    # browser without pressing anything, open the link in a new one.
    response = Client().post(fx.save_url, {"del": "1", field(fx.led): "3"})
    assert response.status_code == 200
    assert json.loads(response.content) == {"saved": True, "answered": 1, "total": 2}
    page = Client().get(f"{fx.url}?del=1")
    assert checked(page, fx.led) == "3"
    assert draft_answers(fx) == {fx.led.pk: 3}


def test_a_changed_answer_replaces_the_saved_one_and_keeps_the_other_pages(fx):
    client = Client()
    client.post(fx.save_url, {"del": "1", field(fx.led): "3"})
    client.post(fx.save_url, {"del": "2", field(fx.komp): "na"})
    client.post(fx.save_url, {"del": "1", field(fx.led): "5"})
    assert draft_answers(fx) == {fx.led.pk: 5, fx.komp.pk: None}


def test_the_signed_in_owner_saves_as_they_go(fx, client_for):
    url = reverse("autosave_participation", args=[fx.participation.pk])
    assert client_for("staff").post(url, {"del": "1", field(fx.led): "2"}).status_code == 200
    page = client_for("staff").get(reverse("survey_participation", args=[fx.participation.pk]) + "?del=1")
    assert checked(page, fx.led) == "2"


def test_an_autosave_with_a_used_link_is_refused(fx):
    Client().post(fx.url, {"del": "2", "go": "submit", field(fx.komp): "4"})
    fx.participation.refresh_from_db()
    assert fx.participation.answered
    response = Client().post(fx.save_url, {"del": "1", field(fx.led): "3"})
    assert response.status_code == 409
    assert json.loads(response.content)["saved"] is False
    assert not Draft.objects.exists()


def test_an_autosave_with_an_unknown_link_is_refused(fx):
    response = Client().post(reverse("autosave_token", args=["x" * 32]), {"del": "1", field(fx.led): "3"})
    assert response.status_code == 404
    assert not Draft.objects.exists()


@pytest.mark.parametrize("persona", ["strategist", "leader_a", "leader_b", "other_strategist"])
def test_an_autosave_of_someone_elses_participation_is_refused(fx, client_for, persona):
    url = reverse("autosave_participation", args=[fx.participation.pk])
    assert client_for(persona).post(url, {"del": "1", field(fx.led): "3"}).status_code == 404
    assert not Draft.objects.exists()


def test_an_autosave_without_signing_in_goes_to_the_sign_in_page(fx):
    response = Client().post(
        reverse("autosave_participation", args=[fx.participation.pk]), {"del": "1", field(fx.led): "3"}
    )
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not Draft.objects.exists()


def test_an_autosave_without_the_csrf_token_is_refused(fx):
    response = Client(enforce_csrf_checks=True).post(fx.save_url, {"del": "1", field(fx.led): "3"})
    assert response.status_code == 403
    assert not Draft.objects.exists()


def test_an_autosave_after_closing_is_refused(fx, world):
    services.campaign_close(actor=world.strategist, campaign=fx.campaign)
    assert Client().post(fx.save_url, {"del": "1", field(fx.led): "3"}).status_code == 409
    assert not Draft.objects.exists()


def test_an_answer_outside_the_scale_or_the_page_is_refused(fx):
    assert Client().post(fx.save_url, {"del": "1", field(fx.led): "9"}).status_code == 400
    # A statement of another page is not this page's to save.
    assert Client().post(fx.save_url, {"del": "1", field(fx.komp): "3"}).status_code == 400
    assert not Draft.objects.exists()


def test_a_get_saves_nothing(fx):
    assert Client().get(fx.save_url).status_code == 405


def test_the_stored_draft_stays_sealed(fx):
    Client().post(fx.save_url, {"del": "1", field(fx.led): "3"})
    sealed = bytes(Draft.objects.get().sealed)
    size = len(sealed)
    for clear in (b'"answers"', f'"{fx.led.pk}"'.encode(), f"{fx.led.pk}:3".encode(), b"LED.P1"):
        assert clear not in sealed
    # One size whatever it holds: the reader does not learn how much was answered.
    Client().post(fx.save_url, {"del": "2", field(fx.komp): "4", "comment": "Mer tid behövs " * 20})
    assert len(bytes(Draft.objects.get().sealed)) == size
    # The draft is bound to this participation: it does not open as anyone else's.
    with pytest.raises(sealing.SealError):
        ballots.open_draft(fx.campaign.pk, fx.participation.pk + 1, sealed)


def test_an_autosave_logs_nothing_and_answers_no_answer_back(fx, caplog):
    with caplog.at_level(logging.DEBUG):
        response = Client().post(fx.save_url, {"del": "1", field(fx.led): "3"})
    app_records = [r for r in caplog.records if not r.name.startswith("django.db")]
    assert app_records == []
    assert b'"3"' not in response.content and str(fx.led.pk).encode() not in response.content


def test_without_script_the_page_says_answers_are_saved_on_page_change(fx):
    page = html(Client().get(f"{fx.url}?del=1"))
    # The text shown without script (data-autosave-off) is the true one; script swaps them.
    off = sv(
        "Your answers are saved when you go to another part or press “Save and continue later”, "
        "and you can answer the parts in any order. When you submit, your answers are stored "
        "without your name: no one can see what you answered."
    )
    assert f"<p data-autosave-off>{off}</p>" in page
    assert "data-autosave-on hidden" in page
    assert sv("Your answers are saved as you go") not in page
    assert f'data-autosave-url="{fx.save_url}"' in page
