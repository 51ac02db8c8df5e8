"""Single logout: a person signed in by SAML signs out at the IdP too when it has a single
logout service; the IdP's own LogoutRequest signs them out here. Also: only the huvudman's own
IdP is trusted even when its metadata is a federation's."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import RequestFactory
from django.urls import reverse
from saml2 import BINDING_HTTP_REDIRECT
from saml2.s_utils import decode_base64_and_inflate
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.samlp import logout_request_from_string

from digiplan.organisations.models import Person
from digiplan.signin.saml import single_logout_url, sp_config, sp_entity_id
from digiplan.signin.saml_logout import logout_url_for
from tests.signin.saml_idp import (  # noqa: F401  (fixtures)
    SchoolIdp,
    configure,
    federation_metadata,
    onward_url,
    post_answer,
    saml_sp_key_dir,
    saml_sp_keys,
    skolfederation_identity,
    start,
)

pytestmark = pytest.mark.django_db

IDP_A = "https://idp.sjovik.test/idp"
IDP_OTHER = "https://idp.annan-kommun.test/idp"
LOGOUT = reverse("signin_saml_logout")


def sign_in(client, world, idp) -> None:
    configure(world.huvudman, idp)
    request_id = start(client, world.huvudman)
    identity = skolfederation_identity(principal="per@sjovik.test", mail=world.staff.email)
    response = post_answer(client, idp.answer(request_id, identity, name_id="per-4711"))
    assert response.wsgi_request.user == world.staff


def test_signing_out_sends_a_logout_request_to_the_idp(client, world, tmp_path):
    idp = SchoolIdp.build(tmp_path / "a", IDP_A, slo=True)
    sign_in(client, world, idp)

    response = client.post(LOGOUT)

    # A page that moves on, not a redirect: the CSP's form-action 'self' would stop a browser
    # from following "Logga ut"'s redirect to the IdP.
    assert response.status_code == 200
    location = urlparse(onward_url(response))
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{IDP_A}/slo/redirect"
    query = parse_qs(location.query)
    request = logout_request_from_string(decode_base64_and_inflate(query["SAMLRequest"][0]))
    assert request.name_id.text == "per-4711"
    assert "Signature" in query  # signed, as logout_requests_signed says
    assert "_auth_user_id" not in client.session


def test_without_a_logout_service_the_sign_out_is_local(client, world, tmp_path):
    idp = SchoolIdp.build(tmp_path / "a", IDP_A, slo=False)
    sign_in(client, world, idp)

    response = client.post(LOGOUT)

    assert response["Location"] == resolve_url(settings.LOGOUT_REDIRECT_URL)
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post(client, world, tmp_path):
    sign_in(client, world, SchoolIdp.build(tmp_path / "a", IDP_A))

    assert client.get(LOGOUT).status_code == 405
    assert "_auth_user_id" in client.session


def test_the_idps_logout_request_signs_the_person_out(client, world, tmp_path):
    idp = SchoolIdp.build(tmp_path / "a", IDP_A, slo=True)
    sign_in(client, world, idp)
    _id, logout_request = idp.server.create_logout_request(
        destination=single_logout_url(),
        issuer_entity_id=sp_entity_id(),
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text="per-4711"),
        sign=True,
    )
    info = idp.server.apply_binding(BINDING_HTTP_REDIRECT, str(logout_request), single_logout_url())
    location = urlparse(dict(info["headers"])["Location"])

    response = client.get(reverse("signin_saml_ls") + "?" + location.query)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{IDP_A}/slo/redirect?SAMLResponse=")
    assert "_auth_user_id" not in client.session


def test_the_logout_url_follows_how_the_person_signed_in(client, client_for, world, tmp_path):
    sign_in(client, world, SchoolIdp.build(tmp_path / "a", IDP_A))
    saml_request = RequestFactory().post("/")
    saml_request.session = client.session
    password_request = RequestFactory().post("/")
    password_request.session = client_for("staff").session

    assert logout_url_for(saml_request) == LOGOUT
    assert logout_url_for(password_request) == reverse("logout")


# ---- Federation metadata: only the huvudman's IdP ------------------------------------------------


def test_the_sp_trusts_only_the_huvudmans_idp_of_a_federation(world, tmp_path):
    idp, other = SchoolIdp.build(tmp_path / "a", IDP_A), SchoolIdp.build(tmp_path / "o", IDP_OTHER)
    xml, _certificate = federation_metadata(tmp_path / "fed", [idp, other])
    provider = configure(world.huvudman, idp, metadata_xml=xml)

    assert list(sp_config(provider).metadata.identity_providers()) == [IDP_A]


def test_another_idp_of_the_same_federation_cannot_sign_in_to_a(client, world, tmp_path, caplog):
    idp, other = SchoolIdp.build(tmp_path / "a", IDP_A), SchoolIdp.build(tmp_path / "o", IDP_OTHER)
    xml, _certificate = federation_metadata(tmp_path / "fed", [idp, other])
    configure(world.huvudman, idp, metadata_xml=xml)
    people = Person.objects.count()
    request_id = start(client, world.huvudman)
    identity = skolfederation_identity(principal="per@sjovik.test", mail=world.staff.email)

    response = post_answer(client, other.answer(request_id, identity, sign_response=True))

    assert response.status_code == 403
    assert "_auth_user_id" not in response.wsgi_request.session
    assert Person.objects.count() == people
    assert any("not verified" in r.getMessage() for r in caplog.records if r.name == "digiplan.signin")
