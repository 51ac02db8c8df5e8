from django.core.management.base import BaseCommand, CommandError

from digiplan.frameworks.exchange import export_framework
from digiplan.frameworks.models import FrameworkVersion, VersionStatus


class Command(BaseCommand):
    help = "Prints a framework's latest published version (or --number N, or --draft) as YAML."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--huvudman", help="organisation number; omit for built-in content")
        parser.add_argument("--number", type=int, help="the published version number")
        parser.add_argument("--draft", action="store_true")

    def handle(self, *args, **options):
        versions = FrameworkVersion.objects.filter(framework__slug=options["slug"])
        versions = (
            versions.filter(framework__huvudman__organisation_number=options["huvudman"])
            if options["huvudman"]
            else versions.filter(framework__huvudman__isnull=True)
        )
        if options["draft"]:
            versions = versions.filter(status=VersionStatus.DRAFT)
        elif options["number"]:
            versions = versions.filter(number=options["number"])
        else:
            versions = versions.filter(status=VersionStatus.PUBLISHED)
        version = versions.order_by("-number").first()
        if version is None:
            raise CommandError(f"Hittade ingen sådan version av {options['slug']}.")
        self.stdout.write(export_framework(version), ending="")
