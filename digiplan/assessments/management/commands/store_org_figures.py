"""`manage.py store_org_figures`: the organisation's own figures for campaigns closed before
Digiplan stored them at closing (issue 17), so that their organisation results page reads one
row instead of every unit's figures. Run once after upgrading; safe to run again."""

from django.core.management.base import BaseCommand

from digiplan.assessments.services.org_figures import org_figures_store_missing


class Command(BaseCommand):
    help = (
        "Sparar organisationens egna siffror för avslutade skattningar som saknar dem "
        "(stängda före uppgraderingen), så att resultatsidan inte räknar om varje enhet."
    )

    def handle(self, *args, **options):
        stored = org_figures_store_missing()
        if not stored:
            self.stdout.write("Inget att göra: alla avslutade skattningar har sina siffror.")
            return
        self.stdout.write(f"Organisationens siffror sparade för {len(stored)} skattningar:")
        for campaign in stored:
            self.stdout.write(
                f"  {campaign.huvudman.name} – {campaign.name} {campaign.school_year} (id {campaign.pk})"
            )
