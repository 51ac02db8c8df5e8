"""Run as `python -m tests.seed_own_database` with DATABASE_URL set to a database of a test's own
(tests/throwaway_postgres.py): migrates it and adds the tests' world and an open campaign, then
prints, as one JSON line, the staff person's answering link and the strategist's e-mail.

A process of its own because pytest-django binds the test's ORM to the shared test database."""

import json
import os
import secrets

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiplan.settings")
    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", interactive=False, verbosity=0)
    from digiplan.assessments.models import Participation
    from tests.assessment_helpers import build_campaign
    from tests.conftest import build_world
    from tests.factories import PASSWORD

    # The factories set passwords through the hashers: the tests' fast one here, and then a
    # PBKDF2 hash of few iterations that the app server's real hashers accept.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        world = build_world()
        built = build_campaign(world)
    world.strategist.password = PBKDF2PasswordHasher().encode(PASSWORD, secrets.token_hex(8), iterations=1000)
    world.strategist.save(update_fields=["password"])
    participation = Participation.objects.get(campaign=built.campaign, person=world.staff)
    print(  # noqa: T201  (read by the test)
        json.dumps(
            {
                "token": built.tokens[participation.pk],
                "participation": participation.pk,
                "campaign": built.campaign.pk,
                "strategist": world.strategist.email,
            }
        )
    )


if __name__ == "__main__":
    main()
