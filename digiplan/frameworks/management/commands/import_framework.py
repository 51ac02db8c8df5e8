from django.core.management.base import BaseCommand, CommandError

from digiplan.frameworks.exchange import MAX_FILE_BYTES, DraftInTheWay, FrameworkFileError, import_framework
from digiplan.frameworks.management.commands._huvudman_option import huvudman_option
from digiplan.lib.uploads import UploadRejected, decode_utf8, read_path


class Command(BaseCommand):
    help = "Loads a framework file (YAML) as a new draft, or published with --publish."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--huvudman", help="organisation number; omit for built-in content")
        parser.add_argument("--publish", action="store_true")
        # As on the page: a draft someone is working on is replaced only when asked to.
        parser.add_argument(
            "--replace-draft",
            action="store_true",
            help="replace an existing draft of the same framework (otherwise the import stops)",
        )

    def handle(self, *args, **options):
        huvudman = huvudman_option(options["huvudman"])
        try:
            text = decode_utf8(read_path(options["file"], MAX_FILE_BYTES))
        except OSError as error:
            raise CommandError(f"Filen kunde inte läsas: {error.strerror or error}") from None
        except UploadRejected as rejected:
            raise CommandError(f"{options['file']}: {rejected.message}") from None
        try:
            version = import_framework(
                text,
                huvudman=huvudman,
                actor=None,
                publish=options["publish"],
                replace_draft=options["replace_draft"],
            )
        except DraftInTheWay as refused:
            draft = refused.draft
            raise CommandError(
                f"Ramverket ”{draft.framework.name}” har redan ett utkast med {draft.items.count()} punkter. "
                "Filen importerades inte; inget har ändrats. Kör igen med --replace-draft för att "
                "ersätta utkastet och ändringarna i det."
            ) from None
        except FrameworkFileError as error:
            for line, message in error.errors:
                self.stderr.write(f"Rad {line}: {message}" if line else message)
            raise CommandError("Filen importerades inte; inget har ändrats.") from None
        self.stdout.write(f"{version.framework.name}: {version.items.count()} punkter, {version.label}.")
