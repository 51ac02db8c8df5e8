from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from digiplan.frameworks.exchange import export_framework
from digiplan.frameworks.management.commands._huvudman_option import huvudman_option
from digiplan.frameworks.models import Framework, FrameworkVersion, VersionStatus
from digiplan.organisations.models import Huvudman

ERROR_NO_SUCH_VERSION = _("Found no such version of %(slug)s.")
ERROR_PASS_HUVUDMAN = _(
    "%(slug)s is not built-in content. Say whose framework it is with --huvudman and an "
    "organisation number; it exists at: %(owners)s."
)
ERROR_NO_SUCH_FRAMEWORK = _(
    "No framework has the short name %(slug)s. Pass the framework's short name (slug), and "
    "--huvudman with an organisation number for a school organiser's own framework."
)


class Command(BaseCommand):
    help = "Prints a framework's latest published version (or --number N, or --draft) as YAML."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--huvudman", help="organisation number; omit for built-in content")
        parser.add_argument("--number", type=int, help="the published version number")
        parser.add_argument("--draft", action="store_true")

    def handle(self, *args, **options):
        huvudman = huvudman_option(options["huvudman"])
        slug = options["slug"]
        if not Framework.objects.filter(slug=slug, huvudman=huvudman).exists():
            raise CommandError(_missing_framework(slug, huvudman))
        versions = FrameworkVersion.objects.filter(framework__slug=slug, framework__huvudman=huvudman)
        if options["draft"]:
            versions = versions.filter(status=VersionStatus.DRAFT)
        elif options["number"]:
            versions = versions.filter(number=options["number"])
        else:
            versions = versions.filter(status=VersionStatus.PUBLISHED)
        version = versions.order_by("-number").first()
        if version is None:
            raise CommandError(ERROR_NO_SUCH_VERSION % {"slug": slug})
        self.stdout.write(export_framework(version), ending="")


def _missing_framework(slug: str, huvudman: Huvudman | None) -> str:
    """What to pass instead: the huvudmän whose framework has the slug, when --huvudman was
    left out and the slug is no built-in framework's."""
    owners = Huvudman.objects.filter(frameworks__slug=slug).order_by("name") if huvudman is None else []
    if owners:
        listed = ", ".join(f"{owner.name} (--huvudman {owner.organisation_number})" for owner in owners)
        return str(ERROR_PASS_HUVUDMAN % {"slug": slug, "owners": listed})
    return str(ERROR_NO_SUCH_FRAMEWORK % {"slug": slug})
