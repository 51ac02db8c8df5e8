"""Writes of the sign-in side that are not Django's own."""

from axes.utils import reset


def sign_in_lockout_lift(*, email: str) -> None:
    """Ends the lockout of the account name: whoever set a new password through the e-mailed
    link has proved who they are. django-axes keeps these rows; they are not audited, as a
    sign-in is not."""
    reset(username=email)
