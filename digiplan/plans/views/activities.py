"""Activity pages: a plan's activities as a filtered table, creating (by hand or from an example
activity), reading with the history of progress notes, editing with conflict detection, recording
progress, deleting, and "Mina aktiviteter" – each person's activities across units."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiplan.plans import selectors, services
from digiplan.plans.access import can_edit_plan, can_read_plan, can_update_activity, get_plan_for_user
from digiplan.plans.forms_activities import (
    ALL,
    OPEN,
    ActivityFilterForm,
    ActivityForm,
    MyActivitiesFilterForm,
    ProgressForm,
)
from digiplan.plans.models import (
    Activity,
    ActivityStatus,
    LibraryActivity,
    Plan,
)

# ---- Who may do what ---------------------------------------------------------------------------


def _activity_for_user(request, pk: int) -> tuple[Activity, bool]:
    """The activity and whether the person edits its plan; 404 when the plan is out of reach,
    so that ids of other units and huvudmän reveal nothing."""
    user = request.user
    activity = selectors.activity_for_reader(user, pk)
    if activity is None or not can_read_plan(user, activity.plan):
        raise Http404
    return activity, can_edit_plan(user, activity.plan)


def _editor_activity(request, pk: int) -> Activity:
    activity, can_edit = _activity_for_user(request, pk)
    if not can_edit:
        raise PermissionDenied
    return activity


def _plan_url(plan: Plan) -> str:
    """The plan page is built beside this part; until its name exists, the activity table."""
    try:
        return reverse("plan_detail", args=[plan.pk])
    except NoReverseMatch:
        return reverse("plan_activities", args=[plan.pk])


def _crumbs(plan: Plan, *more) -> list[dict]:
    crumbs = [
        {"label": f"{plan.title}, {plan.organisation.name}", "url": _plan_url(plan)},
        {"label": _("Activities"), "url": reverse("plan_activities", args=[plan.pk])},
    ]
    return crumbs + [{"label": label, "url": url} for label, url in more]


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _add_service_errors(form, error: ValidationError) -> None:
    """The services name the field at fault; a field the form lacks goes to the top."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


# ---- A plan's activities -----------------------------------------------------------------------


@login_required
def plan_activities(request, pk: int):
    plan, can_edit = get_plan_for_user(request.user, pk)
    today = timezone.localdate()
    form = ActivityFilterForm(request.GET, plan=plan, people=selectors.activity_owners(plan))
    form.is_valid()  # an unknown value in the address filters nothing and says so
    chosen = form.cleaned_data
    shown = selectors.plan_activity_table(
        plan,
        status=chosen.get("status") or "",
        goal=chosen.get("goal"),
        owner=chosen.get("owner"),
        role=chosen.get("role"),
        sort=chosen.get("sort") or "due",
        today=today,
    )
    return render(
        request,
        "plans/activity_list.html",
        {
            "plan": plan,
            "can_edit": can_edit and plan.editable,
            "form": form,
            "activities": shown,
            "shown_count": len(shown),
            "counts": selectors.status_counts(plan, today),
            "today": today,
            "filtered": any(chosen.get(k) for k in ("status", "goal", "owner", "role")),
            "breadcrumbs": _crumbs(plan)[:-1] + [{"label": _("Activities"), "url": None}],
        },
    )


# ---- Create, copy, edit, delete ----------------------------------------------------------------


def _library_choices(plan: Plan) -> list[LibraryActivity]:
    """Example activities for the unit's school forms; a central plan sees them all."""
    return selectors.library_for(
        plan.huvudman_id, school_forms=selectors.school_forms_of(plan), for_staff=False
    )


@login_required
def activity_create(request, pk: int):
    plan, can_edit = get_plan_for_user(request.user, pk)
    if not can_edit:
        raise PermissionDenied
    if not plan.editable:
        messages.error(request, services.ERROR_FOLLOWED_UP)
        return redirect("plan_activities", pk=plan.pk)
    goal = selectors.plan_goal(plan, request.GET.get("goal", ""))
    initial = {"status": ActivityStatus.PLANNED, "goal": goal}
    form = ActivityForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=request.user, plan=plan, **form.service_arguments())
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The activity was added to the plan."))
            return redirect("activity_detail", pk=activity.pk)
    return render(
        request,
        "plans/activity_form.html",
        {
            "plan": plan,
            "form": form,
            "activity": None,
            "library": _library_choices(plan),
            "goal": goal,
            "breadcrumbs": _crumbs(plan, (_("New activity"), None)),
        },
    )


@login_required
@require_POST
def activity_from_library(request, pk: int, entry_pk: int):
    plan, can_edit = get_plan_for_user(request.user, pk)
    if not can_edit:
        raise PermissionDenied
    entry = selectors.published_library_entry(plan, entry_pk)
    if entry is None:
        raise Http404
    goal = selectors.plan_goal(plan, request.POST.get("goal", ""))
    try:
        activity = services.activity_from_library(
            actor=request.user, plan=plan, library_activity=entry, goal=goal
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plan_activities", pk=plan.pk)
    messages.success(
        request,
        _(
            "The example activity was copied into the plan. Adapt it to "
            "the unit: name who is responsible and when it is due."
        ),
    )
    return redirect("activity_edit", pk=activity.pk)


def _shown(value) -> str:
    """A value as the comparison of two versions shows it."""
    if value is None or value == "":
        return "–"
    if hasattr(value, "isoformat"):
        return date_format(value, "j F Y")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)


def _comparison(form: ActivityForm, stored: Activity) -> list[dict]:
    """Field by field: what the person tried to save beside what is stored now."""
    mine = form.cleaned_data
    statuses = dict(ActivityStatus.choices)
    rows = []
    for name in (
        "title",
        "description",
        "goal",
        "role_title",
        "owner",
        "participants",
        "starts_on",
        "due_on",
        "status",
    ):
        ours: object
        theirs: object
        if name == "participants":
            ours = sorted(str(p) for p in mine.get("participants") or [])
            theirs = sorted(str(p) for p in stored.participants.all())
        elif name == "status":
            ours, theirs = statuses.get(mine.get("status") or "", ""), statuses.get(stored.status, "")
        else:
            ours, theirs = mine.get(name), getattr(stored, name)
        rows.append(
            {
                "label": form.fields[name].label,
                "mine": _shown(ours),
                "stored": _shown(theirs),
                "differs": _shown(ours) != _shown(theirs),
            }
        )
    return rows


@login_required
def activity_edit(request, pk: int):
    activity = _editor_activity(request, pk)
    plan = activity.plan
    if not plan.editable:
        messages.error(request, services.ERROR_FOLLOWED_UP)
        return redirect("activity_detail", pk=activity.pk)
    initial = {
        "title": activity.title,
        "description": activity.description,
        "goal": activity.goal,
        "role_title": activity.role_title,
        "owner": activity.owner,
        "participants": list(activity.participants.all()),
        "starts_on": activity.starts_on,
        "due_on": activity.due_on,
        "status": activity.status,
        "revision": activity.revision,
    }
    form = ActivityForm(request.POST or None, plan=plan, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=request.user,
                activity=activity,
                revision=form.cleaned_data["revision"],
                **form.service_arguments(),
            )
        except services.PlanConflict as error:
            conflict = _comparison(form, error.current)
            form.add_error(None, error.messages)
            # The next save is a deliberate one, made after seeing the stored version.
            data = request.POST.copy()
            data["revision"] = str(error.current.revision)
            form.data = data
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The activity was saved."))
            return redirect("activity_detail", pk=activity.pk)
    return render(
        request,
        "plans/activity_form.html",
        {
            "plan": plan,
            "form": form,
            "activity": activity,
            "conflict": conflict,
            "breadcrumbs": _crumbs(
                plan, (activity.title, reverse("activity_detail", args=[activity.pk])), (_("Edit"), None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request, pk: int):
    activity = _editor_activity(request, pk)
    plan = activity.plan
    if request.method == "POST":
        try:
            services.activity_delete(actor=request.user, activity=activity)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("activity_detail", pk=activity.pk)
        messages.success(request, _("The activity “%(title)s” was deleted.") % {"title": activity.title})
        return redirect("plan_activities", pk=plan.pk)
    return render(
        request,
        "plans/activity_delete.html",
        {
            "plan": plan,
            "activity": activity,
            "breadcrumbs": _crumbs(
                plan, (activity.title, reverse("activity_detail", args=[activity.pk])), (_("Delete"), None)
            ),
        },
    )


# ---- Read and record progress ------------------------------------------------------------------


def _detail(request, activity: Activity, can_edit: bool, progress_form=None):
    plan = activity.plan
    can_update = plan.editable and can_update_activity(request.user, activity)
    if progress_form is None and can_update:
        progress_form = ProgressForm(activity=activity)
    return render(
        request,
        "plans/activity_detail.html",
        {
            "plan": plan,
            "activity": activity,
            "can_edit": can_edit and plan.editable,
            "can_update": can_update,
            "progress_form": progress_form,
            "participants": selectors.participants_of(activity),
            "notes": selectors.progress_notes(activity),
            "breadcrumbs": _crumbs(plan, (activity.title, None)),
        },
    )


@login_required
def activity_detail(request, pk: int):
    activity, can_edit = _activity_for_user(request, pk)
    return _detail(request, activity, can_edit)


@login_required
@require_POST
def activity_progress(request, pk: int):
    activity, can_edit = _activity_for_user(request, pk)
    if not can_update_activity(request.user, activity):
        raise PermissionDenied
    back = _safe_next(request)
    if not activity.plan.editable:
        messages.error(request, services.ERROR_FOLLOWED_UP)
        return redirect(back or reverse("activity_detail", args=[activity.pk]))
    form = ProgressForm(request.POST, activity=activity)
    if form.is_valid():
        try:
            services.activity_progress(
                actor=request.user,
                activity=activity,
                status=form.changed_status(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            if form.cleaned_data["status"] == ActivityStatus.DONE and form.changed_status():
                messages.success(request, _("“%(title)s” is marked as done.") % {"title": activity.title})
            else:
                messages.success(request, _("The progress was recorded."))
            return redirect(back or reverse("activity_detail", args=[activity.pk]))
    if back:
        # A one-click form elsewhere (Mina aktiviteter) has no fields to show the error beside.
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(back)
    activity.refresh_from_db()
    return _detail(request, activity, can_edit, progress_form=form)


# ---- Mina aktiviteter --------------------------------------------------------------------------


@login_required
def my_activities(request):
    today = timezone.localdate()
    everything = selectors.activities_of(request.user)
    form = MyActivitiesFilterForm(request.GET)
    status = (form.cleaned_data.get("status") if form.is_valid() else "") or OPEN
    shown = everything if status == ALL else selectors.with_status(everything, status, today)
    secret = selectors.calendar_secret(request.user)
    return render(
        request,
        "plans/my_activities.html",
        {
            "form": form,
            "status": status,
            "activities": list(shown.order_by(*selectors.SORTS["due"])),
            "today": today,
            "late_count": selectors.late(everything, today).count(),
            "calendar_url": request.build_absolute_uri(reverse("calendar_feed", args=[secret]))
            if secret
            else None,
            "here": request.get_full_path(),
            "breadcrumbs": [{"label": _("My activities"), "url": None}],
        },
    )
