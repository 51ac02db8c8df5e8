"""Submitting the leader rating is final only after a summary and a confirmation: the summary
lists exactly the statements without a level, each linked to where it is answered."""

import re

from django.urls import reverse

from digiplan.assessments.models import LeaderRating, RatingStatus
from digiplan.audit.models import AuditEvent
from tests.assessment_helpers import build_campaign
from tests.assessments.test_rating_views import _confirm_url, _post, _url


def _unanswered_links(page: str, fx, unit) -> set[str]:
    """The codes the summary's "no level yet" list links to, by the link's target."""
    section = page.split('id="unanswered-heading"', 1)[1].split("</section>", 1)[0]
    edit = re.escape(_url(fx, unit))
    pks = set(re.findall(rf'href="{edit}#item-(\d+)"', section))
    codes = {str(item.pk): code for code, item in fx.items.items()}
    return {codes[pk] for pk in pks}


def test_a_post_of_submit_without_the_confirmation_does_not_make_it_final(world, client_for):
    fx = build_campaign(world)
    client = client_for("leader_a")
    response = client.post(
        _url(fx, world.unit_a), _post(fx, action="submit", LED_L1__level="3", KOMP_L1__level="2")
    )
    assert response.status_code == 302 and response["Location"] == _confirm_url(fx, world.unit_a)
    rating = LeaderRating.objects.get()
    assert rating.status == RatingStatus.DRAFT and rating.submitted_at is None
    assert not AuditEvent.objects.filter(action="rating.submit").exists()
    # The draft is kept: the summary shows both levels and offers the final step.
    page = client.get(_confirm_url(fx, world.unit_a)).content.decode()
    assert "Påbörjad" in page and 'value="confirm"' in page
    assert 'id="unanswered-heading"' not in page


def test_the_summary_lists_exactly_the_unanswered_statements_and_offers_no_submit(world, client_for):
    fx = build_campaign(world)
    client = client_for("leader_a")
    client.post(_url(fx, world.unit_a), _post(fx, action="submit", KOMP_L1__level="na"))
    page = client.get(_confirm_url(fx, world.unit_a)).content.decode()
    leader_codes = {code for code in fx.items if code.endswith(".L1")}
    assert leader_codes == {"LED.L1", "KOMP.L1"}
    assert _unanswered_links(page, fx, world.unit_a) == {"LED.L1"}
    assert 'value="confirm"' not in page


def test_the_confirmation_makes_it_final_once_and_records_who(world, client_for):
    fx = build_campaign(world)
    client = client_for("leader_a")
    client.post(_url(fx, world.unit_a), _post(fx, action="submit", LED_L1__level="3", KOMP_L1__level="4"))
    rating = LeaderRating.objects.get()
    response = client.post(_confirm_url(fx, world.unit_a), {"revision": rating.revision, "action": "confirm"})
    assert response["Location"] == _url(fx, world.unit_a)
    rating.refresh_from_db()
    assert rating.status == RatingStatus.SUBMITTED and rating.submitted_by == world.leader_a
    assert AuditEvent.objects.filter(action="rating.submit", actor=world.leader_a).count() == 1
    # The summary of a submitted rating leads back to the read-only page.
    assert client.get(_confirm_url(fx, world.unit_a))["Location"] == _url(fx, world.unit_a)


def test_a_confirmation_of_an_older_version_is_refused(world, client_for):
    fx = build_campaign(world)
    client = client_for("leader_a")
    client.post(_url(fx, world.unit_a), _post(fx, action="submit", LED_L1__level="3", KOMP_L1__level="4"))
    stale = LeaderRating.objects.get().revision
    # Someone else changes it meanwhile.
    client_for("strategist").post(
        _url(fx, world.unit_a), _post(fx, revision=stale, LED_L1__level="1", KOMP_L1__level="4")
    )
    response = client.post(_confirm_url(fx, world.unit_a), {"revision": stale, "action": "confirm"})
    assert response.status_code == 400
    assert LeaderRating.objects.get().status == RatingStatus.DRAFT


def test_the_rating_page_links_to_the_summary_as_its_submit(world, client_for):
    fx = build_campaign(world)
    page = client_for("leader_a").get(_url(fx, world.unit_a)).content.decode()
    assert 'name="action" value="submit"' in page
    assert reverse("rating_confirm", args=[fx.campaign.pk, world.unit_a.pk]) not in page  # posted, not linked
