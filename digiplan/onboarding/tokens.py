"""The invitation link's token: Django's password-reset token with a salt of its own, so that
a reset link cannot stand in for an invitation or the other way round. Like a reset link it
is made from the password hash and the last sign-in, so it works once, and it runs out after
PASSWORD_RESET_TIMEOUT."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "digiplan.onboarding.tokens.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def valid_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
