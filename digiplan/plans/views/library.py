"""The activity library (*exempel på aktiviteter*): everyone of a huvudman reads the published
examples; its strategists write, publish and remove them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.frameworks.models import Item
from digiplan.organisations.access import is_strategist
from digiplan.organisations.models import SchoolForm
from digiplan.plans import selectors, services
from digiplan.plans.forms_library import LibraryForm, initial_from
from digiplan.plans.models import LibraryActivity

PAGE_SIZE = 25


# ---- Who may do what ---------------------------------------------------------------------------


def _huvudman_id(request) -> int:
    """Everyone here works for one huvudman; a signed-in account without one reads nothing."""
    if request.user.huvudman_id is None:
        raise Http404
    return request.user.huvudman_id


def _entry_to_edit(request, pk: int) -> LibraryActivity:
    """Another huvudman's entry is 404, so that its ids reveal nothing; 403 for a person of the
    same huvudman who is not a strategist."""
    entry = (
        LibraryActivity.objects.select_related("huvudman", "role_title")
        .filter(pk=pk, huvudman_id=_huvudman_id(request))
        .first()
    )
    if entry is None:
        raise Http404
    if not is_strategist(request.user):
        raise PermissionDenied
    return entry


def _crumbs(*extra) -> list[dict]:
    return [
        {"label": _("Example activities"), "url": reverse("library_list")},
        *({"label": label, "url": ""} for label in extra),
    ]


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# ---- Reading ------------------------------------------------------------------------------------


def _chosen_item(request, items: list[Item]) -> Item | None:
    item_pk = request.GET.get("omrade", "")
    return next((i for i in items if i.pk == int(item_pk)), None) if item_pk.isdigit() else None


def _chosen_school_form(request) -> str:
    school_form = request.GET.get("skolform", "")
    return school_form if school_form in SchoolForm.values else ""


@login_required
def library_list(request):
    huvudman_id = _huvudman_id(request)
    writes = is_strategist(request.user)
    query = request.GET.get("q", "").strip()[:200]
    entries = selectors.library_entries(huvudman_id, drafts=writes, words=query)
    filter_items = selectors.filter_items(huvudman_id, entries)
    school_form = _chosen_school_form(request)
    if school_form:
        entries = selectors.for_school_form(entries, school_form)
    chosen_item = _chosen_item(request, filter_items)
    if chosen_item is not None:
        entries = selectors.serving_item(entries, chosen_item)
    params = {
        k: v
        for k, v in (
            ("q", query),
            ("skolform", school_form),
            ("omrade", chosen_item.pk if chosen_item else ""),
        )
        if v
    }
    return render(
        request,
        "plans/library_list.html",
        {
            "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("sida")),
            "writes": writes,
            "query_text": query,
            "school_form": school_form,
            "school_forms": SchoolForm.choices,
            "filter_items": filter_items,
            "chosen_item": chosen_item,
            "query": urlencode(params),
            "filtered": bool(params),
            "breadcrumbs": _crumbs(),
        },
    )


# ---- Writing ------------------------------------------------------------------------------------


def _save_kwargs(data) -> dict:
    return {
        "title": data["title"],
        "description": data["description"],
        "items": data["items"],
        "role_title": data["role_title"],
        "duration": data["duration"],
        "school_forms": data["school_forms"],
        "for_staff": data["for_staff"],
        "source": data["source"],
        "publish": data["is_published"],
    }


@login_required
def library_create(request):
    huvudman_id = _huvudman_id(request)
    if not is_strategist(request.user):
        raise PermissionDenied
    form = LibraryForm(request.POST or None, huvudman_id=huvudman_id)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.library_create(
                actor=request.user, huvudman=request.user.huvudman, **_save_kwargs(form.cleaned_data)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The example activity “%(title)s” was added.") % {"title": entry.title}
            )
            return redirect(reverse("library_list") + f"#entry-{entry.pk}")
    return render(
        request,
        "plans/library_form.html",
        {"form": form, "entry": None, "breadcrumbs": _crumbs(_("New example activity"))},
    )


@login_required
def library_edit(request, pk: int):
    entry = _entry_to_edit(request, pk)
    huvudman_id = entry.huvudman_id
    form = LibraryForm(request.POST or None, huvudman_id=huvudman_id, initial=initial_from(entry))
    stored = None
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.library_update(
                actor=request.user,
                entry=entry,
                revision=form.cleaned_data["revision"],
                **_save_kwargs(form.cleaned_data),
            )
        except services.PlanConflict as conflict:
            # Keep what the person typed, show what is stored now, and let the next save go
            # over the stored revision once they have compared the two.
            stored = conflict.current
            data = request.POST.copy()
            data["revision"] = str(stored.revision)
            form = LibraryForm(data, huvudman_id=huvudman_id)
            form.is_valid()
            form.add_error(None, conflict.messages[0])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The changes to “%(title)s” were saved.") % {"title": entry.title})
            return redirect(reverse("library_list") + f"#entry-{entry.pk}")
    return render(
        request,
        "plans/library_form.html",
        {
            "form": form,
            "entry": entry,
            "stored": stored,
            "uses": selectors.copies_of(entry),
            "breadcrumbs": _crumbs(entry.title),
        },
    )


@login_required
@require_POST
def library_delete(request, pk: int):
    entry = _entry_to_edit(request, pk)
    title = entry.title
    services.library_delete(actor=request.user, entry=entry)
    messages.success(
        request,
        _("The example activity “%(title)s” was removed. Copies in the units' plans stay as they are.")
        % {"title": title},
    )
    return redirect("library_list")
