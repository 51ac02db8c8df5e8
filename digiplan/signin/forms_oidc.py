import logging

from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.signin.models import OidcProvider
from digiplan.signin.oidc_discovery import DiscoveryError, is_acceptable_url, provider_metadata

log = logging.getLogger("digiplan.signin")

ERROR_ISSUER_NOT_HTTPS = _("The issuer must be an https address.")
ERROR_DISCOVERY = _(
    "Digiplan could not read the provider's discovery document at this issuer. Check the address: "
    "it must be the issuer exactly as the provider states it, and the provider must be reachable."
)
ERROR_SECRET_NEEDED = _("Enter the client secret the provider gave you.")


class OidcProviderForm(forms.ModelForm):
    """The strategist's settings. The client secret is write-only: it is never shown again, and
    an empty field keeps the one stored."""

    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=True,
        max_length=400,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored secret."),
    )

    class Meta:
        model = OidcProvider
        fields = ["display_name", "issuer", "client_id", "client_secret", "allowed_email_domains", "enabled"]
        widgets = {"allowed_email_domains": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, has_secret: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret = has_secret

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"]
        if not is_acceptable_url(issuer):
            raise forms.ValidationError(ERROR_ISSUER_NOT_HTTPS)
        return issuer

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("enabled"):
            return cleaned
        if not (cleaned.get("client_secret") or self.has_secret):
            self.add_error("client_secret", ERROR_SECRET_NEEDED)
        issuer = cleaned.get("issuer")
        if issuer and "issuer" not in self.errors:
            try:
                provider_metadata(issuer, fresh=True)
            except DiscoveryError as error:
                log.info("OpenID Connect settings refused: %s", error)
                self.add_error("issuer", ERROR_DISCOVERY)
        return cleaned
