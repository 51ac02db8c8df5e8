"""The strategist's SAML settings page: who may see it, metadata that is verified before
anything is saved (a file or a URL, an IdP's own or a federation's), and what it shows."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from digiplan.audit.models import AuditEvent
from digiplan.signin.forms_saml import ERROR_METADATA_NEEDED
from digiplan.signin.models import ATTR_SCHOOL_UNIT_CODE, SamlIdentityProvider
from digiplan.signin.saml import sp_entity_id
from digiplan.signin.saml_metadata import (
    ERROR_CERTIFICATE,
    ERROR_ENTITY_NOT_FOUND,
    ERROR_ENTITY_REQUIRED,
    ERROR_METADATA_EXPIRED,
    ERROR_METADATA_MALFORMED,
    ERROR_METADATA_SIGNATURE,
    ERROR_METADATA_UNSIGNED,
    ERROR_URL,
)
from tests.signin.saml_idp import (  # noqa: F401  (fixtures)
    SchoolIdp,
    federation_metadata,
    metadata_server_fixture,
    saml_sp_key_dir,
    saml_sp_keys,
)

pytestmark = pytest.mark.django_db

SETTINGS = reverse("signin_saml_settings")
IDP_A = "https://idp.sjovik.test/idp"
IDP_OTHER = "https://idp.annan-kommun.test/idp"


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def idp(tmp_path):
    return SchoolIdp.build(tmp_path / "a", IDP_A)


@pytest.fixture
def federation(tmp_path, idp):
    """Signed federation metadata naming the huvudman's IdP and another school's."""
    other = SchoolIdp.build(tmp_path / "other", IDP_OTHER)
    return federation_metadata(tmp_path / "fed", [idp, other])


def form_data(**values) -> dict:
    data = {
        "display_name": "Sjöviks skolkonto",
        "metadata_url": "",
        "federation_certificate": "",
        "idp_entity_id": "",
        "attr_principal_name": "eduPersonPrincipalName",
        "attr_email": "mail",
        "attr_given_name": "givenName",
        "attr_surname": "sn",
        "attr_affiliation": "eduPersonScopedAffiliation",
        "attr_school_unit_code": "sisSchoolUnitCode",
        "enabled": "on",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def upload(xml: str, name: str = "metadata.xml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, xml.encode(), content_type="application/xml")


def assert_field_error(response, message) -> None:
    assert response.status_code == 400
    assert escape(str(message)) in response.content.decode()
    assert not SamlIdentityProvider.objects.exists()
    assert not AuditEvent.objects.filter(action="signin.saml_provider_changed").exists()


# ---- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("strategist", 200), ("leader_a", 403), ("leader_b", 403), ("staff", 403), ("other_strategist", 200)],
)
def test_only_strategists_reach_the_page(client_for, persona, status):
    assert client_for(persona).get(SETTINGS).status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(SETTINGS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["leader_a", "staff"])
def test_a_non_strategist_cannot_save(client_for, world, idp, persona):
    response = client_for(persona).post(SETTINGS, form_data(metadata_file=upload(idp.metadata())))

    assert response.status_code == 403
    assert not SamlIdentityProvider.objects.exists()


def test_another_huvudmans_strategist_sees_and_changes_only_their_own(client_for, world, idp):
    client_for("strategist").post(SETTINGS, form_data(metadata_file=upload(idp.metadata())))
    other = client_for("other_strategist")

    page = other.get(SETTINGS).content.decode()
    other.post(SETTINGS, form_data(display_name="Friskolans konto", metadata_file=upload(idp.metadata())))

    assert "Sjöviks skolkonto" not in page
    assert IDP_A not in page
    assert SamlIdentityProvider.objects.get(huvudman=world.huvudman).display_name == "Sjöviks skolkonto"
    assert SamlIdentityProvider.objects.get(huvudman=world.other_huvudman).display_name == "Friskolans konto"


# ---- Saving ---------------------------------------------------------------------------------------


def test_the_page_shows_what_to_give_the_federation(client_for):
    page = client_for("strategist").get(SETTINGS).content.decode()

    assert sp_entity_id() in page
    assert "/saml/metadata/" in page
    assert ATTR_SCHOOL_UNIT_CODE in page  # the attribute mapping's default


def test_an_idps_metadata_file_is_saved_with_its_entity_id(client_for, world, idp):
    response = client_for("strategist").post(SETTINGS, form_data(metadata_file=upload(idp.metadata())))

    assert response.status_code == 302
    provider = SamlIdentityProvider.objects.get(huvudman=world.huvudman)
    assert provider.enabled
    assert provider.idp_entity_id == IDP_A
    assert "IDPSSODescriptor" in provider.metadata_xml
    audit = AuditEvent.objects.filter(action="signin.saml_provider_changed", huvudman=world.huvudman)
    assert audit.count() == 1


def test_federation_metadata_is_saved_with_the_chosen_entity(client_for, world, federation):
    xml, certificate = federation
    data = form_data(metadata_file=upload(xml), federation_certificate=certificate, idp_entity_id=IDP_A)

    response = client_for("strategist").post(SETTINGS, data)

    assert response.status_code == 302
    assert SamlIdentityProvider.objects.get().idp_entity_id == IDP_A


def test_federation_metadata_needs_the_entity_id(client_for, federation):
    xml, certificate = federation
    data = form_data(metadata_file=upload(xml), federation_certificate=certificate)

    assert_field_error(client_for("strategist").post(SETTINGS, data), ERROR_ENTITY_REQUIRED)


def test_an_entity_id_not_in_the_metadata_is_refused(client_for, federation):
    xml, certificate = federation
    data = form_data(
        metadata_file=upload(xml), federation_certificate=certificate, idp_entity_id="https://idp.evil.test/"
    )

    assert_field_error(client_for("strategist").post(SETTINGS, data), ERROR_ENTITY_NOT_FOUND)


def test_malformed_metadata_is_refused(client_for, caplog):
    data = form_data(metadata_file=upload("<EntityDescriptor><oops"))

    assert_field_error(client_for("strategist").post(SETTINGS, data), ERROR_METADATA_MALFORMED)
    assert any("not saved" in r.getMessage() for r in caplog.records if r.name == "digiplan.signin")


def test_metadata_signed_by_another_certificate_is_refused(client_for, tmp_path, idp):
    _xml, certificate = federation_metadata(tmp_path / "fed", [idp])
    forged, _forger_certificate = federation_metadata(tmp_path / "fed", [idp], signer="forger")
    data = form_data(metadata_file=upload(forged), federation_certificate=certificate, idp_entity_id=IDP_A)

    assert_field_error(client_for("strategist").post(SETTINGS, data), ERROR_METADATA_SIGNATURE)


def test_unsigned_metadata_is_refused_when_a_certificate_is_given(client_for, tmp_path, idp, federation):
    _xml, certificate = federation
    data = form_data(metadata_file=upload(idp.metadata()), federation_certificate=certificate)

    assert_field_error(client_for("strategist").post(SETTINGS, data), ERROR_METADATA_UNSIGNED)


def test_a_certificate_that_is_not_pem_is_refused(client_for, idp):
    data = form_data(metadata_file=upload(idp.metadata()), federation_certificate="not a certificate")

    assert_field_error(client_for("strategist").post(SETTINGS, data), ERROR_CERTIFICATE)


def test_expired_metadata_is_refused(client_for, tmp_path, idp):
    xml, certificate = federation_metadata(tmp_path / "fed", [idp], valid_for_hours=-1)
    data = form_data(metadata_file=upload(xml), federation_certificate=certificate, idp_entity_id=IDP_A)

    assert_field_error(client_for("strategist").post(SETTINGS, data), ERROR_METADATA_EXPIRED)


def test_turning_sign_in_on_needs_metadata(client_for):
    assert_field_error(client_for("strategist").post(SETTINGS, form_data()), ERROR_METADATA_NEEDED)


def test_metadata_is_fetched_from_the_url(client_for, world, federation, metadata_server):
    xml, certificate = federation
    url = metadata_server.serve("/federation.xml", xml)

    data = form_data(metadata_url=url, federation_certificate=certificate, idp_entity_id=IDP_A)
    response = client_for("strategist").post(SETTINGS, data)

    assert response.status_code == 302
    provider = SamlIdentityProvider.objects.get()
    assert provider.metadata_fetched_at is not None
    assert provider.metadata_xml == xml


def test_an_unreachable_url_is_refused(client_for, metadata_server):
    url = metadata_server.serve("/gone.xml", "", status=404)

    response = client_for("strategist").post(SETTINGS, form_data(metadata_url=url))

    assert_field_error(response, ERROR_URL % {"reason": "HTTP 404"})


def test_the_page_shows_the_last_fetch_and_its_error(client_for, world, idp):
    from django.utils import timezone

    SamlIdentityProvider.objects.create(
        huvudman=world.huvudman,
        metadata_xml=idp.metadata(),
        idp_entity_id=IDP_A,
        metadata_fetched_at=timezone.now(),
        metadata_error="Metadatans signatur stämmer inte",
    )

    page = client_for("strategist").get(SETTINGS).content.decode()

    assert "Metadatans signatur stämmer inte" in page
    assert IDP_A in page
