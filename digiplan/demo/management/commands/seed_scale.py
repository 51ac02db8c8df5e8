"""`manage.py seed_scale --units N --staff M`: one large, fictional huvudman for benchmarks,
built by each app's scale step in order (digiplan/demo/registry.py; today the organisation's:
digiplan/organisations/demo_scale.py). A national installation (5,000 units, 150,000 staff)
takes a few minutes on SQLite."""

from django.core.management.base import BaseCommand, CommandError

from digiplan.demo.registry import DemoRun, ScaleSize, demo_parts


class Command(BaseCommand):
    help = "Bygger en stor påhittad huvudman för prestandamätningar (bulkskrivning)."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, required=True, help="antal skolenheter")
        parser.add_argument("--staff", type=int, required=True, help="antal personal")
        parser.add_argument(
            "--huvudman", default="212999-0001", help="organisationsnummer (skapas om det saknas)"
        )
        parser.add_argument("--units-per-area", type=int, default=20)
        parser.add_argument("--areas-per-administration", type=int, default=10)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **opts):
        if opts["units"] < 1 or opts["staff"] < 0:
            raise CommandError("--units måste vara minst 1 och --staff minst 0.")
        size = ScaleSize(
            units=opts["units"],
            staff=opts["staff"],
            huvudman=opts["huvudman"],
            units_per_area=opts["units_per_area"],
            areas_per_administration=opts["areas_per_administration"],
            batch_size=opts["batch_size"],
            seed=opts["seed"],
        )
        run = DemoRun(self.stdout)
        for part in demo_parts:
            if part.scale is not None:
                part.scale(run, size)
        for summary in run.summaries:
            self.stdout.write(self.style.SUCCESS(summary))
