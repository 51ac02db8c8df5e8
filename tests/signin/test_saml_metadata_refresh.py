"""manage.py refresh_saml_metadata: federation metadata fetched over HTTP, verified against the
federation's certificate and stored; anything else refused, with the last good metadata kept."""

import pytest
from django.core.management import CommandError, call_command

from digiplan.signin.models import SamlIdentityProvider
from digiplan.signin.saml_metadata import ERROR_METADATA_MALFORMED, ERROR_METADATA_SIGNATURE
from tests.signin.saml_idp import (  # noqa: F401  (fixtures)
    SchoolIdp,
    federation_metadata,
    metadata_server_fixture,
    saml_sp_key_dir,
    saml_sp_keys,
)

pytestmark = pytest.mark.django_db

IDP_A = "https://idp.sjovik.test/idp"
IDP_OTHER = "https://idp.annan-kommun.test/idp"
OLD = "<!-- the metadata fetched yesterday -->"


@pytest.fixture
def idps(tmp_path):
    return [SchoolIdp.build(tmp_path / "a", IDP_A), SchoolIdp.build(tmp_path / "other", IDP_OTHER)]


def provider_at(huvudman, url: str, certificate: str, **fields) -> SamlIdentityProvider:
    return SamlIdentityProvider.objects.create(
        huvudman=huvudman,
        enabled=True,
        metadata_url=url,
        federation_certificate=certificate,
        idp_entity_id=IDP_A,
        metadata_xml=OLD,
        **fields,
    )


def test_good_federation_metadata_is_stored(world, tmp_path, idps, metadata_server):
    xml, certificate = federation_metadata(tmp_path / "fed", idps)
    url = metadata_server.serve("/fed.xml", xml)
    provider_at(world.huvudman, url, certificate, metadata_error="old error")

    call_command("refresh_saml_metadata")

    provider = SamlIdentityProvider.objects.get()
    assert provider.metadata_xml == xml
    assert provider.metadata_fetched_at is not None
    assert provider.metadata_error == ""


def test_wrongly_signed_metadata_is_refused_and_the_old_kept(world, tmp_path, idps, metadata_server, caplog):
    _xml, certificate = federation_metadata(tmp_path / "fed", idps)
    forged, _other = federation_metadata(tmp_path / "fed", idps, signer="forger")
    provider_at(world.huvudman, metadata_server.serve("/fed.xml", forged), certificate)

    with pytest.raises(CommandError):
        call_command("refresh_saml_metadata")

    provider = SamlIdentityProvider.objects.get()
    assert provider.metadata_xml == OLD
    assert str(ERROR_METADATA_SIGNATURE)[:40] in provider.metadata_error
    assert any("refused" in r.getMessage() for r in caplog.records if r.name == "digiplan.signin")


def test_malformed_metadata_is_refused_and_the_old_kept(world, tmp_path, idps, metadata_server):
    _xml, certificate = federation_metadata(tmp_path / "fed", idps)
    url = metadata_server.serve("/fed.xml", "<html>Underhåll pågår</html>")
    provider_at(world.huvudman, url, certificate)

    with pytest.raises(CommandError):
        call_command("refresh_saml_metadata")

    provider = SamlIdentityProvider.objects.get()
    assert provider.metadata_xml == OLD
    assert str(ERROR_METADATA_MALFORMED)[:30] in provider.metadata_error


def test_an_unreachable_url_is_refused_and_the_old_kept(world, tmp_path, idps, metadata_server):
    _xml, certificate = federation_metadata(tmp_path / "fed", idps)
    provider_at(world.huvudman, metadata_server.serve("/fed.xml", "", status=503), certificate)

    with pytest.raises(CommandError):
        call_command("refresh_saml_metadata")

    assert SamlIdentityProvider.objects.get().metadata_xml == OLD


def test_only_the_named_huvudman_is_refreshed(world, tmp_path, idps, metadata_server):
    xml, certificate = federation_metadata(tmp_path / "fed", idps)
    url = metadata_server.serve("/fed.xml", xml)
    provider_at(world.huvudman, url, certificate)
    provider_at(world.other_huvudman, url, certificate)

    call_command("refresh_saml_metadata", huvudman=world.huvudman.organisation_number)

    assert SamlIdentityProvider.objects.get(huvudman=world.huvudman).metadata_xml == xml
    assert SamlIdentityProvider.objects.get(huvudman=world.other_huvudman).metadata_xml == OLD
