"""Signing in and out, passwords, the language switch and the two public pages."""

from axes.models import AccessLog
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from digiplan.organisations.models import Person
from tests.conftest import PASSWORD, PERSONAS
from tests.views.matrix import ALL_200, LOGIN, POST_ONLY, READS, SIGNED_IN_200, Post, Route, answers, to

NEW_PASSWORD = "ny-häst-nytt-batteri-7"
SIGNED_IN = PERSONAS[1:]
GET_ONLY = answers(405)


def _passwords(world) -> dict:
    return dict(Person.objects.order_by("pk").values_list("pk", "password"))


def _staff_password(world) -> str:
    return Person.objects.get(pk=world.staff.pk).password


def _staff_uid(world) -> str:
    return urlsafe_base64_encode(force_bytes(world.staff.pk))


def _open_reset_link(client, world) -> None:
    """The link of the staff persona's reset mail: opening it keeps the token in the session
    and sends on to the form (…/set-password/), which the POST then fills in."""
    token = default_token_generator.make_token(Person.objects.get(pk=world.staff.pk))
    client.get(reverse("password_reset_confirm", kwargs={"uidb64": _staff_uid(world), "token": token}))


EXPECTED = {
    # The language is a cookie: nothing is stored.
    "set_language": Route(
        get=answers(to("home")), post=Post(answers(to("home")), lambda w: {"language": "en"})
    ),
    "login": Route(
        get=answers(to("home"), anonymous=200),  # signed in: go home
        post=Post(
            answers(to("home")),
            lambda w: {"username": w.staff.email, "password": PASSWORD},
            writers=("anonymous",),
            rows={AccessLog: 1},
        ),
    ),
    "logout": Route(
        get=answers(405),
        post=Post(answers(LOGIN), writers=SIGNED_IN, changes=lambda w: Session.objects.count()),
    ),
    "password_change": Route(
        get=SIGNED_IN_200,
        post=Post(
            answers(to("password_change_done"), anonymous=LOGIN),
            lambda w: {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            writers=SIGNED_IN,
            changes=_passwords,
        ),
    ),
    "password_change_done": Route(get=SIGNED_IN_200, post=Post(POST_ONLY)),
    "password_reset": Route(
        get=ALL_200,
        post=Post(
            answers(to("password_reset_done")),
            lambda w: {"email": w.staff.email},
            writers=PERSONAS,
            changes=lambda w: len(mail.outbox),  # the mail is sent (queued, in production)
        ),
    ),
    "password_reset_done": Route(get=ALL_200, post=Post(GET_ONLY)),
    "password_reset_confirm": Route(
        kwargs=lambda w: {"uidb64": "MQ", "token": "fel-token"},
        get=ALL_200,
        post=Post(
            answers(to("password_reset_complete")),
            lambda w: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            kwargs=lambda w: {"uidb64": _staff_uid(w), "token": "set-password"},
            before=_open_reset_link,
            writers=PERSONAS,  # whoever holds the link
            changes=_staff_password,
        ),
    ),
    "password_reset_complete": Route(get=ALL_200, post=Post(GET_ONLY)),
    "accessibility": Route(get=ALL_200, post=READS),
    "privacy": Route(get=ALL_200, post=READS),
}
