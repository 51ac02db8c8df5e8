"""The leader rating page: draft, come back, submit, read-only, reopened; and its bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from digiplan.assessments import services
from digiplan.assessments.forms import ERROR_COMMENT_WITHOUT_LEVEL
from digiplan.assessments.models import LeaderAnswer, LeaderRating, RatingStatus
from digiplan.audit.models import AuditEvent
from tests.assessment_helpers import build_campaign


def _swedish(message) -> str:
    with translation.override("sv"):
        return escape(str(message))


def _url(fx, unit):
    return reverse("rating_edit", args=[fx.campaign.pk, unit.pk])


def _confirm_url(fx, unit):
    return reverse("rating_confirm", args=[fx.campaign.pk, unit.pk])


def _post(fx, revision=0, action="draft", **fields):
    """The form as the page posts it; LED_L1__level="3" sets the level of LED.L1."""
    l1, k1 = fx.items["LED.L1"].pk, fx.items["KOMP.L1"].pk
    data = {
        "revision": revision,
        "action": action,
        "participants": "",
        f"level_{l1}": "",
        f"comment_{l1}": "",
        f"level_{k1}": "",
        f"comment_{k1}": "",
    }
    for key, value in fields.items():
        code, _sep, what = key.rpartition("__")
        data[f"{what}_{fx.items[code.replace('_', '.')].pk}"] = value
    return data


def test_a_draft_keeps_its_values_until_it_is_submitted_and_then_is_read_only(world, client_for):
    fx = build_campaign(world)
    client = client_for("leader_a")
    url = _url(fx, world.unit_a)
    response = client.post(
        url,
        {**_post(fx, LED_L1__level="3", LED_L1__comment="Planen finns"), "participants": "Ledningsgruppen"},
    )
    assert response.status_code == 302
    rating = LeaderRating.objects.get(campaign=fx.campaign, unit=world.unit_a)
    assert rating.status == RatingStatus.DRAFT and rating.participants == "Ledningsgruppen"

    page = client.get(url).content.decode()  # coming back later
    assert 'value="3" checked' in page and "Planen finns" in page and "Ledningsgruppen" in page

    response = client.post(
        url,
        _post(
            fx,
            revision=rating.revision,
            action="submit",
            LED_L1__level="3",
            LED_L1__comment="Planen finns",
            KOMP_L1__level="na",
        ),
    )
    assert response["Location"] == _confirm_url(fx, world.unit_a)  # the summary first
    rating.refresh_from_db()
    assert rating.status == RatingStatus.DRAFT
    response = client.post(_confirm_url(fx, world.unit_a), {"revision": rating.revision, "action": "confirm"})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.status == RatingStatus.SUBMITTED and rating.submitted_by == world.leader_a
    answers = {a.item.code: (a.value, a.comment) for a in rating.answers.select_related("item")}
    assert answers == {"LED.L1": (3, "Planen finns"), "KOMP.L1": (None, "")}

    page = client.get(url).content.decode()
    assert 'type="radio"' not in page and "<textarea" not in page
    assert "Planen finns" in page and "Påbörjad" in page and "Ej relevant" in page
    refused = client.post(url, _post(fx, revision=rating.revision, LED_L1__level="1"))
    assert refused.status_code == 302
    assert LeaderAnswer.objects.get(rating=rating, item=fx.items["LED.L1"]).value == 3


def test_a_strategist_reopens_with_a_reason_and_the_leader_can_edit_again(world, client_for):
    fx = build_campaign(world)
    rating = services.rating_for(fx.campaign, world.unit_a)
    services.rating_save(
        actor=world.leader_a,
        rating=rating,
        submit=True,
        comments={},
        answers={str(fx.items["LED.L1"].pk): 2, str(fx.items["KOMP.L1"].pk): 4},
    )
    reopen = reverse("rating_reopen", args=[fx.campaign.pk, world.unit_a.pk])
    assert client_for("leader_a").post(reopen, {"reason": "Jag vill"}).status_code == 403

    strategist = client_for("strategist")
    page = strategist.get(_url(fx, world.unit_a)).content.decode()
    assert reopen in page
    strategist.post(reopen, {"reason": "  "})
    rating.refresh_from_db()
    assert rating.status == RatingStatus.SUBMITTED

    strategist.post(reopen, {"reason": "Fel nivå på LED.L1"})
    rating.refresh_from_db()
    assert rating.status == RatingStatus.DRAFT and rating.reopened_reason == "Fel nivå på LED.L1"
    assert AuditEvent.objects.filter(action="rating.reopen", actor=world.strategist).exists()
    page = client_for("leader_a").get(_url(fx, world.unit_a)).content.decode()
    assert "Fel nivå på LED.L1" in page and 'type="radio"' in page and 'value="2" checked' in page
    response = client_for("leader_a").post(
        _url(fx, world.unit_a),
        _post(fx, revision=rating.revision, action="submit", LED_L1__level="4", KOMP_L1__level="4"),
    )
    assert response["Location"] == _confirm_url(fx, world.unit_a)
    rating.refresh_from_db()
    client_for("leader_a").post(
        _confirm_url(fx, world.unit_a), {"revision": rating.revision, "action": "confirm"}
    )
    rating.refresh_from_db()
    assert rating.status == RatingStatus.SUBMITTED
    assert rating.answers.get(item=fx.items["LED.L1"]).value == 4


def test_a_strategist_may_rate_too(world, client_for):
    fx = build_campaign(world)
    response = client_for("strategist").post(_url(fx, world.unit_b), _post(fx, LED_L1__level="5"))
    assert response.status_code == 302
    assert LeaderRating.objects.get(unit=world.unit_b).answers.get().value == 5


def test_a_stale_save_is_refused_and_keeps_what_was_written(world, client_for):
    fx = build_campaign(world)
    url = _url(fx, world.unit_a)
    client_for("strategist").post(url, _post(fx, LED_L1__level="2"))  # someone else, first
    response = client_for("leader_a").post(
        url, _post(fx, revision=0, LED_L1__level="4", LED_L1__comment="Min egen text")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert _swedish(services.ERROR_STALE) in page
    assert "Min egen text" in page and 'value="4" checked' in page
    assert LeaderAnswer.objects.get(item=fx.items["LED.L1"]).value == 2


def test_html_in_comments_is_shown_as_text(world, client_for):
    fx = build_campaign(world)
    url = _url(fx, world.unit_a)
    script = '<script>alert("x")</script><b>fet</b>'
    client_for("leader_a").post(
        url, {**_post(fx, LED_L1__level="3", LED_L1__comment=script), "participants": "<i>alla</i>"}
    )
    assert LeaderAnswer.objects.get().comment == script
    for persona in ("leader_a", "strategist"):
        page = client_for(persona).get(url).content.decode()
        assert script not in page and "<i>alla</i>" not in page
        assert escape(script) in page and escape("<i>alla</i>") in page


@pytest.mark.parametrize("value", ["9", "0", "-1", "abc", "3.5"])
def test_a_value_outside_the_scale_is_refused(world, client_for, value):
    fx = build_campaign(world)
    response = client_for("leader_a").post(
        _url(fx, world.unit_a), _post(fx, LED_L1__level=value, LED_L1__comment="Kvar efter felet")
    )
    page = response.content.decode()
    assert response.status_code == 200 and "notice-error" in page
    assert "LED.L1" in page and "Kvar efter felet" in page
    assert not LeaderAnswer.objects.exists()


def test_a_comment_without_a_level_is_refused_not_stored_as_not_relevant(world, client_for):
    fx = build_campaign(world)
    response = client_for("leader_a").post(
        _url(fx, world.unit_a), _post(fx, KOMP_L1__comment="Vi har inte bestämt oss")
    )
    with translation.override("sv"):
        message = escape(str(ERROR_COMMENT_WITHOUT_LEVEL % {"code": "KOMP.L1"}))
    assert message in response.content.decode()
    assert "Vi har inte bestämt oss" in response.content.decode()
    assert not LeaderAnswer.objects.exists()


def test_submitting_needs_a_level_for_every_statement(world, client_for):
    fx = build_campaign(world)
    client = client_for("leader_a")
    response = client.post(_url(fx, world.unit_a), _post(fx, action="submit", LED_L1__level="3"))
    assert response["Location"] == _confirm_url(fx, world.unit_a)
    assert "KOMP.L1" in client.get(_confirm_url(fx, world.unit_a)).content.decode()
    rating = LeaderRating.objects.get()
    response = client.post(_confirm_url(fx, world.unit_a), {"revision": rating.revision, "action": "confirm"})
    assert response.status_code == 400 and "KOMP.L1" in response.content.decode()
    assert not LeaderRating.objects.filter(status=RatingStatus.SUBMITTED).exists()


def test_a_too_long_comment_is_refused_and_kept(world, client_for):
    fx = build_campaign(world)
    long = "å" * 2001
    response = client_for("leader_a").post(
        _url(fx, world.unit_a), _post(fx, LED_L1__level="3", LED_L1__comment=long)
    )
    assert response.status_code == 200 and long in response.content.decode()
    assert not LeaderAnswer.objects.exists()


def test_last_years_level_and_comment_stand_beside_the_statement(world, client_for):
    fx = build_campaign(world)
    today = timezone.localdate()
    last = services.campaign_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        name="Skattning",
        school_year="2025/26",
        framework_version=fx.version,
        opens_on=today - datetime.timedelta(days=365),
        closes_on=today - datetime.timedelta(days=330),
        units=[world.unit_a],
    )
    services.campaign_open(actor=None, campaign=last)
    services.rating_save(
        actor=world.leader_a,
        rating=services.rating_for(last, world.unit_a),
        answers={str(fx.items["LED.L1"].pk): 3},
        comments={str(fx.items["LED.L1"].pk): "Planen är på väg"},
        submit=True,
    )
    services.campaign_close(actor=None, campaign=last)
    page = client_for("leader_a").get(_url(fx, world.unit_a)).content.decode()
    assert "Påbörjad – Planen är på väg" in page
    assert page.count('class="rating-previous"') == 1  # KOMP.L1 was not rated last year


def test_level_descriptions_follow_the_readers_language(world, client_for):
    fx = build_campaign(world)
    item = fx.items["LED.L1"]
    item.level_descriptions = {"3": "Arbetet med planen har börjat"}
    item.translations = {"en": {"title": "There is a plan", "levels": {"3": "Work has begun"}}}
    item.save()
    client = client_for("leader_a")
    page = client.get(_url(fx, world.unit_a)).content.decode()
    assert "Arbetet med planen har börjat" in page and "Det finns en plan" in page
    client.cookies["django_language"] = "en"
    page = client.get(_url(fx, world.unit_a)).content.decode()
    assert "Work has begun" in page and "There is a plan" in page


def test_a_closed_campaign_shows_the_rating_read_only(world, client_for):
    fx = build_campaign(world)
    services.campaign_close(actor=None, campaign=fx.campaign)
    client = client_for("leader_a")
    page = client.get(_url(fx, world.unit_a)).content.decode()
    assert 'type="radio"' not in page
    client.post(_url(fx, world.unit_a), _post(fx, LED_L1__level="3"))
    assert not LeaderAnswer.objects.exists()


def test_a_coordinator_of_the_unit_may_rate(world, client_for):
    from django.test import Client

    from digiplan.organisations import services as org_services

    fx = build_campaign(world)
    coordinator = org_services.person_create(
        actor=None, huvudman=world.huvudman, name="Ida IT", email="ida@sjovik.test"
    )
    org_services.membership_create(
        actor=None, person=coordinator, organisation=world.unit_a, role="coordinator"
    )
    client = Client()
    client.force_login(coordinator)
    assert client.get(_url(fx, world.unit_a)).status_code == 200
    assert client.get(_url(fx, world.unit_b)).status_code == 404
