"""The spring follow-up of a plan: per goal an outcome and a reflection, per activity done or
not with a note, and the unit's summary; finishing it freezes the plan.

The whole page is one form. Each goal and activity the user changed is saved on its own, so a
conflict or an error in one part neither loses nor blocks what was typed in the others."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiplan.plans import selectors, services
from digiplan.plans.forms import DONE, FollowUpForm, stored_done
from digiplan.plans.models import GoalOutcome, PlanStatus
from digiplan.plans.views.plans import _plan_crumbs, plan_for_user

FINISH = "finish"
ERROR_OUTCOME_FIRST = gettext_lazy("Choose an outcome as well: the reflection is saved with it.")
ERROR_DONE_FIRST = gettext_lazy("Choose done or not done as well: the note is saved with it.")
ERROR_OUTCOME_MISSING = gettext_lazy(
    "Choose an outcome: every goal needs one before the follow-up can be finished."
)
ERROR_NOT_SAVED = gettext_lazy(
    "Some parts were not saved; they are marked below. Everything you typed is still on the page."
)


def _save_goals(request, form, data, conflicts) -> bool:
    ok = True
    for goal in form.goals:
        outcome = form.cleaned_data[f"outcome_{goal.pk}"]
        reflection = form.cleaned_data[f"reflection_{goal.pk}"]
        if outcome == goal.outcome and reflection == goal.reflection:
            continue
        if not outcome:
            form.add_error(f"outcome_{goal.pk}", ERROR_OUTCOME_FIRST)
            ok = False
            continue
        try:
            saved = services.goal_follow_up(
                actor=request.user,
                goal=goal,
                outcome=outcome,
                reflection=reflection,
                revision=form.cleaned_data[f"goal_revision_{goal.pk}"],
            )
        except services.PlanConflict as error:
            stored = error.current
            conflicts[f"goal-{goal.pk}"] = {
                "first": (GoalOutcome(stored.outcome).label if stored.outcome else "–"),
                "second": stored.reflection,
            }
            data[f"goal_revision_{goal.pk}"] = str(stored.revision)
            form.add_error(f"outcome_{goal.pk}", error.message)
            ok = False
        except ValidationError as error:
            form.add_error(f"outcome_{goal.pk}", error.messages)
            ok = False
        else:
            data[f"goal_revision_{goal.pk}"] = str(saved.revision)
    return ok


def _save_activities(request, form, data, conflicts) -> bool:
    ok = True
    for activity in form.activities:
        done = form.cleaned_data[f"done_{activity.pk}"]
        note = form.cleaned_data[f"note_{activity.pk}"]
        if done == stored_done(activity) and note == activity.follow_up_note:
            continue
        if not done:
            form.add_error(f"done_{activity.pk}", ERROR_DONE_FIRST)
            ok = False
            continue
        try:
            saved = services.activity_follow_up(
                actor=request.user,
                activity=activity,
                done=done == DONE,
                note=note,
                revision=form.cleaned_data[f"activity_revision_{activity.pk}"],
            )
        except services.PlanConflict as error:
            stored = error.current
            conflicts[f"activity-{activity.pk}"] = {
                "first": stored.get_status_display(),
                "second": stored.follow_up_note,
            }
            data[f"activity_revision_{activity.pk}"] = str(stored.revision)
            form.add_error(f"done_{activity.pk}", error.message)
            ok = False
        except ValidationError as error:
            form.add_error(f"done_{activity.pk}", error.messages)
            ok = False
        else:
            data[f"activity_revision_{activity.pk}"] = str(saved.revision)
    return ok


def _outcomes_complete(form) -> bool:
    """Finishing needs every goal's outcome: say so at each goal that lacks one."""
    ok = True
    for goal in form.goals:
        if not form.cleaned_data.get(f"outcome_{goal.pk}"):
            form.add_error(f"outcome_{goal.pk}", ERROR_OUTCOME_MISSING)
            ok = False
    return ok


def _save_summary(request, plan, form, data, conflicts, finish: bool) -> bool:
    summary = form.cleaned_data["summary"]
    revision = form.cleaned_data["revision"]
    try:
        if finish:
            services.plan_follow_up(actor=request.user, plan=plan, summary=summary, revision=revision)
        elif summary != plan.summary:
            saved = services.plan_summary_save(
                actor=request.user, plan=plan, summary=summary, revision=revision
            )
            data["revision"] = str(saved.revision)
    except services.PlanConflict as error:
        conflicts["summary"] = {"first": "", "second": error.current.summary}
        data["revision"] = str(error.current.revision)
        form.add_error("summary", error.message)
        return False
    except ValidationError as error:
        for text in error.messages:
            form.add_error(None if finish else "summary", text)
        return False
    return True


def _error_links(form) -> list[dict]:
    """The error summary at the top: each error links to its field."""
    links = []
    for name, errors in form.errors.items():
        for text in errors:
            links.append(
                {
                    "href": f"#id_{name}" if name != "__all__" else "",
                    "label": form.fields[name].label if name in form.fields else "",
                    "text": text,
                }
            )
    return links


def _save_all(request, plan, form, data, conflicts, finish: bool) -> bool:
    """Goals and activities first, each on its own; the summary (or finishing) only when all of
    them were saved."""
    ok = _save_goals(request, form, data, conflicts)
    ok = _save_activities(request, form, data, conflicts) and ok
    if ok and finish:
        ok = _outcomes_complete(form)
    if ok:
        ok = _save_summary(request, plan, form, data, conflicts, finish)
    return ok


def _sections(form, conflicts) -> tuple[list[dict], list[dict]]:
    """Per goal its rows with its activities, and the activities that belong to no goal."""
    by_goal: dict = {}
    for row in form.activity_rows():
        row["conflict"] = conflicts.get(f"activity-{row['activity'].pk}")
        by_goal.setdefault(row["activity"].goal_id, []).append(row)
    sections = [
        {
            **row,
            "activities": by_goal.get(row["goal"].pk, []),
            "conflict": conflicts.get(f"goal-{row['goal'].pk}"),
        }
        for row in form.goal_rows()
    ]
    return sections, by_goal.get(None, [])


@login_required
def plan_follow_up(request, pk: int):
    plan, _can_edit = plan_for_user(request, pk, edit=True)
    if plan.status == PlanStatus.FOLLOWED_UP:
        messages.info(request, _("The plan has already been followed up. The follow-up is shown below."))
        return redirect("plan_detail", pk=plan.pk)
    goals, activities = selectors.follow_up_rows(plan)
    data = request.POST.copy() if request.method == "POST" else None
    form = FollowUpForm(
        data, goals=goals, activities=activities, initial=FollowUpForm.initial_for(plan, goals, activities)
    )
    conflicts: dict = {}
    if data is not None and plan.status == PlanStatus.PUBLISHED and form.is_valid():
        finish = request.POST.get("action") == FINISH
        if _save_all(request, plan, form, data, conflicts, finish):
            if finish:
                messages.success(
                    request,
                    _(
                        "The follow-up is finished. The plan is now read-only; "
                        "its unfinished activities can be carried into next "
                        "year's plan."
                    ),
                )
                return redirect("plan_detail", pk=plan.pk)
            messages.success(request, _("The follow-up was saved. You can come back and go on."))
            return redirect("plan_follow_up", pk=plan.pk)
        messages.error(request, ERROR_NOT_SAVED)
    sections, loose = _sections(form, conflicts)
    return render(
        request,
        "plans/followup.html",
        {
            "plan": plan,
            "form": form,
            "sections": sections,
            "loose": loose,
            "summary_conflict": conflicts.get("summary"),
            "error_links": _error_links(form) if form.is_bound else [],
            "open": plan.status == PlanStatus.PUBLISHED,
            "breadcrumbs": _plan_crumbs(plan, _("Follow-up")),
        },
        status=409 if conflicts else 200,
    )
