"""Where "Logga ut" posts: a school-account session signs out at its identity provider too
(single logout) when the provider supports it; the SAML and OIDC views decide that."""

from django.urls import reverse

from digiplan.signin.session import METHOD_OIDC, METHOD_SAML, SESSION_METHOD

LOGOUT_URL_NAMES = {METHOD_SAML: "signin_saml_logout", METHOD_OIDC: "signin_oidc_logout"}


def sign_out(request) -> dict[str, str]:
    session = getattr(request, "session", None)
    method = session.get(SESSION_METHOD, "") if session is not None else ""
    return {"logout_url": reverse(LOGOUT_URL_NAMES.get(method, "logout"))}
