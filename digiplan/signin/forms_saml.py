"""The strategist's SAML settings. The metadata (a file, or fetched from the URL) is verified
by pysaml2 in clean(); a form that is valid carries the checked metadata to the service."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.signin.models import SamlIdentityProvider
from digiplan.signin.saml_metadata import CheckedMetadata, MetadataRefused, check_metadata, fetch_metadata
from digiplan.signin.saml_services import SamlProviderValues

MAX_METADATA_BYTES = 20 * 1024 * 1024  # federation metadata runs to a few megabytes
ERROR_METADATA_NEEDED = _("Give the metadata URL or upload a metadata file before turning sign-in on.")
ERROR_METADATA_TOO_LARGE = _("The file is too large for metadata.")
ERROR_METADATA_ENCODING = _("The file is not a text file in UTF-8.")


class SamlProviderForm(forms.ModelForm):
    metadata_file = forms.FileField(
        label=_("Metadata file"),
        required=False,
        help_text=_("Instead of a URL: the identity provider's or the federation's metadata as an XML file."),
    )

    class Meta:
        model = SamlIdentityProvider
        fields = [
            "display_name",
            "metadata_url",
            "federation_certificate",
            "idp_entity_id",
            "attr_principal_name",
            "attr_email",
            "attr_given_name",
            "attr_surname",
            "attr_affiliation",
            "attr_school_unit_code",
            "enabled",
        ]
        widgets = {"federation_certificate": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "idp_entity_id": _(
                "Needed when the metadata describes many identity providers, as a federation's does."
            ),
        }

    field_order = ["display_name", "metadata_url", "metadata_file", "federation_certificate", "idp_entity_id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked: CheckedMetadata | None = None
        self.fetched = False

    def _new_metadata(self) -> tuple[str, str] | None:
        """The new metadata and the field it came from, or None when it does not change."""
        upload = self.cleaned_data.get("metadata_file")
        if upload:
            if upload.size > MAX_METADATA_BYTES:
                raise MetadataRefused(ERROR_METADATA_TOO_LARGE, "metadata_file")
            try:
                return upload.read().decode("utf-8"), "metadata_file"
            except UnicodeDecodeError as error:
                raise MetadataRefused(ERROR_METADATA_ENCODING, "metadata_file") from error
        url = self.cleaned_data.get("metadata_url", "")
        if url and (url != self.initial.get("metadata_url") or not self.instance.metadata_xml):
            self.fetched = True
            return fetch_metadata(url), "metadata_url"
        return None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        try:
            new = self._new_metadata()
            xml, source = new if new is not None else (self.instance.metadata_xml, "metadata_file")
            if xml:
                self.checked = check_metadata(
                    xml,
                    certificate=cleaned.get("federation_certificate", ""),
                    entity_id=cleaned.get("idp_entity_id", ""),
                    source_field=source,
                )
        except MetadataRefused as refused:
            self.add_error(refused.field, str(refused.message))
            self.refusal_reason = refused.reason
            return cleaned
        if cleaned.get("enabled") and self.checked is None:
            self.add_error("metadata_url", ERROR_METADATA_NEEDED)
        return cleaned

    def values(self) -> SamlProviderValues:
        data = self.cleaned_data
        return SamlProviderValues(
            display_name=data["display_name"],
            metadata_url=data["metadata_url"],
            federation_certificate=data["federation_certificate"].strip(),
            attr_principal_name=data["attr_principal_name"],
            attr_email=data["attr_email"],
            attr_given_name=data["attr_given_name"],
            attr_surname=data["attr_surname"],
            attr_affiliation=data["attr_affiliation"],
            attr_school_unit_code=data["attr_school_unit_code"],
            enabled=data["enabled"],
        )
