"""Sign-in pages shared by SAML and OpenID Connect, the SAML pages (the world's huvudman has no
identity provider: its start is not found for anyone, and answers nobody asked for are
refused alike), and the second factor's pages."""

from digiplan.signin.models import SignInPolicy
from tests.views.matrix import (
    LOGIN,
    READS,
    SIGNED_IN_200,
    STRATEGISTS_ONLY,
    Post,
    Route,
    answers,
    to,
)

POLICY_SAVED = {
    **STRATEGISTS_ONLY,
    "strategist": to("signin_settings"),
    "other_strategist": to("signin_settings"),
}
NO_CODE_OWED = answers(to("home"), anonymous=LOGIN)
NO_APP = answers(to("mfa_settings"), anonymous=LOGIN)
FORM_ERROR_FOR_STRATEGISTS = {**STRATEGISTS_ONLY, "strategist": 400, "other_strategist": 400}

EXPECTED = {
    "signin_choose": Route(get=answers(200), post=Post(answers(400))),
    "signin_unknown": Route(get=answers(403), post=READS),
    "signin_settings": Route(
        get=STRATEGISTS_ONLY,
        post=Post(
            POLICY_SAVED,
            lambda w: {"email_domains": "", "password_sign_in": "on", "session_minutes": "45"},
            writers=("strategist", "other_strategist"),
            audit=("signin.policy_changed",),
            rows={SignInPolicy: 1},
        ),
    ),
    "signin_saml_metadata": Route(get=answers(200), post=Post(answers(405))),
    "signin_saml_acs": Route(get=answers(405), post=Post(answers(400))),
    # No SAML message in the request: back to the sign-in page, whoever asks.
    "signin_saml_ls": Route(get=answers(LOGIN), post=Post(answers(LOGIN))),
    "signin_saml_logout": Route(get=answers(405), post=Post(answers(LOGIN))),
    "signin_saml_start": Route(
        get=answers(404),
        post=Post(answers(405)),
        kwargs=lambda w: {"orgnr": w.huvudman.organisation_number},
    ),
    "signin_saml_settings": Route(get=STRATEGISTS_ONLY, post=Post(FORM_ERROR_FOR_STRATEGISTS)),
    "mfa_settings": Route(get=SIGNED_IN_200, post=READS),
    # Nobody here owes a code (no policy asks for one): the code page sends them home.
    "mfa_verify": Route(get=NO_CODE_OWED, post=Post(NO_CODE_OWED)),
    # No key offered in this session yet: the page starts the enrolment afresh.
    "mfa_enrol": Route(get=SIGNED_IN_200, post=Post(SIGNED_IN_200)),
    "mfa_disable": Route(get=answers(405), post=Post(answers(400, anonymous=LOGIN))),
    # Without an authenticator app there are no recovery codes to renew or download.
    "mfa_recovery_codes": Route(get=answers(405), post=Post(NO_APP)),
    "mfa_recovery_codes_download": Route(get=answers(405), post=Post(NO_APP)),
}
