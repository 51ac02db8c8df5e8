"""`manage.py create_huvudman`: a new huvudman and its first strategist's invitation, the same
service as the operator's page (drift/huvudman/ny/)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from digiplan.onboarding import services


class Command(BaseCommand):
    help = "Skapar en huvudman med dess första strateg och skickar inbjudan till strategen."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="huvudmannens namn")
        parser.add_argument("--orgnr", required=True, help="organisationsnummer, NNNNNN-NNNN")
        parser.add_argument("--strategist", required=True, help="strategens e-postadress")
        parser.add_argument("--strategist-name", default="", help="strategens namn (frivilligt)")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                onboarded = services.huvudman_onboard(
                    actor=None,
                    name=options["name"],
                    organisation_number=options["orgnr"],
                    strategist_email=options["strategist"],
                    strategist_name=options["strategist_name"],
                )
            except ValidationError as error:
                raise CommandError(" ".join(str(message) for message in error.messages)) from None
            self.stdout.write(
                _("%(huvudman)s (%(number)s) was created. An invitation is on its way to %(email)s.")
                % {
                    "huvudman": onboarded.huvudman.name,
                    "number": onboarded.huvudman.organisation_number,
                    "email": onboarded.strategist.email,
                }
            )
