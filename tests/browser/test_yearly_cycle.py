"""The yearly cycle, end to end, in a real browser (issue 6, item 5).

One journey with every persona of tests/conftest.py, through the UI wherever the UI offers it:

 1. the strategist imports the organisation (units, then people: preview, confirm), imports and
    publishes the self-assessment framework, adds an example activity to the library, creates a
    campaign for Almskolan and the imported Ängsskolan and opens it (the invitations go out);
 2. the leader of Almskolan submits the leader rating and prints a pupil group code;
 3. six staff of Almskolan (and one of Ängsskolan) answer through the personal links of their
    invitation e-mails; five pupils answer with the printed code;
 4. the strategist closes the campaign;
 5. the leader reads the unit's results, writes the plan from the suggestions (three goals, an
    activity from the library), names a staff member responsible and publishes it; the staff
    member marks the activity done under "Mina aktiviteter"; the leader follows the plan up;
 6. the strategist reads the organisation report and downloads it as PDF and XLSX, whose
    contents are checked against the database;
 7. the leader of Björkskolan gets 404 on Almskolan's plan and results; an anonymous visitor is
    sent to the login page.

Every page visited is scanned by axe and any console error fails the test (see conftest.py). The
texts asserted are the Swedish ones of digiplan/locale/sv (the browser asks for Swedish).
"""

import datetime
import io
import re
from pathlib import Path
from urllib.parse import urlencode, urlparse

import openpyxl
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import Page, expect

from digiplan.assessments.models import (
    Campaign,
    CampaignStatus,
    Group,
    LeaderRating,
    Participation,
    PupilCode,
    RatingStatus,
    Response,
)
from digiplan.frameworks.models import FrameworkVersion, VersionStatus
from digiplan.organisations.models import Membership, Organisation, Person
from digiplan.plans.models import Activity, ActivityStatus, Goal, LibraryActivity, Plan, PlanStatus
from tests.assessment_helpers import INDICATORS, open_ballots
from tests.browser.helpers import choose_person, flash, follow_up_plan, main_menu, sign_out, url, url_re
from tests.conftest import PASSWORD
from tests.pdf_helpers import flat, pdf_text

CYCLE = Path(__file__).resolve().parent.parent / "fixtures" / "cycle"
LINK = re.compile(r"https?://\S+?/svar/[\w-]+/")
LIBRARY_TITLE = "Verktygsstuga i arbetslaget"
# Staff of Almskolan: (LED.P1, KOMP.P1) on the agreement scale. They agree with the plan
# (mean 4,7) and not with their tools (mean 1,3): KOMP.P1 is suggested, and LED is an area where
# the leader (Ej planerad) and staff disagree.
ALMSKOLAN_ANSWERS = [(5, 1), (5, 2), (4, 1), (5, 1), (4, 2), (5, 1)]
AGREEMENT = {
    1: "Stämmer inte alls",
    2: "Stämmer dåligt",
    3: "Stämmer delvis",
    4: "Stämmer ganska bra",
    5: "Stämmer helt",
}
PUPILS = 5


def swedish_date(day: datetime.date) -> str:
    with translation.override("sv"):
        return formats.date_format(day, "j F Y")


# --- 1. The strategist sets up the year ----------------------------------------------------------


def import_file(page: Page, kind: str, path: Path, sections: list[str]) -> None:
    """Import → choose the kind → upload → the preview lists `sections` → "Importera filen"."""
    main_menu(page).get_by_role("link", name="Import", exact=True).click()
    page.wait_for_url(url_re("import_start"))
    expect(page.get_by_role("heading", level=1, name="Importera enheter och personer")).to_be_visible()
    page.get_by_role("radio", name=re.compile(rf"^{kind}")).check()
    page.set_input_files("input[name=files]", path)
    page.get_by_role("button", name="Visa vad som skulle ändras").click()
    page.wait_for_url(re.compile(r"/import/\d+/$"))
    expect(page.get_by_role("heading", level=1, name="Förhandsgranskning av import")).to_be_visible()
    expect(page.get_by_text(path.name)).to_be_visible()
    expect(page.locator("details.preview-section > summary")).to_have_text(sections)
    page.get_by_role("button", name="Importera filen", exact=True).click()
    page.wait_for_load_state()
    expect(flash(page)).to_contain_text("Importen är klar")


def import_the_organisation(page: Page, world) -> None:
    import_file(
        page, "Enheter", CYCLE / "enheter.csv", ["Enheter som läggs till (2)", "Enheter som ändras (1)"]
    )
    expect(page).to_have_url(url_re("organisation_tree"))
    tree = page.locator("table.tree-table")
    for name in ("Område Öster", "Ängsskolan", "Almskolan", "Björkskolan"):
        expect(tree.get_by_role("link", name=name, exact=True)).to_be_visible()
    angs = Organisation.objects.get(school_unit_code="44444444")
    assert angs.parent.name == "Område Öster" and angs.staff_count == 12

    import_file(
        page, "Personer", CYCLE / "personer.csv", ["Personer som läggs till (8)", "Roller som ges (8)"]
    )
    expect(page).to_have_url(url_re("people_list"))
    people = page.locator("main table tbody tr")
    expect(people.filter(has_text="Ingrid Rektor")).to_contain_text("Ängsskolan")
    expect(people.filter(has_text="Åsa Öberg")).to_contain_text("Almskolan")
    assert Membership.objects.filter(organisation=world.unit_a, role="staff").count() == 6
    assert Membership.objects.filter(organisation=angs, role="staff").count() == 2


def publish_the_framework(page: Page, world, tmp_path: Path) -> FrameworkVersion:
    yaml_file = tmp_path / "skattning-test.yaml"
    yaml_file.write_text(INDICATORS, encoding="utf-8")
    main_menu(page).get_by_role("link", name="Ramverk").click()
    page.wait_for_url(url_re("framework_list"))
    page.get_by_role("link", name="Importera en ramverksfil").click()
    page.wait_for_url(url_re("framework_import"))
    page.get_by_label("Ramverksfil (YAML)").set_input_files(yaml_file)
    page.get_by_role("button", name="Importera filen", exact=True).click()
    page.wait_for_url(re.compile(r"/ramverk/version/\d+/(#.*)?$"))
    expect(flash(page)).to_contain_text("Filen har importerats som utkast")
    expect(page.get_by_role("heading", level=1, name="Skattning (test)")).to_be_visible()
    expect(page.locator("p.lead .badge")).to_have_text("utkast")

    page.get_by_role("button", name="Publicera").click()
    page.wait_for_load_state()
    expect(page.locator("p.lead")).to_contain_text("v1, publicerad")
    expect(page.get_by_role("button", name="Publicera")).to_have_count(0)
    version = FrameworkVersion.objects.get(
        framework__slug="skattning-test", framework__huvudman=world.huvudman
    )
    assert version.status == VersionStatus.PUBLISHED
    return version


def add_library_entry(page: Page, world) -> None:
    main_menu(page).get_by_role("link", name="Exempel på aktiviteter").click()
    page.wait_for_url(url_re("library_list"))
    page.get_by_role("link", name="Nytt exempel").click()
    page.wait_for_url(url_re("library_create"))
    expect(page.get_by_role("heading", level=1, name="Nytt exempel på aktivitet")).to_be_visible()
    page.get_by_role("textbox", name="Titel").fill(LIBRARY_TITLE)
    page.get_by_role("textbox", name="Beskrivning").fill(
        "Arbetslaget prövar ett verktyg i taget och visar varandra hur det används."
    )
    group = page.locator("details.library-item-group").filter(has_text="Skattning (test)")
    group.locator("summary").click()
    group.get_by_role("checkbox", name="KOMP Kompetens").check()
    page.get_by_role("textbox", name="Ungefärlig tidsåtgång").fill("En termin")
    page.get_by_role("checkbox", name="Publicerad").check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(re.compile(r"/exempelaktiviteter/(\?.*)?(#.*)?$"))
    expect(flash(page)).to_contain_text(LIBRARY_TITLE)
    entry = LibraryActivity.objects.get(huvudman=world.huvudman, title=LIBRARY_TITLE)
    assert entry.is_published and [i.code for i in entry.items.all()] == ["KOMP"]


def create_and_open_the_campaign(page: Page, world) -> Campaign:
    main_menu(page).get_by_role("link", name="Skattning", exact=True).click()
    page.wait_for_url(url_re("campaign_list"))
    page.get_by_role("link", name="Ny skattningsomgång").click()
    page.wait_for_url(url_re("campaign_create"))
    page.get_by_role("combobox", name="Påståenden att skatta").select_option(label="Skattning (test) (v1)")
    page.get_by_role("checkbox", name="Elevenkät (anonym, med gruppkoder)").check()
    page.get_by_role("radio", name="De enheter som kryssas i nedan").check()
    page.get_by_role("checkbox", name="Almskolan", exact=True).check()
    page.get_by_role("checkbox", name="Ängsskolan", exact=True).check()
    page.get_by_role("button", name="Skapa omgången").click()

    page.wait_for_url(re.compile(r"/skattning/\d+/$"))
    campaign = Campaign.objects.get(huvudman=world.huvudman)
    assert {cu.unit.name for cu in campaign.units.all()} == {"Almskolan", "Ängsskolan"}
    expect(page.locator("main")).to_contain_text(
        "När du öppnar omgången får 8 personer i personalen ett e-postmeddelande med en personlig länk."
    )

    page.get_by_role("button", name="Öppna och skicka inbjudningar").click()
    page.wait_for_url(url_re("campaign_detail", campaign.pk))
    expect(flash(page).first).to_contain_text("Omgången är öppen.")
    expect(page.locator("ul.messages")).to_contain_text(
        "8 e-postmeddelanden med personliga länkar har skickats."
    )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    return campaign


# --- 2. The leader rates and prints a pupil code -----------------------------------------------


def leader_rates_and_prints_a_code(page: Page, world, campaign: Campaign) -> str:
    main_menu(page).get_by_role("link", name="Skattning", exact=True).click()
    page.wait_for_url(url_re("campaign_list"))
    units = page.locator("section").filter(has=page.get_by_role("heading", name="Dina enheter"))
    units.get_by_role("link", name="Inte påbörjad – ledningens skattning, Almskolan").click()
    page.wait_for_url(url_re("rating_edit", campaign.pk, world.unit_a.pk))
    expect(page.get_by_role("heading", level=1, name="Ledningens skattning, Almskolan")).to_be_visible()
    for code, level in (("LED.L1", "Ej planerad"), ("KOMP.L1", "Planerad")):
        page.get_by_role("group", name=re.compile(rf"^{re.escape(code)}\b")).get_by_role(
            "radio", name=level, exact=True
        ).check()
    page.get_by_role("textbox", name="Vilka som deltog").fill("Rektor och arbetslagsledarna")
    page.get_by_role("button", name="Skicka in", exact=True).click()
    # A summary first; the rating is final only when confirmed there.
    page.wait_for_url(url_re("rating_confirm", campaign.pk, world.unit_a.pk))
    page.get_by_role("button", name="Skicka in skattningen", exact=True).click()
    page.wait_for_url(url_re("rating_edit", campaign.pk, world.unit_a.pk))
    expect(flash(page)).to_contain_text("Skattningen har skickats in. Tack!")
    rating = LeaderRating.objects.get(campaign=campaign, unit=world.unit_a)
    assert rating.status == RatingStatus.SUBMITTED

    # A code for class 5A, then the sheet to print for the pupils.
    main_menu(page).get_by_role("link", name="Skattning", exact=True).click()
    page.wait_for_url(url_re("campaign_list"))
    page.get_by_role("link", name=f"Koder – {campaign}").click()
    page.wait_for_url(url_re("pupil_codes", campaign.pk))
    page.get_by_role("combobox", name="Skolenhet").select_option(str(world.unit_a.pk))
    page.get_by_role("textbox", name="Undervisningsgrupp").fill("5A")
    page.get_by_role("spinbutton", name="Antal elever i gruppen").fill(str(PUPILS))
    page.get_by_role("button", name="Skapa koden").click()
    page.wait_for_url(url_re("pupil_codes", campaign.pk))
    expect(flash(page)).to_contain_text("har skapats för 5A")

    page.get_by_role("link", name="Visa koderna för utskrift").click()
    page.wait_for_url(url_re("pupil_codes_print", campaign.pk))
    expect(page.get_by_role("heading", level=1, name="Elevkoder för utskrift")).to_be_visible()
    sheet = page.locator("section.code-sheet").filter(has_text="5A")
    expect(sheet.locator(".code-sheet-unit")).to_have_text("Almskolan")
    code = sheet.locator(".code-sheet-code").inner_text().strip()
    assert PupilCode.objects.get(code=code).capacity == PUPILS
    return code


# --- 3. Staff answer through their e-mailed links; pupils with the code ------------------------


def invitation_links(live_server) -> dict[str, str]:
    """E-mail address → the personal link of its invitation, on the test server."""
    links = {}
    for message in mail.outbox:
        if not message.subject.endswith("din personliga länk"):
            continue
        [link] = set(LINK.findall(message.body))
        links[message.to[0]] = live_server.url + urlparse(link).path
    return links


def answer_staff_questionnaire(page: Page, link: str, led: int, komp: int) -> None:
    page.goto(link)
    expect(page.locator(".questionnaire-part")).to_have_text("Del 1 av 2")
    expect(page.get_by_role("heading", level=1, name="Ledning")).to_be_visible()
    page.get_by_role("group", name=re.compile(r"Jag vet vad planen säger$")).get_by_role(
        "radio", name=AGREEMENT[led], exact=True
    ).check()
    page.locator("form.questionnaire-form").get_by_role("button", name="Nästa", exact=True).click()
    page.wait_for_url(re.compile(r"\?del=2(#.*)?$"))
    expect(page.get_by_role("heading", level=1, name="Kompetens")).to_be_visible()
    page.get_by_role("group", name=re.compile(r"Jag är trygg med verktygen$")).get_by_role(
        "radio", name=AGREEMENT[komp], exact=True
    ).check()
    page.locator("form.questionnaire-form").get_by_role("button", name="Skicka in", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1, name="Tack för dina svar!")).to_be_visible()


def staff_and_pupils_answer(page: Page, live_server, world, campaign: Campaign, code: str) -> None:
    links = invitation_links(live_server)
    almskolan = sorted(
        Participation.objects.filter(campaign=campaign, unit=world.unit_a).values_list(
            "person__email", flat=True
        )
    )
    angs = sorted(
        Participation.objects.filter(campaign=campaign, unit__name="Ängsskolan").values_list(
            "person__email", flat=True
        )
    )
    assert sorted(links) == sorted(almskolan + angs) and len(almskolan) == 6 and len(angs) == 2
    for email, (led, komp) in zip(almskolan, ALMSKOLAN_ANSWERS, strict=True):
        answer_staff_questionnaire(page, links[email], led, komp)
    answer_staff_questionnaire(page, links[angs[0]], 3, 3)
    # Sealed in the box until the campaign closes: nothing of it in the clear.
    assert [b.group for b in open_ballots(campaign)].count(Group.STAFF) == 7
    assert not Response.objects.filter(campaign=campaign).exists()

    for _pupil in range(PUPILS):
        page.goto(url(live_server, "pupil_start"))
        expect(page.get_by_role("heading", level=1, name="Elevenkät")).to_be_visible()
        page.get_by_role("textbox", name="Skriv koden du fått av din lärare").fill(code.lower())
        page.get_by_role("button", name="Börja").click()
        page.wait_for_url(url_re("pupil_questionnaire", code))
        expect(page.get_by_text("Almskolan · 5A")).to_be_visible()
        page.get_by_role("group", name=re.compile(r"Jag får hjälp när datorn krånglar$")).get_by_role(
            "radio", name="Stämmer ganska bra"
        ).check()
        page.get_by_role("button", name="Skicka mina svar").click()
        page.wait_for_url(url_re("pupil_done"))
        expect(page.get_by_role("heading", level=1, name="Tack!")).to_be_visible()
    assert [b.group for b in open_ballots(campaign)].count(Group.PUPIL) == PUPILS


# --- 4. The strategist closes the campaign -----------------------------------------------------


def close_the_campaign(page: Page, campaign: Campaign) -> None:
    main_menu(page).get_by_role("link", name="Skattning", exact=True).click()
    page.wait_for_url(url_re("campaign_list"))
    page.locator("main").get_by_role("link", name=campaign.name, exact=True).click()
    page.wait_for_url(url_re("campaign_detail", campaign.pk))
    progress = page.get_by_role("table").filter(has=page.locator("tfoot"))
    expect(progress.locator("tfoot")).to_contain_text("1 av 2 inskickade")
    page.get_by_role("link", name="Stäng omgången …").click()
    page.wait_for_url(url_re("campaign_close", campaign.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stänga")
    unsubmitted = page.locator("main ul").filter(has_text="Ängsskolan")
    expect(unsubmitted).to_have_text("Ängsskolan")
    page.get_by_role("button", name="Stäng omgången", exact=True).click()
    page.wait_for_url(url_re("campaign_detail", campaign.pk))
    expect(flash(page)).to_contain_text("Omgången är stängd. Inga fler svar tas emot.")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED


# --- 5. The plan: from the results, done, followed up ------------------------------------------


def accept(page: Page, code: str, *, library: str | None = None) -> None:
    suggestion = page.locator("article.plan-suggestion").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(code)))
    )
    if library:
        suggestion.get_by_label(library).check()
    suggestion.get_by_role("button", name=re.compile(f"^Anta.*{re.escape(code)}")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_be_visible()


def leader_writes_the_plan(page: Page, live_server, world, campaign: Campaign) -> Plan:
    main_menu(page).get_by_role("link", name="Planer").click()
    page.wait_for_url(url_re("plan_list"))
    expect(page.get_by_role("heading", level=1, name="Digitaliseringsplaner")).to_be_visible()
    new_plan = page.locator("section").filter(has=page.get_by_role("heading", name="Ny plan"))
    new_plan.get_by_role("combobox").select_option(label="Almskolan")
    new_plan.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(re.compile(re.escape(reverse("plan_create")) + r"\?"))
    expect(page.get_by_role("heading", level=1, name="Ny plan")).to_be_visible()
    expect(page.locator("p.lead")).to_contain_text("En plan för Almskolan.")
    page.get_by_role("button", name="Skapa planen").click()
    page.wait_for_url(re.compile(r"/planer/\d+/(#.*)?$"))
    plan = Plan.objects.get(organisation=world.unit_a)
    assert plan.status == PlanStatus.DRAFT and plan.school_year == campaign.school_year

    # The results beside the plan, and the unit's full results one link away.
    results = page.locator("section").filter(has=page.get_by_role("heading", name="Senaste resultat"))
    expect(results).to_contain_text(f"{campaign.name} {campaign.school_year}")
    results.get_by_role("link", name="Alla resultat för enheten").click()
    page.wait_for_url(url_re("results_unit", campaign.pk, world.unit_a.pk))
    expect(page.get_by_role("heading", level=1, name="Resultat för Almskolan")).to_be_visible()
    expect(page.locator(".results-about")).to_contain_text("6 i personalen har svarat")
    per_area = page.get_by_role("table", name=re.compile("per område"))
    expect(per_area.get_by_role("row").filter(has_text="KOMP Kompetens")).to_contain_text("1,3")
    page.go_back()
    page.wait_for_url(url_re("plan_detail", plan.pk))

    suggestions = page.locator("article.plan-suggestion")
    expect(suggestions).to_have_count(4)
    accept(page, "LED.L1")
    accept(page, "KOMP.P1", library=LIBRARY_TITLE)
    accept(page, "KOMP.L1")
    expect(suggestions).to_have_count(1)  # the disagreement on LED is left
    goals = Goal.objects.filter(plan=plan)
    assert sorted(g.items.get().code for g in goals) == ["KOMP.L1", "KOMP.P1", "LED.L1"]
    assert goals.get(items__code="KOMP.P1").baseline_text.endswith("(6 svar)")
    activity = Activity.objects.get(plan=plan)
    assert activity.title == LIBRARY_TITLE

    # The copied activity gets a responsible member of staff and dates.
    today = timezone.localdate()
    due = today + datetime.timedelta(days=60)
    page.get_by_role("link", name=LIBRARY_TITLE).first.click()
    page.wait_for_url(url_re("activity_detail", activity.pk))
    page.get_by_role("link", name="Ändra").click()
    page.wait_for_url(url_re("activity_edit", activity.pk))
    choose_person(page, "Ansvarig person", world.staff.name)
    page.get_by_label("Startdatum").fill(today.isoformat())
    page.get_by_label("Klart senast").fill(due.isoformat())
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(url_re("activity_detail", activity.pk))
    activity.refresh_from_db()
    assert activity.owner == world.staff and activity.due_on == due

    page.get_by_role("link", name=plan.title).first.click()
    page.wait_for_url(url_re("plan_detail", plan.pk))
    page.get_by_role("button", name="Publicera planen").click()
    page.wait_for_load_state()
    expect(page.locator(".plan-status")).to_have_text("Publicerad")
    return plan


def staff_marks_the_activity_done(page: Page, world) -> None:
    main_menu(page).get_by_role("link", name="Mina aktiviteter").click()
    page.wait_for_url(url_re("my_activities"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=LIBRARY_TITLE))
    expect(row).to_contain_text("Almskolan")
    activity = Activity.objects.get(title=LIBRARY_TITLE)
    expect(row).to_contain_text(swedish_date(activity.due_on))
    row.get_by_role("button", name=re.compile("^Markera som klar")).click()
    page.wait_for_load_state()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE


def leader_follows_the_plan_up(page: Page, plan: Plan) -> None:
    main_menu(page).get_by_role("link", name="Planer").click()
    page.wait_for_url(url_re("plan_list"))
    page.locator("main").get_by_role("link", name=plan.title).click()
    page.wait_for_url(url_re("plan_detail", plan.pk))
    page.get_by_role("link", name="Följ upp planen").click()
    page.wait_for_url(url_re("plan_follow_up", plan.pk))
    follow_up_plan(
        page,
        Goal.objects.filter(plan=plan).order_by("order"),
        LIBRARY_TITLE,
        "Verktygsstugan blev av; planen för ledningen återstår.",
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FOLLOWED_UP


# --- 6. The organisation report, on the page and as files -----------------------------------------


def download(page: Page, fmt: str, year: str):
    """Click the report's download link for fmt (it keeps the chosen year) and return it."""
    link = page.get_by_role("list", name="Ladda ner rapporten").get_by_role(
        "link", name={"pdf": "PDF", "xlsx": "Excel (XLSX)"}[fmt], exact=True
    )
    expect(link).to_have_attribute(
        "href",
        re.compile(
            re.escape(reverse("report_org_export", args=[fmt]))
            + r"\?.*ar="
            + re.escape(urlencode({"ar": year})[3:])
        ),
    )
    with page.expect_download() as info:
        link.click()
    return info.value


def strategist_reads_the_organisation_report(page: Page, world, campaign: Campaign) -> None:
    year = campaign.school_year
    main_menu(page).get_by_role("link", name="Rapporter").click()
    page.wait_for_url(url_re("report_list"))
    page.get_by_role("link", name="Uppföljningsrapport").click()
    page.wait_for_url(re.compile(re.escape(reverse("report_org")) + r"(\?.*)?$"))
    page.get_by_role("combobox", name="Läsår").select_option(year)
    page.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_url(re.compile(re.escape(reverse("report_org")) + r"\?ar=" + r"[^&]*"))
    expect(page.get_by_role("heading", level=1, name=f"Uppföljningsrapport {year}")).to_be_visible()
    participation = page.get_by_role("table").filter(
        has=page.locator("caption", has_text="Personal som har svarat")
    )
    almskolan = participation.get_by_role("row").filter(has=page.get_by_role("link", name="Almskolan"))
    expect(almskolan.get_by_role("cell")).to_have_text(["6", "6", "100 %", str(PUPILS)])
    angs = participation.get_by_role("row").filter(has=page.get_by_role("link", name="Ängsskolan"))
    expect(angs.get_by_role("cell")).to_have_text(["2", "1", "50 %", "0"])

    # PDF: the organisation and the framework's areas. STEP TO ENABLE FULLY: the page has no
    # download links yet, see download() — the address is the real report_org_export view.
    pdf = download(page, "pdf", year)
    assert pdf.suggested_filename.endswith(".pdf"), pdf.suggested_filename
    content = pdf.path().read_bytes()
    assert content.startswith(b"%PDF-")
    text = flat(pdf_text(content))
    for expected in (world.huvudman.name, "Ledning", "Kompetens", f"Uppföljningsrapport {year}"):
        assert expected in text, f"{expected!r} not in the PDF's text: {text[:400]}"

    # XLSX: the participation sheet holds the database's counts, as numbers.
    xlsx = download(page, "xlsx", year)
    assert xlsx.suggested_filename.endswith(".xlsx"), xlsx.suggested_filename
    book = openpyxl.load_workbook(io.BytesIO(xlsx.path().read_bytes()), read_only=True)
    assert "Deltagande" in book.sheetnames, book.sheetnames
    rows = list(book["Deltagande"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Enhet", "Tillfrågade", "Svarat", "Svarsfrekvens (%)", "Elevsvar")
    by_unit = {row[0]: row[1:] for row in rows[1:]}
    for cu in campaign.units.select_related("unit"):
        asked = Participation.objects.filter(campaign=campaign, unit=cu.unit)
        expected = (asked.count(), asked.filter(answered=True).count())
        pupils = Response.objects.filter(campaign=campaign, unit=cu.unit, group=Group.PUPIL).count()
        assert by_unit[cu.unit.name][:2] == expected, (cu.unit.name, by_unit)
        assert by_unit[cu.unit.name][3] == pupils, (cu.unit.name, by_unit)
    assert by_unit["Almskolan"][:2] == (6, 6) and by_unit["Ängsskolan"][:2] == (2, 1)
    assert by_unit["Alla enheter"][:2] == (8, 7)


# --- 7. Who may not look -------------------------------------------------------------------------


def others_are_kept_out(page: Page, live_server, world, login, plan: Plan, campaign: Campaign) -> None:
    login(world.leader_b.email, PASSWORD)
    for name, args in (("plan_detail", (plan.pk,)), ("results_unit", (campaign.pk, world.unit_a.pk))):
        response = page.goto(url(live_server, name, *args))
        assert response.status == 404, (name, response.status)
        expect(page.locator("main")).not_to_contain_text("Verktygsstuga")
    sign_out(page)

    page.goto(url(live_server, "plan_detail", plan.pk))
    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + r"\?next="))
    expect(page.locator("input[name=password]")).to_be_visible()


# --- The journey --------------------------------------------------------------------------------


def test_the_yearly_cycle_end_to_end(page: Page, live_server, world, login, tmp_path):
    mail.outbox.clear()
    login(world.strategist.email, PASSWORD)
    import_the_organisation(page, world)
    publish_the_framework(page, world, tmp_path)
    add_library_entry(page, world)
    campaign = create_and_open_the_campaign(page, world)
    assert len(mail.outbox) == 8
    assert {m.to[0] for m in mail.outbox} >= {world.staff.email, "asa.oberg@sjovik.test"}
    sign_out(page)

    login(world.leader_a.email, PASSWORD)
    code = leader_rates_and_prints_a_code(page, world, campaign)
    sign_out(page)

    staff_and_pupils_answer(page, live_server, world, campaign, code)

    login(world.strategist.email, PASSWORD)
    close_the_campaign(page, campaign)
    sign_out(page)

    login(world.leader_a.email, PASSWORD)
    plan = leader_writes_the_plan(page, live_server, world, campaign)
    sign_out(page)

    login(world.staff.email, PASSWORD)
    staff_marks_the_activity_done(page, world)
    sign_out(page)

    login(world.leader_a.email, PASSWORD)
    leader_follows_the_plan_up(page, plan)
    sign_out(page)

    login(world.strategist.email, PASSWORD)
    strategist_reads_the_organisation_report(page, world, campaign)
    sign_out(page)

    others_are_kept_out(page, live_server, world, login, plan, campaign)
    assert Person.objects.filter(huvudman=world.huvudman).count() == 4 + 8
