"""The form strategists fill in for an example activity (*exempel på aktivitet*)."""

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from digiplan.frameworks.models import Item
from digiplan.organisations.models import RoleTitle, SchoolForm
from digiplan.plans.models import TEXT_MAX, TITLE_MAX, LibraryActivity
from digiplan.plans.selectors.library import linkable_items


class LibraryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Framework items"),
        required=False,
        queryset=Item.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The areas, goals or statements the activity helps with. Plans are offered "
            "the activity next to these items and the items below them."
        ),
    )
    role_title = forms.ModelChoiceField(
        label=_("Suggested responsible role"),
        required=False,
        queryset=RoleTitle.objects.none(),
        empty_label=_("No particular role"),
    )
    duration = forms.CharField(
        label=_("Typical duration"),
        required=False,
        max_length=100,
        help_text=_("For example: four weeks, one term."),
    )
    school_forms = forms.MultipleChoiceField(
        label=_("School forms"),
        required=False,
        choices=SchoolForm.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when the activity suits every school form."),
    )
    for_staff = forms.BooleanField(
        label=_("Competence development for staff"),
        required=False,
        help_text=_(
            "Something a staff member can take on by themselves; suggested after the staff questionnaire."
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=300,
        help_text=_("Where the idea comes from, e.g. a document or a website."),
    )
    is_published = forms.BooleanField(
        label=_("Published"), required=False, help_text=_("Only published examples are shown to the units.")
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: Mapping[str, Any] | None = None, *, huvudman_id: int, **kwargs: Any) -> None:
        super().__init__(data, label_suffix="", **kwargs)
        self._items_field().queryset = linkable_items(huvudman_id)
        cast(forms.ModelChoiceField, self.fields["role_title"]).queryset = RoleTitle.objects.filter(
            huvudman_id=huvudman_id
        )

    def _items_field(self) -> "forms.ModelMultipleChoiceField[Item]":
        return cast("forms.ModelMultipleChoiceField[Item]", self.fields["items"])

    def item_groups(self) -> list[dict]:
        """The item checkboxes grouped by framework version and indented by depth, so that a
        long list can be read and opened one framework at a time."""
        field = self._items_field()
        items = {str(i.pk): i for i in field.queryset or ()}
        depth: dict[int, int] = {}

        def depth_of(item: Item) -> int:
            if item.pk not in depth:
                parent = items.get(str(item.parent_id)) if item.parent_id else None
                depth[item.pk] = depth_of(parent) + 1 if parent is not None else 0
            return depth[item.pk]

        groups: dict[int, dict] = {}
        ordered = _tree_order(list(items.values()))
        widgets = {str(w.data["value"]): w for w in self["items"]}
        for item in ordered:
            widget = widgets.get(str(item.pk))
            if widget is None:
                continue
            group = groups.setdefault(item.version_id, {"version": item.version, "options": [], "checked": 0})
            group["options"].append({"widget": widget, "item": item, "depth": min(depth_of(item), 4)})
            if widget.data["selected"]:
                group["checked"] += 1
        return list(groups.values())


def _tree_order(items: list[Item]) -> list[Item]:
    """Items of each version parent before children, siblings by their order."""
    children: dict[tuple[int, int | None], list[Item]] = {}
    versions: list[int] = []
    for item in items:
        if item.version_id not in versions:
            versions.append(item.version_id)
        children.setdefault((item.version_id, item.parent_id), []).append(item)
    ordered: list[Item] = []

    def walk(version_id: int, parent_id: int | None) -> None:
        for item in sorted(children.get((version_id, parent_id), []), key=lambda i: (i.order, i.code)):
            ordered.append(item)
            walk(version_id, item.pk)

    for version_id in versions:
        walk(version_id, None)
    return ordered


def initial_from(entry: LibraryActivity) -> dict:
    return {
        "title": entry.title,
        "description": entry.description,
        "items": list(entry.items.values_list("pk", flat=True)),
        "role_title": entry.role_title_id,
        "duration": entry.duration,
        "school_forms": entry.school_forms,
        "for_staff": entry.for_staff,
        "source": entry.source,
        "is_published": entry.is_published,
        "revision": entry.revision,
    }
