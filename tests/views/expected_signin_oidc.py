"""OpenID Connect sign-in: the start (the world's huvudman has no provider: not found for
anyone), the provider's answer (none was asked for: refused alike), signing out, and the
strategist's settings."""

from digiplan.signin.models import OidcProvider
from tests.views.matrix import LOGIN, STRATEGISTS_ONLY, Post, Route, answers, to

SETTINGS_SAVED = {
    **STRATEGISTS_ONLY,
    "strategist": to("signin_oidc_settings"),
    "other_strategist": to("signin_oidc_settings"),
}

EXPECTED = {
    "signin_oidc_start": Route(
        get=answers(404),
        post=Post(answers(405)),
        kwargs=lambda w: {"orgnr": w.huvudman.organisation_number},
    ),
    "signin_oidc_callback": Route(get=answers(400), post=Post(answers(405))),
    "signin_oidc_logout": Route(get=answers(405), post=Post(answers(LOGIN))),
    "signin_oidc_settings": Route(
        get=STRATEGISTS_ONLY,
        post=Post(
            SETTINGS_SAVED,
            lambda w: {
                "display_name": "Skolkonto",
                "issuer": "https://login.example.test",
                "client_id": "digiplan",
                "client_secret": "hemligt",
                "allowed_email_domains": "",
            },
            writers=("strategist", "other_strategist"),
            audit=("signin.oidc_provider_changed",),
            rows={OidcProvider: 1},
        ),
    ),
}
