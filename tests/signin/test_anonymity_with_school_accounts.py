"""A school account identifies a person for participation only: a staff member signed in by
SAML answers, and neither the session, nor what sign-in stores, nor the ballot box ties the
answer to them. The attacker reads the database after the answer, while the campaign is open."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from digiplan.assessments.models import Participation
from digiplan.signin.models import ExternalIdentity
from digiplan.signin.session import SESSION_METHOD
from tests.assessment_helpers import build_campaign
from tests.assessments.test_ballot_box import MARK, answer_page, holding
from tests.signin.saml_idp import (  # noqa: F401  (fixtures)
    SchoolIdp,
    configure,
    post_answer,
    saml_sp_key_dir,
    saml_sp_keys,
    skolfederation_identity,
    start,
)

pytestmark = pytest.mark.django_db

IDP = "https://idp.sjovik.test/idp"


def test_a_staff_member_signed_in_by_saml_answers_and_nothing_ties_the_answer_to_them(
    client, world, tmp_path
):
    idp = SchoolIdp.build(tmp_path / "idp", IDP)
    configure(world.huvudman, idp)
    identity = skolfederation_identity(principal="per@sjovik.test", mail=world.staff.email)
    signed_in = post_answer(client, idp.answer(start(client, world.huvudman), identity, name_id="per-4711"))
    assert signed_in.wsgi_request.user == world.staff
    assert client.session[SESSION_METHOD] == "saml"
    session_before = dict(client.session.items())
    links_before = list(ExternalIdentity.objects.values_list("pk", "issuer", "subject", "created_on"))
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)

    response = answer_page(
        client, reverse("survey_participation", args=[participation.pk]), "4", "2", comment=MARK
    )

    assert "profile-table" in response.content.decode()
    # The comment is nowhere in the clear: not in a session, not in sign-in's tables.
    assert holding(MARK) == []
    for session in Session.objects.all():
        data = session.get_decoded()
        assert MARK not in str(data)
    # Answering left the session as sign-in made it: the same keys and values, nothing added.
    assert dict(client.session.items()) == session_before
    # Answering wrote nothing to the school-account link (no time, no trace of the answer).
    assert list(ExternalIdentity.objects.values_list("pk", "issuer", "subject", "created_on")) == links_before
