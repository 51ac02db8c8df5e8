"""Campaign pages: the list everyone sees, creating, opening (with the e-mailed invitations),
watching progress, reminding, closing, and the pupil group codes."""

import datetime
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from digiplan.assessments import services
from digiplan.assessments.forms import CampaignForm, PupilCodeForm
from digiplan.assessments.models import (
    Campaign,
    CampaignStatus,
    CampaignUnit,
    LeaderRating,
    Participation,
    PupilCode,
)
from digiplan.assessments.tasks import batches, send_invitations, send_reminders
from digiplan.audit.services import audit_record
from digiplan.frameworks.models import FrameworkVersion, Item, ItemKind, VersionStatus
from digiplan.lib import schoolyear
from digiplan.organisations.access import can_manage, is_strategist, managed_nodes, memberships_of
from digiplan.organisations.models import OrganisationType, Role

log = logging.getLogger(__name__)

LEADING_ROLES = (Role.UNIT_LEADER, Role.COORDINATOR)


# ---- Who may do what ---------------------------------------------------------------------------


def campaign_for_user(request, pk: int) -> tuple[Campaign, bool]:
    """The campaign and whether the person runs it (a strategist of its huvudman); 404 for
    another huvudman's campaign, so its ids reveal nothing."""
    campaign = (
        Campaign.objects.select_related("framework_version__framework")
        .filter(pk=pk, huvudman_id=request.user.huvudman_id)
        .first()
    )
    if campaign is None or request.user.huvudman_id is None:
        raise Http404
    return campaign, is_strategist(request.user)


def _managed_campaign(request, pk: int) -> Campaign:
    campaign, runs_it = campaign_for_user(request, pk)
    if not runs_it:
        raise PermissionDenied
    return campaign


def _leading_paths(person) -> list[str]:
    return list(
        memberships_of(person).filter(role__in=LEADING_ROLES).values_list("organisation__path", flat=True)
    )


def leads(person, unit) -> bool:
    """A unit leader or coordinator whose membership reaches the unit."""
    return unit.huvudman_id == person.huvudman_id and any(
        unit.path.startswith(path) for path in _leading_paths(person)
    )


def units_acted_for(person, campaign: Campaign) -> list:
    """The campaign's units the person leads, coordinates or manages as a strategist."""
    paths = _leading_paths(person)
    units = [cu.unit for cu in campaign.units.select_related("unit").order_by("unit__name")]
    return [u for u in units if can_manage(person, u) or any(u.path.startswith(p) for p in paths)]


def _paths_filter(field: str, paths: list[str]) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def _crumbs(*pairs) -> list[dict]:
    return [{"label": label, "url": url} for label, url in pairs]


def _list_crumb():
    return (_("Self-assessment"), reverse("campaign_list"))


def _url_or(name: str, fallback: str, **kwargs) -> str:
    """The answering pages are built beside this part; until their names exist, the path."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return fallback


# ---- List and create ---------------------------------------------------------------------------


@login_required
def campaign_list(request):
    user = request.user
    runs_campaigns = is_strategist(user)
    campaigns = []
    if runs_campaigns:
        campaigns = (
            Campaign.objects.filter(huvudman_id=user.huvudman_id)
            .annotate(unit_count=Count("units"))
            .select_related("framework_version__framework")
        )
    led = []
    paths = _leading_paths(user)
    if paths:
        led = list(
            CampaignUnit.objects.filter(
                _paths_filter("unit__path", paths),
                campaign__huvudman_id=user.huvudman_id,
                campaign__status__in=[CampaignStatus.OPEN, CampaignStatus.CLOSED],
            )
            .select_related("campaign", "unit")
            .order_by("-campaign__school_year", "unit__name")
        )
        ratings = {
            (r.campaign_id, r.unit_id): r
            for r in LeaderRating.objects.filter(campaign__in={cu.campaign_id for cu in led})
        }
        for cu in led:
            cu.rating = ratings.get((cu.campaign_id, cu.unit_id))
    invited = Participation.objects.filter(person=user, campaign__status=CampaignStatus.OPEN).select_related(
        "campaign", "unit"
    )
    return render(
        request,
        "assessments/campaigns/list.html",
        {
            "campaigns": campaigns,
            "runs_campaigns": runs_campaigns,
            "led": led,
            "invited": invited,
            "survey_url": _url_or("survey_start", "/svar/"),
            "breadcrumbs": [],
        },
    )


@login_required
def campaign_create(request):
    if not is_strategist(request.user):
        raise PermissionDenied
    huvudman = request.user.huvudman
    versions = (
        FrameworkVersion.objects.filter(
            Q(framework__huvudman__isnull=True) | Q(framework__huvudman=huvudman),
            status=VersionStatus.PUBLISHED,
            pk__in=Item.objects.filter(kind=ItemKind.INDICATOR).values("version"),
        )
        .select_related("framework")
        .order_by("framework__name", "-number")
    )
    units = list(
        managed_nodes(request.user)
        .filter(type=OrganisationType.SKOLENHET, is_active=True)
        .select_related("parent")
        .prefetch_related("school_forms")
        .order_by("parent__path", "name")
    )
    today = timezone.localdate()
    form = CampaignForm(
        request.POST or None,
        versions=versions,
        units=units,
        initial={
            "school_year": schoolyear.of(today),
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=28),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user,
                huvudman=huvudman,
                name=data["name"],
                school_year=data["school_year"],
                framework_version=data["framework_version"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                units=data["chosen_units"],
                k=data["k"],
                include_leader=data["include_leader"],
                include_staff=data["include_staff"],
                include_pupils=data["include_pupils"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The campaign was created. Check it, then open it."))
            return redirect("campaign_detail", pk=campaign.pk)
    return render(
        request,
        "assessments/campaigns/create.html",
        {
            "form": form,
            "has_units": bool(units),
            "has_versions": versions.exists(),
            "breadcrumbs": _crumbs(_list_crumb(), (_("New campaign"), None)),
        },
    )


# ---- Progress ----------------------------------------------------------------------------------


def campaign_progress(campaign: Campaign) -> tuple[list[dict], dict]:
    """Per unit: staff asked and answered, the leader rating's status, pupil answers and code
    places; and the totals. A handful of grouped queries, whatever the number of units."""
    opened = campaign.status != CampaignStatus.DRAFT
    staff = {
        row["unit"]: row
        for row in Participation.objects.filter(campaign=campaign)
        .values("unit")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    }
    # Pupils' answers are sealed until closing: the seats taken on the codes count them.
    pupils = {
        row["unit"]: row["n"] or 0
        for row in PupilCode.objects.filter(campaign=campaign).values("unit").annotate(n=Sum("used"))
    }
    places = {
        row["unit"]: row["n"]
        for row in PupilCode.objects.filter(campaign=campaign).values("unit").annotate(n=Sum("capacity"))
    }
    ratings = {r.unit_id: r for r in LeaderRating.objects.filter(campaign=campaign)}
    rows = []
    for cu in campaign.units.select_related("unit").order_by("unit__name"):
        counts = staff.get(cu.unit_id, {})
        asked = counts.get("asked", 0) if opened else cu.staff_expected
        answered = counts.get("answered", 0)
        rows.append(
            {
                "unit": cu.unit,
                "asked": asked,
                "answered": answered,
                "percent": round(100 * answered / asked) if asked else 0,
                "rating": ratings.get(cu.unit_id),
                "pupils": pupils.get(cu.unit_id, 0),
                "pupil_places": places.get(cu.unit_id, 0),
                "pupils_expected": cu.pupils_expected,
            }
        )
    asked, answered = sum(r["asked"] for r in rows), sum(r["answered"] for r in rows)
    totals = {
        "asked": asked,
        "answered": answered,
        "percent": round(100 * answered / asked) if asked else 0,
        "pupils": sum(r["pupils"] for r in rows),
        "pupil_places": sum(r["pupil_places"] for r in rows),
        "pupils_expected": sum(r["pupils_expected"] for r in rows),
        "submitted": sum(1 for r in rows if r["rating"] and r["rating"].status == "submitted"),
        "units": len(rows),
    }
    return rows, totals


@login_required
def campaign_detail(request, pk: int):
    campaign = _managed_campaign(request, pk)
    rows, totals = campaign_progress(campaign)
    return render(
        request,
        "assessments/campaigns/detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "totals": totals,
            "now": timezone.localtime(),
            "pending": totals["asked"] - totals["answered"],
            "breadcrumbs": _crumbs(_list_crumb(), (str(campaign), None)),
        },
    )


# ---- Invitations and reminders -----------------------------------------------------------------


def _enqueue_mail(mail_task, campaign: Campaign, participation_ids: list[int], outcome: dict) -> None:
    """Queues the e-mails, a task per batch of participations; runs after the commit, so no
    mail is queued for a rolled-back open. Only ids go into the queue: the task makes each
    person's link itself. With the ImmediateBackend (development) the task has already run when
    this returns; with the database backend a worker (manage.py db_worker) sends them later."""
    try:
        results = [mail_task.enqueue(campaign.pk, batch) for batch in batches(participation_ids)]
    except Exception:  # the queue's database may fail too: the page must still answer
        log.exception("campaign %s: queueing %s e-mails failed", campaign.pk, len(participation_ids))
        outcome["failed"] = True
        return
    if any(r.status == TaskResultStatus.FAILED for r in results):
        outcome["failed"] = True
    elif all(r.status == TaskResultStatus.SUCCESSFUL for r in results):
        outcome["sent"] = sum(r.return_value["sent"] for r in results)


def _report_mail(request, outcome: dict, count: int) -> None:
    if outcome.get("failed"):
        messages.warning(
            request,
            _(
                "The e-mails could not be sent. Check the mail settings, "
                "then use “Send reminders”: it sends new links."
            ),
        )
    elif "sent" in outcome:
        messages.success(request, _("%(n)s e-mails with personal links were sent.") % {"n": outcome["sent"]})
    else:  # queued for the worker
        messages.success(
            request,
            ngettext(
                "%(n)s e-mail with a personal link is on its way. A background worker sends it, "
                "usually within a few minutes.",
                "%(n)s e-mails with personal links are on their way. A background worker sends "
                "them, usually within a few minutes.",
                count,
            )
            % {"n": count},
        )


@login_required
@require_POST
def campaign_open(request, pk: int):
    campaign = _managed_campaign(request, pk)
    outcome: dict = {}
    try:
        with transaction.atomic():
            # The tokens made here are not mailed: the invitation task gives each person a
            # fresh one as it sends, so the queue never holds a working link.
            participation_ids = sorted(services.campaign_open(actor=request.user, campaign=campaign))
            if participation_ids:
                transaction.on_commit(
                    lambda: _enqueue_mail(send_invitations, campaign, participation_ids, outcome)
                )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The campaign is open."))
        if participation_ids:
            _report_mail(request, outcome, len(participation_ids))
    return redirect("campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_remind(request, pk: int):
    campaign = _managed_campaign(request, pk)
    if campaign.status != CampaignStatus.OPEN:
        messages.error(request, services.ERROR_NOT_OPEN)
        return redirect("campaign_detail", pk=campaign.pk)
    outcome: dict = {}
    with transaction.atomic():
        # The task makes a fresh link per person when it sends (only hashes are stored, so the
        # old link cannot be resent) and skips anyone who has answered by then.
        pending = list(
            Participation.objects.filter(campaign=campaign, answered=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        audit_record(
            actor=request.user,
            huvudman=campaign.huvudman,
            action="campaign.remind",
            obj=campaign,
            after={"reminded": len(pending)},
        )
        if pending:
            transaction.on_commit(lambda: _enqueue_mail(send_reminders, campaign, pending, outcome))
    if pending:
        _report_mail(request, outcome, len(pending))
    else:
        messages.success(request, _("Everyone asked has answered. No reminders were needed."))
    return redirect("campaign_detail", pk=campaign.pk)


@login_required
def campaign_close(request, pk: int):
    campaign = _managed_campaign(request, pk)
    if request.method == "POST":
        try:
            services.campaign_close(actor=request.user, campaign=campaign)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The campaign is closed. No more answers are taken."))
        return redirect("campaign_detail", pk=campaign.pk)
    rows, totals = campaign_progress(campaign)
    return render(
        request,
        "assessments/campaigns/close.html",
        {
            "campaign": campaign,
            "totals": totals,
            "unsubmitted": [r for r in rows if not r["rating"] or r["rating"].status != "submitted"],
            "breadcrumbs": _crumbs(
                _list_crumb(),
                (str(campaign), reverse("campaign_detail", args=[campaign.pk])),
                (_("Close"), None),
            ),
        },
    )


# ---- Pupil group codes -------------------------------------------------------------------------


def _pupil_code_access(request, pk: int) -> tuple[Campaign, list, list]:
    """The campaign, the units whose codes the person handles, and the breadcrumbs."""
    campaign, runs_it = campaign_for_user(request, pk)
    if not campaign.include_pupils:
        raise Http404
    units = units_acted_for(request.user, campaign)
    if not units:
        raise PermissionDenied
    crumbs = [_list_crumb()]
    if runs_it:
        crumbs.append((str(campaign), reverse("campaign_detail", args=[campaign.pk])))
    return campaign, units, crumbs


def _pupil_address() -> str:
    return settings.SITE_URL.rstrip("/") + _url_or("pupil_start", "/elev/")


@login_required
def pupil_codes(request, pk: int):
    campaign, units, crumbs = _pupil_code_access(request, pk)
    form = PupilCodeForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if campaign.status == CampaignStatus.CLOSED:
                raise ValidationError(services.ERROR_NOT_OPEN)
            code = services.pupil_code_create(
                actor=request.user,
                campaign=campaign,
                unit=data["unit"],
                label=data["label"],
                capacity=data["capacity"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("The code %(code)s was made for %(group)s.") % {"code": code.code, "group": code.label},
            )
            return redirect("pupil_codes", pk=campaign.pk)
    codes = PupilCode.objects.filter(campaign=campaign, unit__in=units).select_related("unit")
    return render(
        request,
        "assessments/campaigns/pupil_codes.html",
        {
            "campaign": campaign,
            "form": form,
            "codes": codes,
            "address": _pupil_address(),
            "can_add": campaign.status != CampaignStatus.CLOSED,
            "breadcrumbs": _crumbs(*crumbs, (_("Pupil codes"), None)),
        },
    )


@login_required
def pupil_codes_print(request, pk: int):
    campaign, units, crumbs = _pupil_code_access(request, pk)
    codes = PupilCode.objects.filter(campaign=campaign, unit__in=units).select_related("unit")
    return render(
        request,
        "assessments/campaigns/pupil_codes_print.html",
        {
            "campaign": campaign,
            "codes": codes,
            "address": _pupil_address(),
            "breadcrumbs": _crumbs(
                *crumbs, (_("Pupil codes"), reverse("pupil_codes", args=[campaign.pk])), (_("Print"), None)
            ),
        },
    )
