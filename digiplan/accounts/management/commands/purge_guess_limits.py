from django.core.management.base import BaseCommand

from digiplan.accounts.throttle import guess_limits_purge


class Command(BaseCommand):
    help = (
        "Deletes the counts of guessed pupil codes and staff links whose window is over, "
        "and the codes that no longer count. Run daily."
    )

    def handle(self, *args, **options):
        deleted = guess_limits_purge()
        self.stdout.write(f"{deleted} rows deleted")
