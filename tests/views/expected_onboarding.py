"""A new huvudman: the operator's pages (no persona is an operator: everyone is refused), the
invitation's welcome page (a made-up link: refused alike for all) and the strategist's
checklist."""

from tests.views.matrix import LOGIN, READS, STRATEGISTS_ONLY, Post, Route, answers

OPERATORS_ONLY = answers(403, anonymous=LOGIN)


def _huvudman(world):
    return {"pk": world.huvudman.pk}


EXPECTED = {
    "onboarding_operator_list": Route(get=OPERATORS_ONLY, post=READS),
    "onboarding_operator_create": Route(
        get=OPERATORS_ONLY,
        post=Post(
            OPERATORS_ONLY,
            lambda w: {"name": "Nya kommun", "organisation_number": "212000-5678", "email": "ny@nya.test"},
        ),
    ),
    "onboarding_operator_resend": Route(
        get=answers(405, anonymous=LOGIN), post=Post(OPERATORS_ONLY), kwargs=_huvudman
    ),
    "onboarding_welcome": Route(
        get=answers(400),
        post=READS,
        kwargs=lambda w: {"uidb64": "MQ", "token": "cz1234-0123456789abcdef"},
    ),
    "onboarding_checklist": Route(get=STRATEGISTS_ONLY, post=READS),
}
