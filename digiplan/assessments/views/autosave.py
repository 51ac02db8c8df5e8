"""Saving each answer of the staff questionnaire as it is given (questionnaire.js).

A page that works without script saves on page change; with script each answer is posted here
at once and kept in the same sealed Draft, the same way: the same link checks as the page (the
token or the owner's participation, not answered, the campaign open), the same statements of
the same page, the same service. Nothing is logged and no time is stored beyond the draft's
day; the answer goes back to no one (the response says only how many are answered).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from digiplan.assessments import services
from digiplan.assessments.models import CampaignStatus, Group, Participation
from digiplan.assessments.views import answer_page
from digiplan.assessments.views.answering import _area_number, _areas, _saved_answers


def _refused(message, status: int) -> JsonResponse:
    return JsonResponse({"saved": False, "message": str(message)}, status=status)


def _autosave(request, participation: Participation) -> JsonResponse:
    campaign = participation.campaign
    if participation.answered:
        return _refused(services.ERROR_ALREADY_ANSWERED, 409)
    if campaign.status != CampaignStatus.OPEN:
        return _refused(services.ERROR_NOT_OPEN, 409)
    items = answer_page.page_items(campaign, Group.STAFF)
    areas = _areas(items, _saved_answers(services.draft_read(participation)))
    if not areas:
        return _refused(_("This self-assessment has no statements for staff."), 400)
    area = areas[_area_number(request.POST.get("del"), areas) - 1]
    is_last = area.number == len(areas)
    page = answer_page.read_page(request.POST, area.items, with_comment=is_last)
    if page.errors or page.general:
        return _refused(" ".join([*map(str, page.general), *map(str, page.errors.values())]), 400)
    try:
        contents = services.draft_save(
            participation=participation,
            answers={str(k): v for k, v in page.answers.items()},
            comment="" if page.comment_error else page.comment,
        )
    except ValidationError as error:
        return _refused(" ".join(error.messages), 409)
    if page.comment_error:
        return _refused(page.comment_error, 400)
    return JsonResponse({"saved": True, "answered": len(contents.answers), "total": len(items)})


@never_cache
@require_POST
def autosave_token(request, token: str):
    participation = services.participation_for_token(token)
    if participation is None:
        return _refused(services.ERROR_UNKNOWN_TOKEN, 404)
    return _autosave(request, participation)


@never_cache
@login_required
@require_POST
def autosave_participation(request, pk: int):
    participation = get_object_or_404(
        Participation.objects.select_related("campaign", "unit"), pk=pk, person=request.user
    )
    return _autosave(request, participation)
