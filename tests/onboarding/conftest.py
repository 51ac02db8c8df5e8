"""The installation's operator (Person.is_staff, no huvudman) and the invitation mail's link."""

import re

import pytest
from django.core import mail

from digiplan.organisations.models import Person
from tests.conftest import PASSWORD

INVITATION_LINK = re.compile(r"https?://[^/\s]+(/valkommen/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def operator(db) -> Person:
    return Person.objects.create_user("drift@digiplan.test", PASSWORD, name="Dora Drift", is_staff=True)


def invitation_path(message=None) -> str:
    """The path of the invitation link in the (only) mail sent."""
    if message is None:
        assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
        message = mail.outbox[0]
    match = INVITATION_LINK.search(message.body)
    assert match, message.body
    return match.group(1)
