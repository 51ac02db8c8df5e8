"""Campaign pages: the list everyone sees, creating, opening (with the e-mailed invitations),
watching progress, reminding, closing, and the pupil group codes."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from digiplan.assessments import invitations, selectors, services
from digiplan.assessments.forms import CampaignForm, PupilCodeForm
from digiplan.assessments.invitations import MailOutcome
from digiplan.assessments.models import Campaign, CampaignStatus
from digiplan.lib import schoolyear
from digiplan.organisations.access import can_manage, is_strategist, memberships_of
from digiplan.organisations.models import Role

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
    return render(
        request,
        "assessments/campaigns/list.html",
        {
            "campaigns": selectors.run_campaigns(user) if runs_campaigns else [],
            "runs_campaigns": runs_campaigns,
            "led": selectors.led_campaign_units(user, _leading_paths(user)),
            "invited": selectors.invitations_open(user),
            "survey_url": _url_or("survey_start", "/svar/"),
            "breadcrumbs": [],
        },
    )


@login_required
def campaign_create(request):
    if not is_strategist(request.user):
        raise PermissionDenied
    huvudman = request.user.huvudman
    versions = selectors.campaign_versions(huvudman)
    units = selectors.campaign_units(request.user)
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


@login_required
def campaign_detail(request, pk: int):
    campaign = _managed_campaign(request, pk)
    rows, totals = selectors.campaign_progress(campaign)
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


def _report_mail(request, outcome: MailOutcome) -> None:
    if outcome.failed:
        messages.warning(
            request,
            _(
                "The e-mails could not be sent. Check the mail settings, "
                "then use “Send reminders”: it sends new links."
            ),
        )
    elif outcome.sent is not None:
        messages.success(request, _("%(n)s e-mails with personal links were sent.") % {"n": outcome.sent})
    else:  # queued for the worker
        messages.success(
            request,
            ngettext(
                "%(n)s e-mail with a personal link is on its way. A background worker sends it, "
                "usually within a few minutes.",
                "%(n)s e-mails with personal links are on their way. A background worker sends "
                "them, usually within a few minutes.",
                outcome.count,
            )
            % {"n": outcome.count},
        )


@login_required
@require_POST
def campaign_open(request, pk: int):
    campaign = _managed_campaign(request, pk)
    try:
        outcome = invitations.campaign_open_and_invite(actor=request.user, campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The campaign is open."))
        if outcome.count:
            _report_mail(request, outcome)
    return redirect("campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_remind(request, pk: int):
    campaign = _managed_campaign(request, pk)
    try:
        outcome = invitations.campaign_remind(actor=request.user, campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("campaign_detail", pk=campaign.pk)
    if outcome.count:
        _report_mail(request, outcome)
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
    rows, totals = selectors.campaign_progress(campaign)
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
    codes = selectors.pupil_codes(campaign, units)
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
    codes = selectors.pupil_codes(campaign, units)
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
