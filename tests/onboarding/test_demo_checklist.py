"""The demo keeps working, and its strategist's checklist shows the demo data as they are."""

from django.core.management import call_command
from django.urls import reverse

from digiplan.assessments.models import Campaign, CampaignStatus
from digiplan.onboarding.checklist import setup_checklist
from digiplan.organisations.demo import DEMO_ORGNR, DEMO_PASSWORD
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType
from digiplan.signin.models import OidcProvider, SamlIdentityProvider


def test_the_demo_strategists_checklist_shows_the_demo_data(db, client):
    call_command("seed_demo", verbosity=0)
    demo = Huvudman.objects.get(organisation_number=DEMO_ORGNR)
    done = {step.key: step.done for step in setup_checklist(demo).steps}
    assert (
        done["organisation"]
        == Organisation.objects.filter(
            huvudman=demo, type=OrganisationType.SKOLENHET, is_active=True
        ).exists()
    )
    assert done["organisation"]  # the demo municipality has its schools
    assert (
        done["campaign"]
        == Campaign.objects.filter(huvudman=demo).exclude(status=CampaignStatus.DRAFT).exists()
    )
    assert done["sign_in"] == (
        SamlIdentityProvider.objects.filter(huvudman=demo, enabled=True).exists()
        or OidcProvider.objects.filter(huvudman=demo, enabled=True).exists()
    )

    assert (
        client.post(
            reverse("login"), {"username": "strateg@sjovik.example", "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    home = client.get(reverse("home"))
    checklist = client.get(reverse("onboarding_checklist"))
    assert home.status_code == 200 and checklist.status_code == 200
    count = sum(done.values())
    assert f"{count} av 5 klart" in checklist.content.decode()
