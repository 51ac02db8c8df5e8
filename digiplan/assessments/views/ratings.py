"""The leader rating of one unit in one campaign: levels, comments, last year beside them,
draft and submit; reopened by a strategist with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.assessments import services
from digiplan.assessments.forms import RatingForm, ReopenForm
from digiplan.assessments.models import CampaignStatus, LeaderRating, RatingStatus
from digiplan.assessments.selectors import ratings as rating_selectors
from digiplan.assessments.views.campaigns import campaign_for_user, leads
from digiplan.frameworks.models import RespondentGroup
from digiplan.organisations.access import can_manage, can_read

NA = "na"


def _rating_access(request, pk: int, unit_pk: int):
    """(campaign, unit, is_strategist). 404 when the unit is out of the person's reach or not
    in the campaign; 403 when they see the unit but neither lead it nor run the campaign."""
    campaign, runs_it = campaign_for_user(request, pk)
    if not campaign.include_leader:
        raise Http404
    campaign_unit = campaign.units.select_related("unit").filter(unit_id=unit_pk).first()
    if campaign_unit is None or not can_read(request.user, campaign_unit.unit):
        raise Http404
    unit = campaign_unit.unit
    strategist = runs_it and can_manage(request.user, unit)
    if not strategist and not leads(request.user, unit):
        raise PermissionDenied
    return campaign, unit, strategist


def _localised(obj, key: str, lang: str, default: str) -> str:
    return (obj.translations.get(lang) or {}).get(key) or default


def _level_label(item, value, lang: str) -> str:
    for level in item.scale.levels.all():
        if (value is None and level.not_applicable) or (
            value is not None and level.value == value and not level.not_applicable
        ):
            return _localised(level, "label", lang, level.label)
    return _("not relevant") if value is None else str(value)


def _last_year(campaign, unit, codes: list[str], lang: str) -> dict[str, dict]:
    """Item code → last year's level and comment, from the latest earlier closed campaign of the
    same huvudman that rated this unit."""
    previous = rating_selectors.previous_rating(campaign, unit)
    if previous is None:
        return {}
    answers = rating_selectors.rating_answers(previous, codes)
    return {
        a.item.code: {
            "label": _level_label(a.item, a.value, lang),
            "comment": a.comment,
            "year": previous.campaign.school_year,
        }
        for a in answers
    }


def _sections(items, form: RatingForm, previous: dict, lang: str) -> list[dict]:
    """The indicators grouped by their area, each with its levels as the page shows them."""
    values = form.data if form.is_bound else form.initial
    sections: list[dict] = []
    for item in items:
        area = item.parent
        if not sections or sections[-1]["area"] != area:
            sections.append(
                {
                    "area": area,
                    "title": _localised(area, "title", lang, area.title) if area else "",
                    "rows": [],
                }
            )
        level_texts = (item.translations.get(lang) or {}).get("levels") or {}
        chosen = str(values.get(f"level_{item.pk}") or "")
        levels = []
        for level in item.scale.levels.all():
            value = NA if level.not_applicable else str(level.value)
            levels.append(
                {
                    "value": value,
                    "checked": chosen == value,
                    "label": _localised(level, "label", lang, level.label),
                    "description": level_texts.get(str(level.value))
                    or item.level_descriptions.get(str(level.value))
                    or _localised(level, "description", lang, level.description),
                }
            )
        sections[-1]["rows"].append(
            {
                "item": item,
                "title": _localised(item, "title", lang, item.title),
                "description": _localised(item, "description", lang, item.description),
                "levels": levels,
                "chosen": next((lv for lv in levels if lv["checked"]), None),
                "comment": values.get(f"comment_{item.pk}") or "",
                "comment_errors": form.errors.get(f"comment_{item.pk}") if form.is_bound else None,
                "previous": previous.get(item.code),
            }
        )
    return sections


@login_required
def rating_edit(request, pk: int, unit_pk: int):
    campaign, unit, strategist = _rating_access(request, pk, unit_pk)
    rating = rating_selectors.rating_of(campaign, unit)
    items = list(
        services.campaign_items(campaign, RespondentGroup.LEADER)
        .select_related("parent")
        .prefetch_related("scale__levels")
    )
    stored = {a.item_id: a for a in rating.answers.all()} if rating else {}
    submitted = rating is not None and rating.status == RatingStatus.SUBMITTED
    form = RatingForm(request.POST or None, items=items, initial=_initial(rating, stored))
    if request.method == "POST":
        if campaign.status != CampaignStatus.OPEN or submitted:
            messages.error(request, services.ERROR_RATING_SUBMITTED if submitted else services.ERROR_NOT_OPEN)
            return redirect("rating_edit", pk=campaign.pk, unit_pk=unit.pk)
        if _save(request, form, campaign, unit, stored):
            then = "rating_confirm" if request.POST.get("action") == "submit" else "rating_edit"
            return redirect(then, pk=campaign.pk, unit_pk=unit.pk)
    lang = get_language() or "sv"
    previous = _last_year(campaign, unit, [i.code for i in items], lang)
    return render(
        request,
        "assessments/rating/edit.html",
        {
            "campaign": campaign,
            "unit": unit,
            "rating": rating,
            "form": form,
            "sections": _sections(items, form, previous, lang),
            "editable": campaign.status == CampaignStatus.OPEN and not submitted,
            "submitted": submitted,
            "strategist": strategist,
            "can_reopen": strategist and submitted and campaign.status == CampaignStatus.OPEN,
            "reopen_form": ReopenForm(),
            "breadcrumbs": _breadcrumbs(campaign, unit, strategist=strategist),
        },
    )


def _initial(rating: LeaderRating | None, stored: dict) -> dict:
    """The form's values: the saved rating, or an empty one."""
    initial = {
        "participants": rating.participants if rating else "",
        "revision": rating.revision if rating else 0,
    }
    for item_pk, answer in stored.items():
        initial[f"level_{item_pk}"] = NA if answer.value is None else str(answer.value)
        initial[f"comment_{item_pk}"] = answer.comment
    return initial


def _save(request, form: RatingForm, campaign, unit, stored: dict) -> bool:
    """Saves the posted rating as a draft; False, with the errors on the form, when it was not
    saved. "Submit" saves it too, and the summary (rating_confirm) then asks to confirm: a
    submitted rating cannot be changed, so it is never final in one press."""
    submit = request.POST.get("action") == "submit"
    if not form.is_valid():
        return False
    # A comment is sent only where there is one or was one: an answer row without a level
    # would read as "not relevant".
    comments = {k: v for k, v in form.comments().items() if v or int(k) in stored}
    try:
        services.rating_save(
            actor=request.user,
            rating=services.rating_for(campaign, unit),
            answers=form.answers(),
            comments=comments,
            participants=form.cleaned_data["participants"],
            revision=form.cleaned_data["revision"],
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return False
    if not submit:
        messages.success(request, _("The draft was saved. You can come back and go on."))
    return True


def _breadcrumbs(campaign, unit, *, strategist: bool) -> list[dict[str, str | None]]:
    crumbs: list[dict[str, str | None]] = [{"label": _("Self-assessment"), "url": reverse("campaign_list")}]
    if strategist:
        crumbs.append({"label": str(campaign), "url": reverse("campaign_detail", args=[campaign.pk])})
    crumbs.append({"label": unit.name, "url": None})
    return crumbs


@login_required
def rating_confirm(request, pk: int, unit_pk: int):
    """The summary before a rating is final: every statement with its level, the ones without a
    level linked to where they are answered, and the final confirmation when none is missing."""
    campaign, unit, strategist = _rating_access(request, pk, unit_pk)
    rating = rating_selectors.rating_of(campaign, unit)
    if campaign.status != CampaignStatus.OPEN or (rating and rating.status == RatingStatus.SUBMITTED):
        return redirect("rating_edit", pk=campaign.pk, unit_pk=unit.pk)
    items = list(
        services.campaign_items(campaign, RespondentGroup.LEADER)
        .select_related("parent")
        .prefetch_related("scale__levels")
    )
    stored = {a.item_id: a for a in rating.answers.all()} if rating else {}
    unanswered = [item for item in items if item.pk not in stored]
    error = ""
    if request.method == "POST":
        if rating is None or unanswered:
            error = _("Give every statement a level, or “not relevant”, before you submit.")
        else:
            try:
                services.rating_save(
                    actor=request.user,
                    rating=rating,
                    answers={},
                    comments={},
                    participants=rating.participants,
                    revision=_int(request.POST.get("revision")),
                    submit=True,
                )
            except ValidationError as failed:
                error = " ".join(failed.messages)
            else:
                messages.success(request, _("The rating was submitted. Thank you!"))
                return redirect("rating_edit", pk=campaign.pk, unit_pk=unit.pk)
    lang = get_language() or "sv"
    rows = [
        {
            "item": item,
            "title": _localised(item, "title", lang, item.title),
            "level": _level_label(item, stored[item.pk].value, lang) if item.pk in stored else "",
        }
        for item in items
    ]
    crumbs = _breadcrumbs(campaign, unit, strategist=strategist)
    crumbs[-1]["url"] = reverse("rating_edit", args=[campaign.pk, unit.pk])
    return render(
        request,
        "assessments/rating/confirm.html",
        {
            "campaign": campaign,
            "unit": unit,
            "rating": rating,
            "rows": rows,
            "unanswered": [row for row in rows if not row["level"]],
            "error": error,
            "breadcrumbs": [*crumbs, {"label": _("Submit"), "url": None}],
        },
        status=400 if error else 200,
    )


def _int(value) -> int:
    """A posted revision; an unreadable one is stale (-1 never matches)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@login_required
@require_POST
def rating_reopen(request, pk: int, unit_pk: int):
    campaign, unit, strategist = _rating_access(request, pk, unit_pk)
    if not strategist:
        raise PermissionDenied
    rating = rating_selectors.rating_of(campaign, unit)
    if rating is None:
        raise Http404
    form = ReopenForm(request.POST)
    if campaign.status != CampaignStatus.OPEN:
        messages.error(request, services.ERROR_NOT_OPEN)
    elif rating.status != RatingStatus.SUBMITTED:
        messages.error(request, _("Only a submitted rating can be reopened."))
    elif not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("reason", [services.ERROR_REASON])))
    else:
        services.rating_reopen(actor=request.user, rating=rating, reason=form.cleaned_data["reason"])
        messages.success(request, _("The rating was reopened. The unit can change it and submit it again."))
    return redirect("rating_edit", pk=campaign.pk, unit_pk=unit.pk)
