from django.core.management.base import BaseCommand

from digiplan.comparison.services import comparison_build


class Command(BaseCommand):
    help = (
        "Builds the anonymous national comparison anew from the huvudmän that share now "
        "(a huvudman that stopped sharing is removed). Run it nightly."
    )

    def handle(self, *args, **options):
        build = comparison_build()
        self.stdout.write(f"{build.figure_count} jämförelsetal från {build.huvudman_count} huvudmän.")
