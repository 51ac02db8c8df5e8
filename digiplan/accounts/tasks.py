"""The password-reset mail, sent by the task queue like every other mail.

The request only enqueues the person's id, so the page answers equally fast whether or not the
address belongs to anyone (its timing tells an attacker nothing), and a slow mail server never
holds up the page. The link is made inside the task, just before sending: no reset token is
ever written to the task table."""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.tasks import task
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
EMAIL_TEMPLATE = "registration/password_reset_email.html"


@task
def send_password_reset(person_id: int, domain: str, use_https: bool, language: str) -> bool:
    person = get_user_model()._default_manager.filter(pk=person_id, is_active=True).first()
    if person is None:
        return False
    with translation.override(language):
        # Django's own mail of the reset form (digiplan.accounts.forms enqueues this task).
        PasswordResetForm().send_mail(
            SUBJECT_TEMPLATE,
            EMAIL_TEMPLATE,
            {
                "email": person.email,
                "domain": domain,
                "site_name": domain,
                "uid": urlsafe_base64_encode(force_bytes(person.pk)),
                "user": person,
                "token": default_token_generator.make_token(person),
                "protocol": "https" if use_https else "http",
            },
            None,
            person.email,
        )
    return True
