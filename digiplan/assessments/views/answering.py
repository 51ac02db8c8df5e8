"""Answering: the staff questionnaire (by personal link or signed in) and the pupil
questionnaire (by group code).

The URL carries the token or the participation, never a session: a person can close the
browser and come back with the same link. Answers live in the sealed Draft of the participation
until they are submitted; then they go into the campaign's sealed ballot box and the draft is
deleted. The person's own profile is shown once, in the answer to the submitting request, from
the answers of that request: no session, cookie, URL or cache ever holds them. That page can
post the profile back, sealed and for a short while, to get it as a PDF that is never stored.
Beside it stand the unit's figures of the last closed campaign, never the open one's, so the
page is the same whatever colleagues answer meanwhile.
"""

import json
import secrets
import time
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from digiplan.assessments import ballots, selectors, services
from digiplan.assessments.hooks import suggested_competence
from digiplan.assessments.models import (
    COMMENT_MAX,
    Campaign,
    CampaignStatus,
    CampaignUnit,
    Group,
    Participation,
    PupilCode,
)
from digiplan.assessments.views import answer_page
from digiplan.frameworks.templatetags.frameworks import localised
from digiplan.lib import sealing
from digiplan.lib.pdf import render_pdf

# The profile posted back for its PDF: sealed, so that it can be neither read on its way nor
# altered or made up, and valid only while someone could still be reading the page it was
# shown on.
PROFILE_CONTEXT = "profile-pdf"
PROFILE_MAX_AGE = 30 * 60
PROFILE_FIELD = "profil"
SESSION_NONCES = "answering.pupil_nonces"
NONCES_KEPT = 50
ERROR_NO_ANSWERS = gettext_lazy("Answer at least one statement before you submit.")
ERROR_PUPIL_CLOSED = gettext_lazy("The questionnaire is not open. Ask your teacher.")


# ---- Staff questionnaire ------------------------------------------------------------------------


def _saved_answers(draft: ballots.Contents | None) -> dict[int, str]:
    """The draft as the form's values: a saved None is a "vet ej" answer."""
    if draft is None:
        return {}
    return {pk: "na" if v is None else str(v) for pk, v in draft.answers.items()}


def _areas(items, saved: dict) -> list[answer_page.Area]:
    areas: dict[int | None, answer_page.Area] = {}
    for item in items:
        area = areas.get(item.parent_id)
        if area is None:
            area = areas[item.parent_id] = answer_page.Area(number=len(areas) + 1, item=item.parent, items=[])
        area.items.append(item)
        area.answered += item.pk in saved
    return list(areas.values())


def _area_number(raw, areas: list[answer_page.Area]) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        # No page asked for: start where something is still unanswered.
        return next((a.number for a in areas if a.state != "done"), areas[-1].number)
    return min(max(number, 1), len(areas))


def _message(request, title, message, *, detail="", status=200, kind="info"):
    return render(
        request,
        "assessments/answering/message.html",
        {"title": title, "message": message, "detail": detail, "kind": kind},
        status=status,
    )


def _closed(request, campaign, posted=False):
    detail = (
        _("Answers can no longer be given. What you sent now was not saved.")
        if posted
        else _("Answers can no longer be given.")
    )
    return _message(request, campaign.name, services.ERROR_NOT_OPEN, detail=detail)


def _unit_means(campaign, unit_id) -> tuple[Campaign | None, dict]:
    """The last closed campaign and the unit's staff means in it by indicator code, as its
    results showed them: never a figure of the campaign still open."""
    return selectors.last_closed_staff_means(campaign, unit_id)


def _profile_rows(items, answers: dict, means: dict) -> list[dict]:
    """answers: item pk (str) → "3" or "na"; means: indicator code → the unit's mean."""
    rows = []
    # The statements share a scale or two: their levels' labels once each, not once a statement.
    labels: dict[int, dict[str, str]] = {}
    for item in items:
        value = answers.get(str(item.pk))
        levels = labels.get(item.scale_id)
        if levels is None:
            levels = labels[item.scale_id] = {
                ("na" if lv.not_applicable else str(lv.value)): localised(lv, "label")
                for lv in item.scale.levels.all()
            }
        rows.append(
            {
                "item": item,
                "title": localised(item, "title"),
                "area_title": localised(item.parent, "title") if item.parent else "",
                "own": levels.get(value, "") if value is not None else "",
                "own_value": value if value not in (None, "na") else None,
                "mean": means.get(item.code),
            }
        )
    return rows


def _competence(campaign, unit_id: int, items, answers: dict) -> list:
    """Competence development for the person's lowest answers, from the apps that answer the hook
    (plans.competence: the library): worked out for this page only, never stored."""
    values: dict[int, int | None] = {}
    for pk, value in answers.items():
        try:
            values[int(pk)] = int(value)
        except (TypeError, ValueError):
            continue  # "vet ej" and empty answers say nothing about what the person needs
    return suggested_competence(
        campaign.huvudman_id, values, items, school_forms=lambda: selectors.unit_school_forms(unit_id)
    )


def _profile(participation, items, answers: dict[str, str]) -> dict:
    """The person's own answers, just submitted, beside the unit's figures of the last closed
    campaign; and the same, sealed, for the PDF button. No person, no token, no response."""
    campaign = participation.campaign
    previous, means = _unit_means(campaign, participation.unit_id)
    sealed = _seal_profile(
        {
            "c": participation.campaign_id,
            "u": participation.unit_id,
            "a": answers,
            "e": int(time.time()) + PROFILE_MAX_AGE,
        }
    )
    return {
        "rows": _profile_rows(items, answers, means),
        "previous": previous,
        "enough": bool(means),
        "k": previous.k if previous else campaign.k,
        "competence": _competence(campaign, participation.unit_id, items, answers),
        "sealed": sealed,
        "minutes": PROFILE_MAX_AGE // 60,
    }


def _seal_profile(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    size = 1024 * (1 + (len(raw) + sealing.LENGTH.size) // 1024)
    return sealing.seal(raw, purpose=ballots.PROFILE_PURPOSE, context=PROFILE_CONTEXT, size=size).hex()


def _thanks(request, participation, items, start_url, *, profile=None):
    return render(
        request,
        "assessments/answering/survey_done.html",
        {
            "participation": participation,
            "campaign": participation.campaign,
            "profile": profile,
            "fresh": profile is not None,
            "start_url": start_url,
            "already": services.ERROR_ALREADY_ANSWERED,
        },
    )


def _submit(participation, page, saved) -> tuple[list, dict | None]:
    """Sends the draft and this page as the response: (errors, the answers sent). Raises the
    services' ValidationError. No error when it was already in: the answers are then None."""
    answers = {str(k): v for k, v in {**saved, **page.answers}.items()}
    if not answers:
        return [ERROR_NO_ANSWERS], None
    accepted = services.response_submit(participation=participation, answers=answers, comment=page.comment)
    return [], answers if accepted else None


def _questionnaire(request, participation: Participation, base_url: str, start_url: str = ""):
    """One area per page, for a participation reached by its token or by its owner."""
    campaign = participation.campaign
    items = answer_page.page_items(campaign, Group.STAFF)
    if participation.answered:
        # A second submit, a double click or a retry gets the thank-you page, never an error.
        return _thanks(request, participation, items, start_url)
    if campaign.status != CampaignStatus.OPEN:
        return _closed(request, campaign, posted=request.method == "POST")
    draft = services.draft_read(participation)
    saved = _saved_answers(draft)
    areas = _areas(items, saved)
    if not areas:
        return _message(request, campaign.name, _("This self-assessment has no statements for staff."))
    raw_number = request.POST.get("del") if request.method == "POST" else request.GET.get("del")
    questionnaire = _Questionnaire(
        request=request,
        participation=participation,
        items=items,
        areas=areas,
        area=areas[_area_number(raw_number, areas) - 1],
        saved=saved,
        base_url=base_url,
        start_url=start_url,
        chosen=saved,
        comment=draft.comment if draft else "",
    )
    if request.method == "POST":
        answered = questionnaire.post()
        if answered is not None:
            return answered
    return questionnaire.page_response()


@dataclass
class _Questionnaire:
    """One page of the staff questionnaire: what was saved, what this request sent, and what
    the page shows again when something must be corrected."""

    request: HttpRequest
    participation: Participation
    items: list
    areas: list[answer_page.Area]
    area: answer_page.Area
    saved: dict  # the draft's answers, as the form's values
    base_url: str
    start_url: str
    chosen: dict  # the answers the page shows checked
    comment: str
    page: answer_page.PageInput = field(default_factory=answer_page.PageInput)

    @property
    def is_last(self) -> bool:
        return self.area.number == len(self.areas)

    def post(self):
        """Saves the page or submits the whole: the response to send, or None to show the page
        again with its errors."""
        request, page = (
            self.request,
            answer_page.read_page(self.request.POST, self.area.items, with_comment=self.is_last),
        )
        self.page = page
        go = request.POST.get("go", "stay")
        self.chosen = {
            **self.saved,
            **page.answers,
            **{pk: request.POST.get(f"item-{pk}") for pk in page.errors},
        }
        self.comment = page.comment if self.is_last else self.comment
        if page.errors or page.general:
            return None
        try:
            if go == "submit" and not page.comment_error:
                page.general, sent = _submit(self.participation, page, self.saved)
                if not page.general:
                    # The answer to this request is the only place the answers are shown.
                    profile = _profile(self.participation, self.items, sent) if sent else None
                    return self.thanks(profile)
            elif page.answers or page.comment:
                # A too long comment is refused, but the answers are kept.
                services.draft_save(
                    participation=self.participation,
                    answers={str(k): v for k, v in page.answers.items()},
                    comment="" if page.comment_error else page.comment,
                )
        except ValidationError as error:
            if services.ERROR_ALREADY_ANSWERED in error.messages:
                return self.thanks()
            if services.ERROR_NOT_OPEN in error.messages:
                return _closed(request, self.participation.campaign, posted=True)
            page.general = error.messages
        if page.has_errors:
            return None
        return redirect(f"{self.base_url}?del={self.next_area(go)}")

    def next_area(self, go: str) -> int:
        """The number of the area to go to after saving."""
        target = {"next": self.area.number + 1, "previous": self.area.number - 1}.get(go)
        if go.startswith("to-") and go[3:].isdigit():
            target = int(go[3:])
        if target is None:
            messages.success(
                self.request, _("Your answers are saved. You can continue later with the same link.")
            )
            target = self.area.number
        return min(max(target, 1), len(self.areas))

    def thanks(self, profile=None):
        return _thanks(self.request, self.participation, self.items, self.start_url, profile=profile)

    def page_response(self):
        items, chosen, page, area = self.items, self.chosen, self.page, self.area
        answered = sum(1 for item in items if item.pk in chosen and item.pk not in page.errors)
        for each in self.areas:
            each.answered = sum(1 for item in each.items if item.pk in chosen)
        first_number = sum(len(a.items) for a in self.areas[: area.number - 1]) + 1
        campaign = self.participation.campaign
        return render(
            self.request,
            "assessments/answering/survey_page.html",
            {
                "participation": self.participation,
                "campaign": campaign,
                "areas": self.areas,
                "area": area,
                "area_title": localised(area.item, "title") if area.item else campaign.name,
                "statements": answer_page.statements(area.items, chosen, page.errors, first_number),
                "is_last": self.is_last,
                "page": page,
                "comment": self.comment,
                "comment_max": COMMENT_MAX,
                "answered": answered,
                "total": len(items),
                "unanswered": len(items) - answered,
                "base_url": self.base_url,
                # Each questionnaire URL has its autosave beneath it (urls_answering).
                "autosave_url": f"{self.base_url}spara/",
                "start_url": self.start_url,
            },
        )


@never_cache
def survey_token(request, token: str):
    participation = services.participation_for_token(token)
    if participation is None:
        return _message(
            request, _("The link is not valid"), services.ERROR_UNKNOWN_TOKEN, status=404, kind="error"
        )
    return _questionnaire(request, participation, reverse("survey_token", args=[token]))


@never_cache
@login_required
def survey_start(request):
    return render(
        request,
        "assessments/answering/survey_start.html",
        {"participations": selectors.open_questionnaires(request.user)},
    )


@never_cache
@login_required
def survey_participation(request, pk: int):
    participation = get_object_or_404(
        Participation.objects.select_related("campaign", "unit"), pk=pk, person=request.user
    )
    return _questionnaire(
        request, participation, reverse("survey_participation", args=[pk]), reverse("survey_start")
    )


def _read_sealed_profile(value: str) -> dict | None:
    """The posted profile when its seal holds, it is recent and it has the expected shape;
    None otherwise."""
    try:
        data = json.loads(
            sealing.unseal(bytes.fromhex(value), purpose=ballots.PROFILE_PURPOSE, context=PROFILE_CONTEXT)
        )
    except (ValueError, sealing.SealError):
        return None
    if not isinstance(data, dict) or set(data) != {"c", "u", "a", "e"}:
        return None
    if (
        not all(isinstance(data[key], int) for key in ("c", "u", "e"))
        or data["e"] < time.time()
        or not isinstance(data["a"], dict)
    ):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data["a"].items()):
        return None
    return data


@never_cache
@require_POST
def survey_profile_pdf(request):
    """The own profile, as posted back from the thank-you page, as a PDF to download. Nothing
    of it is stored or logged; it needs no sign-in, as the questionnaire by link does not."""
    data = _read_sealed_profile(request.POST.get(PROFILE_FIELD, "")[:65536])
    link = (
        CampaignUnit.objects.select_related("campaign", "unit")
        .filter(campaign_id=data["c"], unit_id=data["u"])
        .first()
        if data
        else None
    )
    if link is None:
        return _message(
            request,
            _("The summary could not be made"),
            _("The page with your summary is too old or was changed."),
            detail=_(
                "Your summary is not stored anywhere, so it cannot be made "
                "again. Your answers are submitted and safe."
            ),
            status=400,
            kind="error",
        )
    campaign, unit = link.campaign, link.unit
    items = answer_page.page_items(campaign, Group.STAFF)
    previous, means = _unit_means(campaign, unit.pk)
    html = render_to_string(
        "assessments/answering/profile_pdf.html",
        {
            "campaign": campaign,
            "unit": unit,
            "rows": _profile_rows(items, data["a"], means),
            "enough": bool(means),
            "previous": previous,
            "k": previous.k if previous else campaign.k,
            "today": timezone.localdate(),
            "competence": _competence(campaign, unit.pk, items, data["a"]),
        },
        request=request,
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    name = _("my self-assessment")  # the file's name: "min-skattning-2026-27.pdf"
    filename = slugify(f"{name} {campaign.school_year.replace('/', '-')}") + ".pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- Pupil questionnaire ------------------------------------------------------------------------


@never_cache
def pupil_start(request):
    code, error = "", ""
    if request.method == "POST":
        code = request.POST.get("kod", "").strip()[:40]
        pupil_code = services.pupil_code_for(code) if code else None
        if pupil_code is not None:
            return redirect("pupil_questionnaire", code=pupil_code.code)
        error = services.ERROR_UNKNOWN_CODE if code else _("Write the code.")
    status = 404 if code and error else 400 if error else 200
    return render(
        request, "assessments/answering/pupil_start.html", {"code": code, "error": error}, status=status
    )


def _pupil_blocked(request, pupil_code: PupilCode, posted=False):
    if pupil_code.campaign.status != CampaignStatus.OPEN or not pupil_code.campaign.include_pupils:
        return _message(request, _("Pupil questionnaire"), ERROR_PUPIL_CLOSED)
    if pupil_code.used >= pupil_code.capacity:
        return _message(request, _("Pupil questionnaire"), services.ERROR_CODE_USED_UP)
    return None


@never_cache
def pupil_questionnaire(request, code: str):
    pupil_code = services.pupil_code_for(code)
    if pupil_code is None:
        return _message(
            request, _("Pupil questionnaire"), services.ERROR_UNKNOWN_CODE, status=404, kind="error"
        )
    nonce = request.POST.get("nonce", "") if request.method == "POST" else ""
    used = request.session.get(SESSION_NONCES, [])
    if nonce and nonce in used:
        # The same form sent twice (a double click, a reload): it counted the first time.
        return redirect("pupil_done")
    blocked = _pupil_blocked(request, pupil_code)
    if blocked:
        return blocked
    items = answer_page.page_items(pupil_code.campaign, Group.PUPIL)
    page = answer_page.PageInput()
    if request.method == "POST":
        page = answer_page.read_page(request.POST, items)
        if not page.has_errors and not page.answers:
            page.general = [ERROR_NO_ANSWERS]
        if not nonce:
            page.general.append(_("The form was incomplete. Answer again and send."))
        if not page.has_errors:
            try:
                services.pupil_submit(code=pupil_code, answers={str(k): v for k, v in page.answers.items()})
            except ValidationError as error:
                if services.ERROR_CODE_USED_UP in error.messages:
                    return _message(request, _("Pupil questionnaire"), services.ERROR_CODE_USED_UP)
                if services.ERROR_NOT_OPEN in error.messages:
                    return _message(request, _("Pupil questionnaire"), ERROR_PUPIL_CLOSED)
                page.general = error.messages
            else:
                request.session[SESSION_NONCES] = [*used, nonce][-NONCES_KEPT:]
                return redirect("pupil_done")
    chosen = {**page.answers, **{pk: request.POST.get(f"item-{pk}") for pk in page.errors}}
    return render(
        request,
        "assessments/answering/pupil_form.html",
        {
            "pupil_code": pupil_code,
            "statements": answer_page.statements(items, chosen, page.errors),
            "page": page,
            "nonce": secrets.token_urlsafe(16),
        },
    )


@never_cache
def pupil_done(request):
    return render(request, "assessments/answering/pupil_done.html")
