"""Campaign pages: creating, opening with e-mailed links, progress, reminders, closing, pupil
codes, and the list each persona sees."""

import datetime
import re
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from digiplan.assessments import services
from digiplan.assessments.forms import ERROR_SCHOOL_YEAR
from digiplan.assessments.models import (
    Campaign,
    CampaignStatus,
    Participation,
    PupilCode,
    RatingStatus,
)
from digiplan.audit.models import AuditEvent
from digiplan.frameworks.exchange import import_framework
from digiplan.organisations import services as org_services
from digiplan.organisations.models import Role
from tests.assessment_helpers import INDICATORS, build_campaign

LINK = re.compile(r"https?://\S+/svar/(?P<token>[\w-]+)/")


def _swedish(message) -> str:
    with translation.override("sv"):
        return escape(str(message))


def _version(world):
    return import_framework(INDICATORS, huvudman=world.huvudman, actor=None, publish=True)


def _form(version, **changes):
    today = timezone.localdate()
    data = {
        "name": "Skattning hösten",
        "school_year": "2026/27",
        "framework_version": version.pk,
        "include_leader": "on",
        "include_staff": "on",
        "unit_choice": "all",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=21)).isoformat(),
        "k": "5",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _add_staff(world, unit, count, prefix):
    people = []
    for i in range(count):
        person = org_services.person_create(
            actor=None, huvudman=world.huvudman, name=f"{prefix} {i}", email=f"{prefix}{i}@sjovik.test"
        )
        org_services.membership_create(actor=None, person=person, organisation=unit, role=Role.STAFF)
        people.append(person)
    return people


# ---- Create ------------------------------------------------------------------------------------


def test_strategist_creates_a_campaign_for_all_units(world, client_for):
    version = _version(world)
    response = client_for("strategist").post(reverse("campaign_create"), _form(version))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign_detail", args=[campaign.pk])
    assert campaign.status == CampaignStatus.DRAFT and campaign.k == 5
    assert set(campaign.units.values_list("unit", flat=True)) == {world.unit_a.pk, world.unit_b.pk}
    assert AuditEvent.objects.filter(action="campaign.create", actor=world.strategist).exists()


def test_units_can_be_chosen_by_school_form_or_by_hand(world, client_for):
    version = _version(world)
    client = client_for("strategist")
    client.post(reverse("campaign_create"), _form(version, unit_choice="forms", school_forms=["FTH"]))
    client.post(
        reverse("campaign_create"),
        _form(version, name="För hand", unit_choice="hand", units=[str(world.unit_a.pk)]),
    )
    by_form, by_hand = Campaign.objects.order_by("pk")
    assert list(by_form.units.values_list("unit", flat=True)) == [world.unit_b.pk]
    assert list(by_hand.units.values_list("unit", flat=True)) == [world.unit_a.pk]


def test_the_create_form_groups_units_under_their_area_and_explains_k(world, client_for):
    _version(world)
    page = client_for("strategist").get(reverse("campaign_create")).content.decode()
    assert "<legend>Område Norr</legend>" in page
    assert "Almskolan" in page and "Björkskolan" in page and "Ekskolan" not in page
    assert 'name="k"' in page and 'value="5"' in page and 'min="3"' in page


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"closes_on": timezone.localdate().isoformat()}, services.ERROR_DATES),
        ({"school_year": "2026/28"}, ERROR_SCHOOL_YEAR),
        ({"unit_choice": "hand"}, services.ERROR_UNITS),
        ({"unit_choice": "forms"}, None),
    ],
)
def test_bad_input_is_refused_with_a_message_and_stores_nothing(world, client_for, changes, message):
    version = _version(world)
    response = client_for("strategist").post(reverse("campaign_create"), _form(version, **changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="notice notice-error"' in page
    if message is not None:
        assert _swedish(message) in page
    assert not Campaign.objects.exists()


def test_k_below_three_is_refused_in_swedish(world, client_for):
    version = _version(world)
    response = client_for("strategist").post(reverse("campaign_create"), _form(version, k="2"))
    assert "större än eller lika med 3" in response.content.decode()
    assert not Campaign.objects.exists()


def test_another_huvudmans_unit_cannot_be_slipped_in(world, client_for):
    version = _version(world)
    response = client_for("strategist").post(
        reverse("campaign_create"),
        _form(version, unit_choice="hand", units=[str(world.unit_a.pk), str(world.other_unit.pk)]),
    )
    assert _swedish(services.ERROR_UNITS) in response.content.decode()
    assert not Campaign.objects.exists()


def test_another_huvudmans_framework_cannot_be_used(world, client_for):
    version = _version(world)
    response = client_for("other_strategist").post(reverse("campaign_create"), _form(version))
    assert _swedish(services.ERROR_VERSION) in response.content.decode()
    assert not Campaign.objects.exists()


# ---- Open, invitations, progress ---------------------------------------------------------------


def test_opening_mails_each_staff_member_a_working_personal_link(
    world, client_for, django_capture_on_commit_callbacks
):
    fx = build_campaign(world, open_it=False)
    colleagues = _add_staff(world, world.unit_b, 2, "kollega")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("strategist").post(reverse("campaign_open", args=[fx.campaign.pk]))
    assert response.status_code == 302
    participations = Participation.objects.filter(campaign=fx.campaign).select_related("person")
    assert {p.person for p in participations} == {world.staff, *colleagues}
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.person.email for p in participations)
    for message in mail.outbox:
        link = LINK.search(message.body)
        assert link and message.body.count(link.group(0)) == 1
        assert link.group(0).startswith(settings.SITE_URL.rstrip("/") + "/svar/")
        participation = services.participation_for_token(link.group("token"))
        assert participation.person.email == message.to[0]
        assert participation.invited_at is not None
        assert client_for("anonymous").get(urlparse(link.group(0)).path).status_code == 200
    assert "Almskolan" in next(m.body for m in mail.outbox if m.to == [world.staff.email])


def test_opening_twice_sends_nothing_more(world, client_for, django_capture_on_commit_callbacks):
    fx = build_campaign(world)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("strategist").post(reverse("campaign_open", args=[fx.campaign.pk]))
    assert mail.outbox == []
    assert Participation.objects.filter(campaign=fx.campaign).count() == 1


def test_progress_shows_the_counts_of_the_raw_rows(world, client_for):
    _add_staff(world, world.unit_a, 3, "a-personal")
    _add_staff(world, world.unit_b, 2, "b-personal")
    fx = build_campaign(world)
    campaign = fx.campaign
    answers = {str(fx.items["LED.P1"].pk): 4}
    for participation in Participation.objects.filter(campaign=campaign).order_by("pk")[::2]:
        services.response_submit(participation=participation, answers=answers)
    code = services.pupil_code_create(
        actor=None, campaign=campaign, unit=world.unit_b, label="6B", capacity=20
    )
    for _ in range(3):
        services.pupil_submit(code=code, answers={str(fx.items["KOMP.E1"].pk): 5})
    rating = services.rating_for(campaign, world.unit_a)
    services.rating_save(actor=world.leader_a, rating=rating, answers={}, comments={}, submit=True)

    response = client_for("strategist").get(reverse("campaign_detail", args=[campaign.pk]))
    page = response.content.decode()
    expected_total = [0, 0]
    for unit in (world.unit_a, world.unit_b):
        rows = Participation.objects.filter(campaign=campaign, unit=unit)
        asked, answered = rows.count(), rows.filter(answered=True).count()
        expected_total[0] += asked
        expected_total[1] += answered
        assert f'<progress max="{asked}" value="{answered}"' in page
    row_b = next(r for r in response.context["rows"] if r["unit"] == world.unit_b)
    assert (row_b["pupils"], row_b["pupil_places"]) == (3, 20)
    row_a = next(r for r in response.context["rows"] if r["unit"] == world.unit_a)
    assert row_a["rating"].status == RatingStatus.SUBMITTED
    totals = response.context["totals"]
    assert (totals["asked"], totals["answered"]) == tuple(expected_total) == (6, 3)
    assert totals["percent"] == 50 and totals["submitted"] == 1
    assert '<progress max="6" value="3"' in page


# ---- Reminders and closing ---------------------------------------------------------------------


def test_reminders_send_new_links_and_the_old_ones_stop_working(
    world, client_for, django_capture_on_commit_callbacks
):
    colleagues = _add_staff(world, world.unit_a, 2, "glomsk")
    fx = build_campaign(world)
    old = {Participation.objects.get(pk=pk).person_id: token for pk, token in fx.tokens.items()}
    done = Participation.objects.get(campaign=fx.campaign, person=colleagues[0])
    services.response_submit(participation=done, answers={})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("strategist").post(reverse("campaign_remind", args=[fx.campaign.pk]))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.staff.email, colleagues[1].email])
    for message in mail.outbox:
        token = LINK.search(message.body).group("token")
        participation = services.participation_for_token(token)
        assert participation.person.email == message.to[0]
        assert services.participation_for_token(old[participation.person_id]) is None
        assert token != old[participation.person_id]
        assert participation.reminded_at is not None
    # The one who answered keeps the link they used; nobody mails it again.
    assert services.participation_for_token(old[colleagues[0].pk]).pk == done.pk
    assert AuditEvent.objects.filter(action="campaign.remind").exists()


def test_closing_asks_first_and_then_closes(world, client_for):
    fx = build_campaign(world)
    client = client_for("strategist")
    url = reverse("campaign_close", args=[fx.campaign.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "notice-warning" in confirm.content.decode()
    fx.campaign.refresh_from_db()
    assert fx.campaign.status == CampaignStatus.OPEN
    assert client.post(url).status_code == 302
    fx.campaign.refresh_from_db()
    assert fx.campaign.status == CampaignStatus.CLOSED


@pytest.mark.parametrize("persona, status", [("leader_a", 403), ("staff", 403), ("other_strategist", 404)])
def test_only_the_own_strategist_opens_reminds_and_closes(world, client_for, persona, status):
    fx = build_campaign(world, open_it=False)
    client = client_for(persona)
    for name in ("campaign_open", "campaign_remind", "campaign_close"):
        assert client.post(reverse(name, args=[fx.campaign.pk])).status_code == status
    fx.campaign.refresh_from_db()
    assert fx.campaign.status == CampaignStatus.DRAFT
    assert not Participation.objects.exists() and mail.outbox == []


# ---- Pupil codes -------------------------------------------------------------------------------


def test_a_leader_makes_a_code_for_a_group_and_prints_it(world, client_for):
    fx = build_campaign(world)
    client = client_for("leader_a")
    url = reverse("pupil_codes", args=[fx.campaign.pk])
    response = client.post(url, {"unit": world.unit_a.pk, "label": "6B", "capacity": "24"})
    assert response.status_code == 302
    code = PupilCode.objects.get()
    assert (code.unit, code.label, code.capacity, code.used) == (world.unit_a, "6B", 24, 0)
    printed = client.get(reverse("pupil_codes_print", args=[fx.campaign.pk])).content.decode()
    assert code.code in printed and "6B" in printed and "Almskolan" in printed
    assert settings.SITE_URL.rstrip("/") + "/elev/" in printed


def test_a_leader_cannot_make_codes_for_another_unit(world, client_for):
    fx = build_campaign(world)
    response = client_for("leader_a").post(
        reverse("pupil_codes", args=[fx.campaign.pk]),
        {"unit": world.unit_b.pk, "label": "6B", "capacity": "24"},
    )
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert not PupilCode.objects.exists()
    page = client_for("leader_b").get(reverse("pupil_codes", args=[fx.campaign.pk]))
    assert "Björkskolan" in page.content.decode() and "Almskolan" not in page.content.decode()


@pytest.mark.parametrize("capacity", ["0", "201", "många"])
def test_a_code_needs_a_sensible_group_size(world, client_for, capacity):
    fx = build_campaign(world)
    response = client_for("strategist").post(
        reverse("pupil_codes", args=[fx.campaign.pk]),
        {"unit": world.unit_a.pk, "label": "6B", "capacity": capacity},
    )
    assert response.status_code == 200
    assert not PupilCode.objects.exists()


def test_no_pupil_codes_for_a_campaign_without_pupils(world, client_for):
    fx = build_campaign(world, include_pupils=False)
    assert client_for("strategist").get(reverse("pupil_codes", args=[fx.campaign.pk])).status_code == 404


# ---- The list each persona sees ----------------------------------------------------------------


def test_the_list_shows_each_persona_their_own_way_in(world, client_for):
    fx = build_campaign(world)
    campaign = fx.campaign
    strategist = client_for("strategist").get(reverse("campaign_list")).content.decode()
    assert reverse("campaign_detail", args=[campaign.pk]) in strategist
    assert reverse("campaign_create") in strategist
    leader = client_for("leader_a").get(reverse("campaign_list")).content.decode()
    assert reverse("rating_edit", args=[campaign.pk, world.unit_a.pk]) in leader
    assert reverse("rating_edit", args=[campaign.pk, world.unit_b.pk]) not in leader
    assert f'href="{reverse("campaign_detail", args=[campaign.pk])}"' not in leader
    staff = client_for("staff").get(reverse("campaign_list")).content.decode()
    assert (
        'href="/svar/"' in staff and reverse("rating_edit", args=[campaign.pk, world.unit_a.pk]) not in staff
    )
    other = client_for("other_strategist").get(reverse("campaign_list")).content.decode()
    assert "Almskolan" not in other and "Skattning 2026/27" not in other


@pytest.mark.django_db(transaction=True)  # real commits: the immediate task runs after them
def test_a_mail_server_failure_opens_the_campaign_and_says_to_send_reminders(world, client_for, settings):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    fx = build_campaign(world, open_it=False)
    client = client_for("strategist")
    response = client.post(reverse("campaign_open", args=[fx.campaign.pk]), follow=True)
    fx.campaign.refresh_from_db()
    assert fx.campaign.status == CampaignStatus.OPEN
    assert 'class="notice notice-warning"' in response.content.decode()
    assert reverse("campaign_remind", args=[fx.campaign.pk]) in response.content.decode()
    assert not Participation.objects.filter(invited_at__isnull=False).exists()
