"""The invitation mail of a new huvudman's first strategist, sent by the task queue.

Only the person's id goes into the queue: the link, with its token, is made here just before
sending, so no token is ever written to the task table."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from digiplan.onboarding import selectors
from digiplan.onboarding.tokens import invitation_tokens, valid_days
from digiplan.organisations.models import Person

SUBJECT_TEMPLATE = "onboarding/email_invitation_subject.txt"
BODY_TEMPLATE = "onboarding/email_invitation.txt"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def invitation_link(person: Person) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = invitation_tokens.make_token(person)
    return _absolute(reverse("onboarding_welcome", kwargs={"uidb64": uid, "token": token}))


@task
def send_invitation(person_id: int, language: str) -> bool:
    person = Person.objects.filter(pk=person_id, is_active=True).select_related("huvudman").first()
    if person is None or person.huvudman is None:
        return False
    context = {
        "person": person,
        "huvudman": person.huvudman,
        "link": invitation_link(person),
        "days": valid_days(),
        # Looked up now, not when queued: the school-account sign-in may have been set up since.
        "school_account_link": _absolute(reverse("signin_choose"))
        if selectors.school_sign_in_enabled(person.huvudman)
        else "",
    }
    with translation.override(language):
        subject = " ".join(render_to_string(SUBJECT_TEMPLATE, context).split())
        body = render_to_string(BODY_TEMPLATE, context)
    EmailMessage(subject, body, None, [person.email]).send()
    return True
