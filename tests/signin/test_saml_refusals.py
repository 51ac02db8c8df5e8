"""Every SAML answer the ACS must refuse: logged with the reason on "digiplan.signin", a
Swedish page saying what happened (400 or 403, never 500), nobody signed in, nothing created.
Each test is the attack."""

import base64

import pytest
import saml2.time_util
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from digiplan.organisations.models import Person
from digiplan.signin.models import ExternalIdentity, SamlSeenAssertion
from digiplan.signin.saml_signin import (
    ERROR_NO_REQUEST,
    ERROR_NOT_AVAILABLE,
    ERROR_NOT_VERIFIED,
    ERROR_REPLAYED,
    ERROR_TIME,
)
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

IDP_A = "https://idp.sjovik.test/idp"
IDP_B = "https://idp.friskolan.test/idp"


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def idp(tmp_path, world):
    school_idp = SchoolIdp.build(tmp_path / "a", IDP_A)
    configure(world.huvudman, school_idp)
    return school_idp


@pytest.fixture
def identity(world):
    return skolfederation_identity(principal="per@sjovik.test", mail=world.staff.email)


@pytest.fixture
def people_before(world):
    return Person.objects.count()


def assert_refused(
    response, message, caplog, reason: str, *, people: int, status: int = 403, identities: int = 0
) -> None:
    assert response.status_code == status
    assert escape(str(message)) in response.content.decode()
    logged = [r.getMessage() for r in caplog.records if r.name == "digiplan.signin"]
    assert any(reason in line for line in logged), logged
    assert "_auth_user_id" not in response.wsgi_request.session
    assert ExternalIdentity.objects.count() == identities
    assert Person.objects.count() == people


def test_an_unsigned_response_and_assertion_are_refused(client, world, idp, identity, caplog, people_before):
    request_id = start(client, world.huvudman)

    response = post_answer(
        client, idp.answer(request_id, identity, sign_response=False, sign_assertion=False)
    )

    assert_refused(response, ERROR_NOT_VERIFIED, caplog, "not verified", people=people_before)


def test_an_answer_signed_with_another_key_is_refused(
    client, world, idp, identity, tmp_path, caplog, people_before
):
    forger = SchoolIdp.build(tmp_path / "forger", IDP_A)  # the same entity ID, a key of its own
    request_id = start(client, world.huvudman)

    response = post_answer(client, forger.answer(request_id, identity, sign_response=True))

    assert_refused(response, ERROR_NOT_VERIFIED, caplog, "not verified", people=people_before)


def test_a_certificate_carried_in_the_answer_is_not_trusted(
    client, world, idp, identity, tmp_path, caplog, people_before
):
    forger = SchoolIdp.build(tmp_path / "forger", IDP_A)
    request_id = start(client, world.huvudman)
    answer = forger.answer(request_id, identity, sign_response=True)
    forger_cert = "".join(forger.cert_file.read_text().strip().splitlines()[1:-1])
    assert forger_cert.encode() in base64.b64decode(answer)  # the signature names its own certificate

    response = post_answer(client, answer)

    assert_refused(response, ERROR_NOT_VERIFIED, caplog, "not verified", people=people_before)


def test_an_answer_for_another_audience_is_refused(client, world, idp, identity, caplog, people_before):
    request_id = start(client, world.huvudman)

    answer = idp.answer(request_id, identity, audience="https://other-sp.test/metadata/")
    response = post_answer(client, answer)

    assert_refused(response, ERROR_NOT_VERIFIED, caplog, "not verified", people=people_before)


def test_an_answer_for_another_recipient_is_refused(client, world, idp, identity, caplog, people_before):
    request_id = start(client, world.huvudman)

    answer = idp.answer(request_id, identity, destination="https://other-sp.test/saml/acs/")
    response = post_answer(client, answer)

    assert_refused(response, ERROR_NOT_VERIFIED, caplog, "not verified", people=people_before)


def test_an_expired_answer_is_refused(client, world, idp, identity, monkeypatch, caplog, people_before):
    request_id = start(client, world.huvudman)
    answer = idp.answer(request_id, identity)
    later = saml2.time_util.utc_now() + 3600  # the answer's NotOnOrAfter is five minutes away
    monkeypatch.setattr(saml2.time_util, "utc_now", lambda: later)

    response = post_answer(client, answer)

    assert_refused(response, ERROR_TIME, caplog, "outside its validity", people=people_before)


def test_an_answer_not_valid_yet_is_refused(client, world, idp, identity, monkeypatch, caplog, people_before):
    request_id = start(client, world.huvudman)
    answer = idp.answer(request_id, identity)
    earlier = saml2.time_util.utc_now() - 3600  # the IdP's clock an hour ahead: NotBefore is an hour away
    monkeypatch.setattr(saml2.time_util, "utc_now", lambda: earlier)

    response = post_answer(client, answer)

    assert_refused(response, ERROR_TIME, caplog, "outside its validity", people=people_before)


def test_the_same_answer_posted_twice_signs_in_once(client, world, idp, identity, caplog):
    request_id = start(client, world.huvudman)
    answer = idp.answer(request_id, identity)
    assert post_answer(client, answer).wsgi_request.user == world.staff
    client.logout()

    response = post_answer(client, answer)

    assert response.status_code in (400, 403)
    assert "_auth_user_id" not in response.wsgi_request.session
    logged = [r.getMessage() for r in caplog.records if r.name == "digiplan.signin"]
    assert any("refused" in line for line in logged), logged


def test_a_replayed_assertion_is_refused_even_while_its_request_is_outstanding(
    client, world, idp, identity, caplog
):
    # Two POSTs of one answer racing in one session: both find the request outstanding, only
    # the table of used assertion IDs tells them apart.
    request_id = start(client, world.huvudman)
    answer = idp.answer(request_id, identity)
    saml_key = client.cookies["saml_session"].value
    saved = dict(SessionStore(saml_key).items())
    assert post_answer(client, answer).wsgi_request.user == world.staff
    client.logout()
    racing = SessionStore()  # the SAML session as the racing POST found it: the request outstanding
    racing.update(saved)
    racing.create()
    client.cookies["saml_session"] = racing.session_key

    response = post_answer(client, answer)

    assert_refused(
        response, ERROR_REPLAYED, caplog, "replayed assertion", people=Person.objects.count(), identities=1
    )
    assert SamlSeenAssertion.objects.count() == 1


def test_an_unsolicited_answer_is_refused(client, world, idp, identity, caplog, people_before):
    start(client, world.huvudman)  # a request is outstanding, but the answer is to none

    response = post_answer(client, idp.answer(None, identity))

    assert_refused(response, ERROR_NO_REQUEST, caplog, "unsolicited", people=people_before, status=400)


def test_an_answer_without_a_started_sign_in_is_refused(client, world, idp, identity, caplog, people_before):
    response = post_answer(client, idp.answer("id-never-sent", identity))

    assert_refused(response, ERROR_NO_REQUEST, caplog, "unsolicited", people=people_before, status=400)


def test_an_answer_to_another_request_is_refused(client, world, idp, identity, caplog, people_before):
    start(client, world.huvudman)

    response = post_answer(client, idp.answer("id-of-some-other-request", identity))

    assert_refused(response, ERROR_NO_REQUEST, caplog, "unsolicited", people=people_before, status=400)


# ---- Across huvudmän -----------------------------------------------------------------------------


def test_a_person_of_another_huvudman_is_never_reached(client, world, idp, caplog, people_before):
    # A's IdP asserts the principal name and the address of B's strategist.
    world.other_strategist.principal_name = "olle@friskolan.test"
    world.other_strategist.save()
    request_id = start(client, world.huvudman)
    identity = skolfederation_identity(principal="olle@friskolan.test", mail=world.other_strategist.email)

    response = post_answer(client, idp.answer(request_id, identity))

    assert response["Location"] == reverse("signin_unknown") + f"?h={world.huvudman.pk}"
    assert "_auth_user_id" not in response.wsgi_request.session
    assert Person.objects.count() == people_before


def test_an_answer_of_another_huvudmans_idp_is_refused_in_a_sign_in_for_a(
    client, world, idp, tmp_path, caplog, people_before
):
    idp_b = SchoolIdp.build(tmp_path / "b", IDP_B)
    configure(world.other_huvudman, idp_b)
    world.other_strategist.principal_name = "olle@friskolan.test"
    world.other_strategist.save()
    request_id = start(client, world.huvudman)
    identity = skolfederation_identity(principal="olle@friskolan.test", mail=world.other_strategist.email)

    response = post_answer(client, idp_b.answer(request_id, identity, sign_response=True))

    assert_refused(response, ERROR_NOT_VERIFIED, caplog, "not verified", people=people_before)


def test_a_sign_in_turned_off_after_the_start_is_refused(client, world, idp, identity, caplog, people_before):
    request_id = start(client, world.huvudman)
    configure(world.huvudman, idp, enabled=False)

    response = post_answer(client, idp.answer(request_id, identity))

    assert_refused(
        response, ERROR_NO_REQUEST, caplog, "no sign-in under way", people=people_before, status=400
    )


def test_a_provider_whose_metadata_no_longer_loads_is_not_available(client, world, idp, caplog):
    configure(world.huvudman, idp, metadata_xml="<md/>")

    response = client.get(reverse("signin_saml_start", args=[world.huvudman.organisation_number]))

    assert response.status_code == 400
    assert escape(str(ERROR_NOT_AVAILABLE)) in response.content.decode()
    assert any(
        "AuthnRequest not made" in r.getMessage() for r in caplog.records if r.name == "digiplan.signin"
    )
