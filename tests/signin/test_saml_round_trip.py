"""A whole SAML sign-in against a pysaml2 IdP built in the test: the start URL sends a signed
AuthnRequest, the IdP answers with Skolfederation's attributes, the ACS signs the matched person
in. Also the SP metadata Digiplan publishes, and single logout."""

import base64
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from saml2.mdstore import InMemoryMetaData
from saml2.sigver import security_context

from digiplan.organisations.models import Membership, Person, Role
from digiplan.signin.models import ExternalIdentity
from digiplan.signin.saml import ATTRIBUTE_OIDS, sp_config, sp_entity_id
from digiplan.signin.services import policy_save
from digiplan.signin.session import METHOD_SAML, SESSION_METHOD
from tests.signin.saml_idp import (  # noqa: F401  (fixtures)
    SchoolIdp,
    configure,
    onward_url,
    post_answer,
    request_id_of,
    saml_sp_key_dir,
    saml_sp_keys,
    skolfederation_identity,
    start,
)

pytestmark = pytest.mark.django_db

IDP_A = "https://idp.sjovik.test/idp"
SIS_SCHOOL_UNIT_CODE = ATTRIBUTE_OIDS["sisSchoolUnitCode"]


@pytest.fixture
def idp(tmp_path):
    return SchoolIdp.build(tmp_path / "idp", IDP_A)


@pytest.fixture
def staff_identity(world):
    return skolfederation_identity(principal="per@sjovik.test", mail=world.staff.email)


def signed_in(response) -> int | None:
    pk = response.wsgi_request.session.get("_auth_user_id")
    return int(pk) if pk is not None else None


def test_a_signed_assertion_signs_in_the_matched_person(client, world, idp, staff_identity):
    configure(world.huvudman, idp)
    request_id = start(client, world.huvudman)

    response = post_answer(client, idp.answer(request_id, staff_identity))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in(response) == world.staff.pk
    assert response.wsgi_request.session[SESSION_METHOD] == METHOD_SAML
    assert ExternalIdentity.objects.get().person == world.staff
    assert response.cookies["saml_session"].value == ""  # the SAML session, done with, is deleted


def test_a_signed_response_with_an_unsigned_assertion_signs_in(client, world, idp, staff_identity):
    configure(world.huvudman, idp)
    request_id = start(client, world.huvudman)

    response = post_answer(
        client, idp.answer(request_id, staff_identity, sign_response=True, sign_assertion=False)
    )

    assert signed_in(response) == world.staff.pk


def test_an_encrypted_assertion_is_decrypted_with_the_sp_key(client, world, idp, staff_identity):
    configure(world.huvudman, idp)
    request_id = start(client, world.huvudman)
    answer = idp.answer(request_id, staff_identity, sign_response=True, encrypt=True)
    assert b"EncryptedAssertion" in base64.b64decode(answer)

    response = post_answer(client, answer)

    assert signed_in(response) == world.staff.pk


def test_the_principal_name_matches_before_the_address(client, world, idp):
    world.leader_a.principal_name = "anna@sjovik.test"
    world.leader_a.save()
    configure(world.huvudman, idp)
    request_id = start(client, world.huvudman)

    identity = skolfederation_identity(principal="anna@sjovik.test", mail="another@sjovik.test")
    response = post_answer(client, idp.answer(request_id, identity))

    assert signed_in(response) == world.leader_a.pk


def test_a_safe_next_is_followed_after_sign_in(client, world, idp, staff_identity):
    configure(world.huvudman, idp)
    url = reverse("signin_saml_start", args=[world.huvudman.organisation_number])
    location = onward_url(client.get(url + "?next=/organisation/"))
    request_id = request_id_of(parse_qs(urlparse(location).query)["SAMLRequest"][0])

    response = post_answer(client, idp.answer(request_id, staff_identity))

    assert response["Location"] == "/organisation/"


def test_an_unknown_person_lands_on_the_unknown_page(client, world, idp):
    configure(world.huvudman, idp)
    request_id = start(client, world.huvudman)

    identity = skolfederation_identity(
        principal="ny@sjovik.test", mail="ny@sjovik.test", unit_code="11111111"
    )
    response = post_answer(client, idp.answer(request_id, identity))

    assert response["Location"] == reverse("signin_unknown") + f"?h={world.huvudman.pk}"
    assert signed_in(response) is None
    assert not Person.objects.filter(email="ny@sjovik.test").exists()


def test_an_unknown_person_is_created_as_staff_of_the_unit_their_code_names(client, world, idp):
    policy_save(actor=world.strategist, huvudman=world.huvudman, values={"create_unknown_people": True})
    configure(world.huvudman, idp)
    request_id = start(client, world.huvudman)

    identity = skolfederation_identity(
        principal="ny@sjovik.test", mail="ny@sjovik.test", unit_code="11111111"
    )
    answer = idp.answer(request_id, identity)
    assert SIS_SCHOOL_UNIT_CODE.encode() in base64.b64decode(answer)  # by its OID, as in Skolfederation
    response = post_answer(client, answer)

    person = Person.objects.get(email="ny@sjovik.test")
    assert signed_in(response) == person.pk
    assert person.huvudman == world.huvudman
    assert Membership.objects.filter(person=person, organisation=world.unit_a, role=Role.STAFF).exists()


def test_the_start_url_is_404_without_an_enabled_provider(client, world, idp):
    url = reverse("signin_saml_start", args=[world.huvudman.organisation_number])
    assert client.get(url).status_code == 404
    configure(world.huvudman, idp, enabled=False)
    assert client.get(url).status_code == 404
    configure(world.huvudman, idp, enabled=True, metadata_xml="")
    assert client.get(url).status_code == 404
    assert client.get(reverse("signin_saml_start", args=["000000-0000"])).status_code == 404


def test_the_published_sp_metadata_is_signed_with_the_sp_certificate(client, db):
    response = client.get(reverse("signin_saml_metadata"))
    xml = response.content.decode()
    conf = sp_config()
    metadata = InMemoryMetaData(conf.attribute_converters, security=security_context(conf))
    metadata.cert = conf.cert_file

    assert metadata.parse_and_check_signature(xml) is True
    assert metadata.signed()
    assert sp_entity_id() in metadata.keys()
    assert "urn:oid:1.3.6.1.4.1.5923.1.1.1.6" in xml  # eduPersonPrincipalName requested
    assert f'Name="{SIS_SCHOOL_UNIT_CODE}"' in xml
    assert "/saml/acs/" in xml and "/saml/ls/" in xml


def test_the_sp_key_pair_is_generated_once_and_reused(settings, tmp_path):
    from digiplan.signin.saml import sp_key_pair

    settings.SAML_KEY_DIR = tmp_path / "keys"
    first = sp_key_pair()
    cert = (tmp_path / "keys" / "sp-cert.pem").read_bytes()

    assert sp_key_pair() == first
    assert (tmp_path / "keys" / "sp-cert.pem").read_bytes() == cert
    assert oct((tmp_path / "keys" / "sp-key.pem").stat().st_mode & 0o777) == "0o600"


def test_a_next_to_another_site_is_ignored(client, world, idp, staff_identity):
    configure(world.huvudman, idp)
    url = reverse("signin_saml_start", args=[world.huvudman.organisation_number])
    location = onward_url(client.get(url + "?next=https://evil.test/"))
    request_id = request_id_of(parse_qs(urlparse(location).query)["SAMLRequest"][0])

    response = post_answer(client, idp.answer(request_id, staff_identity))

    assert response["Location"] == reverse("home")
