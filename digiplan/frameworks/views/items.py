"""Authoring a draft: items, their order, level descriptions, responsibilities and targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.frameworks import access, selectors, services
from digiplan.frameworks.forms import ItemForm, LevelDescriptionsForm, ResponsibilityForm, TargetForm
from digiplan.frameworks.models import Item, ItemKind, Responsibility, Target


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _item_fields(data) -> dict:
    translations = {}
    if data.get("title_en") or data.get("description_en"):
        translations["en"] = {
            k: v
            for k, v in (("title", data.get("title_en")), ("description", data.get("description_en")))
            if v
        }
    return {
        "kind": data["kind"],
        "code": data["code"],
        "title": data["title"],
        "description": data["description"],
        "respondent": data.get("respondent") or "",
        "scale": data.get("scale"),
        "school_forms": data.get("school_forms") or [],
        "translations": translations,
    }


def _item_page(request, version, form, item=None, parent=None):
    return render(
        request,
        "frameworks/item_form.html",
        {"form": form, "version": version, "item": item, "parent": parent},
    )


@login_required
def item_create(request, pk: int):
    version = access.get_version_to_edit(request.user, pk)
    parent = None
    parent_pk = request.GET.get("under") or request.POST.get("under")
    if parent_pk:
        parent = version.items.filter(pk=parent_pk).first()
        if parent is None:
            raise Http404
    # Under nothing an area, under an area a goal, under anything else an indicator.
    kind_below: dict[str | None, ItemKind] = {None: ItemKind.AREA, ItemKind.AREA: ItemKind.GOAL}
    kind = kind_below.get(parent.kind if parent else None, ItemKind.INDICATOR)
    form = ItemForm(
        request.POST or None,
        scales=selectors.readable_scales(request.user),
        linkable=selectors.linkable_items(request.user, version),
        initial={"kind": kind, "revision": version.revision},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                actor=request.user,
                version=version,
                parent=parent,
                revision=form.cleaned_data["revision"],
                links=form.cleaned_data["links"],
                **_item_fields(form.cleaned_data),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(code)s was added.") % {"code": item.code})
            return redirect(reverse("version_detail", args=[version.pk]) + f"#item-{item.pk}")
    return _item_page(request, version, form, parent=parent)


def _item_to_edit(request, pk: int) -> Item:
    item, can_edit = access.get_item(request.user, pk)
    if not can_edit:
        raise PermissionDenied
    return item


@login_required
def item_edit(request, pk: int):
    item = _item_to_edit(request, pk)
    version = item.version
    english = item.translations.get("en", {})
    form = ItemForm(
        request.POST or None,
        scales=selectors.readable_scales(request.user),
        linkable=selectors.linkable_items(request.user, version).exclude(pk=item.pk),
        initial={
            "kind": item.kind,
            "code": item.code,
            "title": item.title,
            "description": item.description,
            "respondent": item.respondent,
            "scale": item.scale_id,
            "school_forms": item.school_forms,
            "title_en": english.get("title", ""),
            "description_en": english.get("description", ""),
            "links": selectors.link_ids(item),
            "revision": version.revision,
        },
    )
    levels = list(item.scale.levels.all()) if item.scale else []
    level_form = LevelDescriptionsForm(
        request.POST or None, prefix="levels", levels=levels, initial_texts=item.level_descriptions
    )
    if request.method == "POST" and form.is_valid() and level_form.is_valid():
        fields = _item_fields(form.cleaned_data)
        fields["level_descriptions"] = {
            key.removeprefix("level_"): value.strip()
            for key, value in level_form.cleaned_data.items()
            if value.strip()
        }
        try:
            services.item_update(
                actor=request.user,
                item=item,
                links=form.cleaned_data["links"],
                revision=form.cleaned_data["revision"],
                **fields,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(reverse("version_detail", args=[version.pk]) + f"#item-{item.pk}")
    return render(
        request,
        "frameworks/item_form.html",
        {"form": form, "level_form": level_form, "version": version, "item": item},
    )


@login_required
@require_POST
def item_move(request, pk: int):
    item = _item_to_edit(request, pk)
    direction = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.item_move(actor=request.user, item=item, direction=direction, revision=_revision(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = _("%(code)s was moved up.") if direction < 0 else _("%(code)s was moved down.")
        messages.success(request, message % {"code": item.code})
    # The focus returns to a move button of the moved item that is still enabled, so keyboard
    # users keep their place and can press again.
    siblings = selectors.sibling_ids(item)
    position = siblings.index(item.pk)
    wanted = "up" if direction < 0 else "down"
    if wanted == "up" and position == 0:
        wanted = "down"
    elif wanted == "down" and position == len(siblings) - 1:
        wanted = "up"
    fragment = f"move-{wanted}-{item.pk}" if len(siblings) > 1 else f"item-{item.pk}"
    return redirect(reverse("version_detail", args=[item.version_id]) + f"#{fragment}")


def _revision(request) -> int | None:
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def item_delete(request, pk: int):
    item = _item_to_edit(request, pk)
    try:
        services.item_delete(actor=request.user, item=item, revision=_revision(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(code)s and everything under it was removed.") % {"code": item.code})
    return redirect("version_detail", pk=item.version_id)


def _version_part_form(request, pk, form_class, save, *, success, title, anchor, **form_kwargs):
    """The form behind "Lägg till ansvar" and "Lägg till mätbart mål" on a draft."""
    version = access.get_version_to_edit(request.user, pk)
    kwargs = {key: value(version) for key, value in form_kwargs.items()}
    form = form_class(request.POST or None, initial={"revision": version.revision}, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            save(actor=request.user, version=version, revision=data.pop("revision"), **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(reverse("version_detail", args=[version.pk]) + anchor)
    return render(request, "frameworks/simple_form.html", {"form": form, "version": version, "title": title})


@login_required
def responsibility_create(request, pk: int):
    return _version_part_form(
        request,
        pk,
        ResponsibilityForm,
        services.responsibility_save,
        success=_("The responsibility was added."),
        title=_("New responsibility"),
        anchor="#responsibilities",
        items=lambda version: version.items.exclude(kind=ItemKind.INDICATOR),
        titles=selectors.holder_titles,
        groups=selectors.holder_groups,
    )


@login_required
def target_create(request, pk: int):
    return _version_part_form(
        request,
        pk,
        TargetForm,
        services.target_save,
        success=_("The target was added."),
        title=_("New target"),
        anchor="#targets",
        titles=selectors.holder_titles,
        groups=selectors.holder_groups,
    )


def _delete_part(request, model, pk: int, delete, anchor: str):
    part = model.objects.select_related("version__framework").filter(pk=pk).first()
    if part is None or not access.can_read_version(request.user, part.version):
        raise Http404
    access.get_version_to_edit(request.user, part.version_id)
    try:
        delete(actor=request.user, obj=part)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("version_detail", args=[part.version_id]) + anchor)


@login_required
@require_POST
def responsibility_delete(request, pk: int):
    return _delete_part(
        request,
        Responsibility,
        pk,
        lambda actor, obj: services.responsibility_delete(actor=actor, responsibility=obj),
        "#responsibilities",
    )


@login_required
@require_POST
def target_delete(request, pk: int):
    return _delete_part(
        request, Target, pk, lambda actor, obj: services.target_delete(actor=actor, target=obj), "#targets"
    )
