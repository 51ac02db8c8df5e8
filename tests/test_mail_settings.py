"""E-mail goes where the README says: printed to the console in development, to the SMTP server
named by EMAIL_HOST, EMAIL_PORT, EMAIL_USER, EMAIL_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL
otherwise. Each case starts the settings afresh in a process of its own."""

import json
import os
import subprocess
import sys

from django.conf import settings

SHOW_MAILER = """
import json, django
django.setup()
from django.core.mail import mailers
c = mailers["default"]
print(json.dumps({"backend": type(c).__module__, **{k: getattr(c, k, None) for k in
    ("host", "port", "username", "password", "use_tls", "use_ssl")}}))
"""
MAIL_VARIABLES = (
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_USER",
    "EMAIL_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
)


def _mailer(**environment) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in MAIL_VARIABLES}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update({"DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "digiplan.settings", **environment})
    result = subprocess.run(
        [sys.executable, "-c", SHOW_MAILER], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_demo_prints_e_mail_to_the_console():
    assert _mailer(DEBUG="True")["backend"] == "django.core.mail.backends.console"


def test_email_host_sends_through_that_smtp_server_even_in_the_demo():
    mailer = _mailer(
        DEBUG="True",
        EMAIL_HOST="smtp.sjovik.example",
        EMAIL_PORT="587",
        EMAIL_USER="digiplan@sjovik.example",
        EMAIL_PASSWORD="hemligt",
        EMAIL_USE_TLS="True",
    )
    assert mailer == {
        "backend": "django.core.mail.backends.smtp",
        "host": "smtp.sjovik.example",
        "port": 587,
        "username": "digiplan@sjovik.example",
        "password": "hemligt",
        "use_tls": True,
        "use_ssl": False,
    }


def test_implicit_tls_on_port_465():
    mailer = _mailer(DEBUG="True", EMAIL_HOST="smtp.sjovik.example", EMAIL_PORT="465", EMAIL_USE_SSL="True")
    assert (mailer["port"], mailer["use_ssl"], mailer["use_tls"]) == (465, True, False)


def test_production_sends_smtp_to_localhost_port_25_by_default():
    mailer = _mailer(DEBUG="False", SECRET_KEY="k" * 60)
    assert mailer["backend"] == "django.core.mail.backends.smtp"
    assert (mailer["host"], mailer["port"], mailer["use_tls"]) == ("localhost", 25, False)
