"""The coverage page in a real browser: a unit leader opens the organisation's plan, sees how
much of the strategy in force it covers and where the holes are, compares it with the historical
2017 strategy (its badge says so) and follows a covering item to its chain of steering.

Every page visited is scanned by axe and any console error fails the test (see conftest.py).
"""

from django.urls import reverse
from playwright.sync_api import expect

from digiplan.frameworks.exchange import import_framework
from digiplan.frameworks.models import Framework
from tests.browser.helpers import url_re
from tests.conftest import PASSWORD
from tests.frameworks.test_coverage import MIDDLE, OLD, PLAN, REFERENCE


def test_a_leader_reads_the_plans_coverage_and_its_holes(page, live_server, world, login):
    import_framework(OLD, huvudman=None, actor=None, publish=True)
    import_framework(REFERENCE, huvudman=None, actor=None, publish=True)
    import_framework(MIDDLE, huvudman=None, actor=None, publish=True)
    plan = import_framework(PLAN, huvudman=world.huvudman, actor=world.strategist, publish=True)
    login(world.leader_a.email, PASSWORD)

    page.goto(live_server.url + reverse("framework_list"))
    expect(page.get_by_text("Historisk – gällde 2017–2022")).to_be_visible()
    page.goto(live_server.url + reverse("version_detail", args=[plan.pk]))
    page.get_by_role("link", name="Täckning av nationella ramverk").click()
    page.wait_for_url(url_re("version_coverage", plan.pk))
    expect(page.get_by_role("heading", level=1, name="Täckning av nationella ramverk")).to_be_visible()
    expect(page.get_by_text("Din plan täcker 3 av 4 mål.")).to_be_visible()
    hole = page.get_by_role("row", name="B.1 Säker data")
    expect(hole).to_contain_text("Inte täckt")

    page.get_by_label("Jämför med").select_option(
        label="Gammal strategi (test) – Historisk – gällde 2017–2022"
    )
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url(url_re("version_coverage", plan.pk, query=f"?mot={_old_pk()}"))
    expect(page.get_by_text("Din plan täcker 0 av 1 mål.")).to_be_visible()
    expect(page.get_by_text("Det här ramverket gäller inte längre.", exact=False)).to_be_visible()

    page.get_by_label("Jämför med").select_option(label="Nationell strategi 2025 (test) – Gällande 2025–2030")
    page.get_by_role("button", name="Visa").click()
    page.get_by_role("row", name="A.2 Personalens kompetens").get_by_role(
        "link", name="P1.1 Personalen fortbildas"
    ).click()
    page.wait_for_url(url_re("item_chain", plan.items.get(code="P1.1").pk))
    expect(page.get_by_role("heading", level=1, name="Styrkedja")).to_be_visible()


def _old_pk() -> int:
    return Framework.objects.get(slug="gammal-test").pk
