"""Fetches the metadata of each huvudman's SAML identity provider from its URL, verifies it
(signature against the federation's certificate, validUntil) and stores it; on failure keeps
the last good metadata and records why. Run it daily (docs/signin.md)."""

from django.core.management.base import BaseCommand, CommandError

from digiplan.organisations.models import normalise_organisation_number
from digiplan.signin.models import SamlIdentityProvider
from digiplan.signin.saml_services import saml_metadata_refresh


class Command(BaseCommand):
    help = "Fetch and verify the SAML metadata of every enabled identity provider that has a metadata URL."

    def add_arguments(self, parser):
        parser.add_argument("--huvudman", metavar="ORGNR", help="only this huvudman (organisation number)")

    def handle(self, *args, **options):
        providers = (
            SamlIdentityProvider.objects.filter(enabled=True)
            .exclude(metadata_url="")
            .select_related("huvudman")
            .order_by("huvudman__name")
        )
        if options["huvudman"]:
            number = normalise_organisation_number(options["huvudman"]) or options["huvudman"]
            providers = providers.filter(huvudman__organisation_number=number)
        failed = []
        for provider in providers:
            if saml_metadata_refresh(provider=provider):
                self.stdout.write(f"{provider.huvudman}: metadata refreshed")
            else:
                failed.append(str(provider.huvudman))
                self.stderr.write(f"{provider.huvudman}: {provider.metadata_error}")
        if failed:
            raise CommandError(f"metadata not refreshed for {len(failed)}: {', '.join(failed)}")
