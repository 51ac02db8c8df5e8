"""Plan pages: the list, a new plan (with last year's unfinished activities carried forward),
the plan with the unit's results and suggested goals beside it, editing, publishing, and goals.

Writes go through plans.services; a save over someone else's newer save re-renders the form with
both versions side by side (status 409) and keeps what the user typed."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from digiplan.organisations.access import is_strategist
from digiplan.organisations.models import OrganisationType
from digiplan.plans import access, selectors, services
from digiplan.plans.forms import (
    GoalForm,
    NodeChoiceForm,
    PlanCreateForm,
    PlanForm,
    SuggestionAcceptForm,
    clean_school_year,
)
from digiplan.plans.models import Goal, Plan

ERROR_SUGGESTION_GONE = gettext_lazy(
    "That suggestion is no longer offered: the results, the "
    "plan's goals or a dismissal changed it. Nothing was added."
)
ERROR_NOTHING_TO_PLAN = gettext_lazy(
    "You lead no unit and manage no part of the organisation, so there is nothing you can write a plan for."
)


# ---- Who may do what ---------------------------------------------------------------------------


def plan_for_user(request, pk: int, *, edit: bool = False) -> tuple[Plan, bool]:
    """The plan and whether the person may change it: 404 out of reach (another unit's draft,
    another huvudman), 403 when the person reads the plan but is not one of its editors."""
    plan, can_edit = access.get_plan_for_user(request.user, pk)
    if edit and not can_edit:
        raise PermissionDenied
    return plan, can_edit


def add_errors(form, error: ValidationError) -> None:
    """A service's error on the form: on its field when the form shows one, else on top."""
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            visible = name in form.fields and not form[name].is_hidden
            form.add_error(name if visible else None, texts)
    else:
        for text in error.messages:
            form.add_error(None, text)


def _rebound(form_class, request, revision: int, **kwargs):
    """The form as the user posted it, now naming the stored revision: saving once more after
    comparing the versions is then a deliberate choice, not a silent overwrite."""
    data = request.POST.copy()
    data["revision"] = str(revision)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


def _plan_crumbs(plan: Plan | None = None, *more) -> list[dict]:
    crumbs: list[dict[str, Any]] = [{"label": _("Plans"), "url": reverse("plan_list")}]
    if plan is not None:
        crumbs.append({"label": plan.title, "url": reverse("plan_detail", args=[plan.pk])})
    crumbs += [{"label": label, "url": None} for label in more]
    return crumbs


def _refuse_followed_up(request, plan: Plan):
    messages.error(request, services.ERROR_FOLLOWED_UP)
    return redirect("plan_detail", pk=plan.pk)


# ---- List and create ---------------------------------------------------------------------------


@login_required
def plan_list(request):
    nodes = selectors.plannable_nodes(request.user)
    return render(
        request,
        "plans/plan_list.html",
        {
            "years": selectors.plans_by_year(request.user),
            "node_form": NodeChoiceForm(nodes=nodes) if nodes.exists() else None,
            "strategist": is_strategist(request.user),
            "breadcrumbs": [{"label": _("Plans"), "url": None}],
        },
    )


@login_required
def plan_create(request):
    nodes = selectors.plannable_nodes(request.user)
    if not nodes.exists():
        raise PermissionDenied(ERROR_NOTHING_TO_PLAN)
    chosen = request.POST.get("organisation") if request.method == "POST" else request.GET.get("node")
    node = selectors.chosen_node(nodes, chosen)
    crumbs = _plan_crumbs(None, _("New plan"))
    if node is None:
        # First step: which unit or administration the plan is for.
        node_form = NodeChoiceForm({"node": chosen} if chosen is not None else None, nodes=nodes)
        if chosen is not None:
            node_form.is_valid()
        return render(request, "plans/plan_create.html", {"node_form": node_form, "breadcrumbs": crumbs})

    year = selectors.default_year(node)
    if request.method == "POST":
        try:
            year = clean_school_year(request.POST.get("school_year", ""))
        except ValidationError:
            pass
    previous, candidates = selectors.carry_candidates(node, year)
    years = selectors.free_years(node)
    form = PlanCreateForm(
        request.POST or None,
        nodes=nodes,
        carry=candidates,
        years=years,
        taken=selectors.taken_years(node),
        initial={"organisation": node.pk, "school_year": year, "carry": list(candidates)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                actor=request.user,
                organisation=data["organisation"],
                school_year=data["school_year"],
                title=data["title"],
                follow_up_due=data["follow_up_due"],
                carry=list(data["carry"]),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The plan was created as a draft. Add goals and activities, then publish it.")
            )
            return redirect("plan_detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_create.html",
        {
            "form": form,
            "node": node,
            "previous": previous,
            "has_candidates": candidates.exists(),
            "choose_again": nodes.count() > 1,
            "breadcrumbs": crumbs,
        },
    )


# ---- The plan page -----------------------------------------------------------------------------


def _suggestion_rows(
    plan: Plan, campaign, bound: SuggestionAcceptForm | None = None, bound_item: int | None = None
) -> list[dict]:
    rows = []
    for suggestion in selectors.suggestions(plan, campaign):
        pk = suggestion.item.pk
        form = (
            bound
            if bound is not None and bound_item == pk
            else SuggestionAcceptForm(
                prefix=f"s{pk}",
                library=suggestion.activities,
                initial={"title": suggestion.item.title, "target_text": suggestion.target_text},
            )
        )
        rows.append({"s": suggestion, "form": form})
    return rows


def render_detail(request, plan: Plan, can_edit: bool, *, bound=None, bound_item=None, status: int = 200):
    contents = selectors.plan_contents(plan)
    editing = can_edit and plan.editable
    unit_results = selectors.unit_results_beside(plan)
    suggestions = []
    if editing and unit_results and unit_results["campaign"] is not None:
        suggestions = _suggestion_rows(plan, unit_results["campaign"], bound, bound_item)
    all_activities = contents.activities
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "can_edit": can_edit,
            "editing": editing,
            "goals": contents.goals,
            "loose": contents.loose,
            "results": unit_results,
            "suggestions": suggestions,
            "done_count": sum(1 for a in all_activities if a.status == "done"),
            "activity_count": len(all_activities),
            "breadcrumbs": _plan_crumbs(None, plan.title),
        },
        status=status,
    )


@login_required
def plan_detail(request, pk: int):
    plan, can_edit = plan_for_user(request, pk)
    return render_detail(request, plan, can_edit)


# ---- Editing the plan ----------------------------------------------------------------------------


def _shown(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    return str(value)


def conflict_rows(fields: list[tuple[str, str]], mine: dict[str, Any], stored: dict[str, Any]) -> list[dict]:
    """Field by field: what the user typed and what is stored now, and whether they differ."""
    rows = []
    for name, label in fields:
        theirs = _shown(stored.get(name))
        own = _shown(mine.get(name))
        rows.append({"label": label, "mine": own, "theirs": theirs, "differs": own != theirs})
    return rows


@login_required
def plan_edit(request, pk: int):
    plan, _can_edit = plan_for_user(request, pk, edit=True)
    if not plan.editable:
        return _refuse_followed_up(request, plan)
    form = PlanForm(
        request.POST or None,
        initial={
            "title": plan.title,
            "introduction": plan.introduction,
            "follow_up_due": plan.follow_up_due,
            "revision": plan.revision,
        },
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_update(
                actor=request.user,
                plan=plan,
                revision=data["revision"],
                title=data["title"],
                introduction=data["introduction"],
                follow_up_due=data["follow_up_due"],
            )
        except services.PlanConflict as error:
            stored = error.current
            conflict = conflict_rows(
                [
                    ("title", _("Title")),
                    ("introduction", _("Introduction")),
                    ("follow_up_due", _("Follow-up due")),
                ],
                data,
                {
                    "title": stored.title,
                    "introduction": stored.introduction,
                    "follow_up_due": stored.follow_up_due,
                },
            )
            form = _rebound(PlanForm, request, error.current.revision)
            form.add_error(None, error.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("plan_detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_edit.html",
        {
            "plan": plan,
            "form": form,
            "conflict": conflict,
            "breadcrumbs": _plan_crumbs(plan, _("Edit the plan")),
        },
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def plan_publish(request, pk: int):
    plan, _can_edit = plan_for_user(request, pk, edit=True)
    try:
        services.plan_publish(actor=request.user, plan=plan)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The plan was published. Everyone at the unit can now read it."))
    return redirect("plan_detail", pk=plan.pk)


# ---- Goals ---------------------------------------------------------------------------------------


def _goal_initial(goal: Goal | None) -> dict[str, Any]:
    if goal is None:
        return {}
    return {
        "title": goal.title,
        "description": goal.description,
        "items": selectors.goal_item_ids(goal),
        "baseline_text": goal.baseline_text,
        "target_text": goal.target_text,
        "revision": goal.revision,
    }


def _save_goal(request, plan: Plan, goal: Goal | None, data: dict[str, Any]) -> Goal:
    if goal is None:
        return services.goal_create(
            actor=request.user,
            plan=plan,
            title=data["title"],
            description=data["description"],
            items=data["items"],
            baseline_text=data["baseline_text"],
            target_text=data["target_text"],
        )
    # The figures behind the words come from the results; a hand edit keeps them.
    return services.goal_update(
        actor=request.user,
        goal=goal,
        revision=data["revision"],
        title=data["title"],
        description=data["description"],
        items=data["items"],
        baseline=goal.baseline,
        baseline_text=data["baseline_text"],
        target=goal.target,
        target_text=data["target_text"],
    )


def _goal_conflict(stored: Goal, data: dict[str, Any]) -> list[dict]:
    """The goal as the user wrote it beside the goal as stored now, its items as one line."""
    theirs = {
        name: getattr(stored, name) for name in ("title", "description", "baseline_text", "target_text")
    }
    theirs["item_list"] = ", ".join(str(i) for i in stored.items.all())
    mine = {**data, "item_list": ", ".join(str(i) for i in data["items"])}
    return conflict_rows(
        [
            ("title", _("Goal")),
            ("description", _("Description")),
            ("item_list", _("Framework items")),
            ("baseline_text", _("Baseline")),
            ("target_text", _("Target")),
        ],
        mine,
        theirs,
    )


def _goal_page(request, plan: Plan, goal: Goal | None):
    versions = selectors.goal_item_versions(plan, goal)
    items = selectors.items_of_versions(versions)
    form = GoalForm(request.POST or None, items=items, initial=_goal_initial(goal))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            goal = _save_goal(request, plan, goal, form.cleaned_data)
        except services.PlanConflict as error:
            conflict = _goal_conflict(error.current, form.cleaned_data)
            form = _rebound(GoalForm, request, error.current.revision, items=items)
            form.add_error(None, error.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect(reverse("plan_detail", args=[plan.pk]) + f"#goal-{goal.pk}")
    title = _("New goal") if goal is None else _("Edit the goal")
    return render(
        request,
        "plans/goal_form.html",
        {
            "plan": plan,
            "goal": goal,
            "form": form,
            "groups": form.item_groups(versions),
            "conflict": conflict,
            "page_title": title,
            "breadcrumbs": _plan_crumbs(plan, title),
        },
        status=409 if conflict else 200,
    )


@login_required
def goal_create(request, pk: int):
    plan, _can_edit = plan_for_user(request, pk, edit=True)
    if not plan.editable:
        return _refuse_followed_up(request, plan)
    return _goal_page(request, plan, None)


@login_required
def goal_edit(request, pk: int, goal_pk: int):
    plan, _can_edit = plan_for_user(request, pk, edit=True)
    goal = get_object_or_404(Goal, pk=goal_pk, plan=plan)
    if not plan.editable:
        return _refuse_followed_up(request, plan)
    return _goal_page(request, plan, goal)


@login_required
@require_POST
def goal_delete(request, pk: int, goal_pk: int):
    plan, _can_edit = plan_for_user(request, pk, edit=True)
    goal = get_object_or_404(Goal, pk=goal_pk, plan=plan)
    try:
        services.goal_delete(actor=request.user, goal=goal)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("The goal “%(goal)s” was removed. Its activities stay in the plan without a goal.")
            % {"goal": goal.title},
        )
    return redirect("plan_detail", pk=plan.pk)


# ---- Suggested goals -----------------------------------------------------------------------------


def _suggestion(plan: Plan, item_pk: int):
    """The suggestion as the server computes it now: posted figures are never trusted."""
    if plan.organisation.type != OrganisationType.SKOLENHET:
        return None
    return next((s for s in selectors.suggestions(plan) if s.item.pk == item_pk), None)


def _plan_and_suggestion(request, pk: int, item_pk: int):
    """The plan for an editor, whether they may edit it, the suggestion as computed now, and the
    response that refuses the request (a followed-up plan, a suggestion no longer made) or
    None."""
    plan, can_edit = plan_for_user(request, pk, edit=True)
    if not plan.editable:
        return plan, can_edit, None, _refuse_followed_up(request, plan)
    suggestion = _suggestion(plan, item_pk)
    if suggestion is None:
        messages.error(request, ERROR_SUGGESTION_GONE)
        return plan, can_edit, None, redirect("plan_detail", pk=plan.pk)
    return plan, can_edit, suggestion, None


@login_required
@require_POST
def suggestion_accept(request, pk: int, item_pk: int):
    plan, can_edit, suggestion, refused = _plan_and_suggestion(request, pk, item_pk)
    if refused:
        return refused
    form = SuggestionAcceptForm(request.POST, prefix=f"s{item_pk}", library=suggestion.activities)
    if not form.is_valid():
        return render_detail(request, plan, can_edit, bound=form, bound_item=item_pk, status=400)
    data = form.cleaned_data
    target_text = data["target_text"] or suggestion.target_text
    # The number goes with the suggested words: a target the leader rewrote has no figure.
    target = suggestion.target if target_text == suggestion.target_text else None
    entries = {str(e.pk): e for e in suggestion.activities}
    try:
        goal = services.goal_from_suggestion(
            actor=request.user,
            plan=plan,
            item=suggestion.item,
            title=data["title"] or suggestion.item.title,
            baseline=suggestion.baseline,
            baseline_text=suggestion.baseline_text,
            target=target,
            target_text=target_text,
            library_activities=[entries[entry_pk] for entry_pk in data["library"]],
        )
    except ValidationError as error:
        add_errors(form, error)
        return render_detail(request, plan, can_edit, bound=form, bound_item=item_pk, status=400)
    messages.success(request, _("The goal “%(goal)s” was added to the plan.") % {"goal": goal.title})
    return redirect(reverse("plan_detail", args=[plan.pk]) + f"#goal-{goal.pk}")


@login_required
@require_POST
def suggestion_dismiss(request, pk: int, item_pk: int):
    plan, _can_edit, suggestion, refused = _plan_and_suggestion(request, pk, item_pk)
    if refused:
        return refused
    services.suggestion_dismiss(actor=request.user, plan=plan, item=suggestion.item)
    messages.success(
        request,
        _("The suggestion “%(item)s” was dismissed. It is not proposed again for this plan.")
        % {"item": suggestion.item},
    )
    return redirect(reverse("plan_detail", args=[plan.pk]) + "#suggestions")
