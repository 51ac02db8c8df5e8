"""Writes to frameworks. A published version never changes: edits need a new draft."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.audit.services import audit_record
from digiplan.frameworks.models import (
    FollowUp,
    Framework,
    FrameworkVersion,
    Item,
    ItemKind,
    Responsibility,
    Scale,
    ScaleLevel,
    Target,
    VersionStatus,
)
from digiplan.organisations.models import Group, Huvudman, Person, RoleTitle

ERROR_FROZEN = _("This version is published and cannot be changed. Start a new draft to edit it.")
ERROR_STALE = _("Someone else changed this draft after you opened it. Reload and try again.")
ERROR_DRAFT_EXISTS = _("There is already a draft of this framework.")
ERROR_INDICATOR_SCALE = _("An indicator needs a respondent group and a scale.")
ERROR_NOT_INDICATOR = _("Only indicators have a respondent group and a scale.")
ERROR_CODE_TAKEN = _("The code %(code)s is already used in this version.")
ERROR_PARENT_LOOP = _("An item cannot be placed under itself or one of its own items.")
ERROR_EMPTY = _("A version without items cannot be published.")
ERROR_SLUG_TAKEN = _("This short name is already used.")
ERROR_OTHER_HUVUDMAN = _("The title or group belongs to another organisation.")
ERROR_VALID_TO_BEFORE_FROM = _("The end of the period is before its start.")
ERROR_ONE_HOLDER = _("Choose a role, a group or an outside party, only one of them.")
ERROR_ONE_OWNER = _("Choose a title, a group or an outside party as owner, only one of them.")


def _editable(version: FrameworkVersion, revision: int | None = None) -> FrameworkVersion:
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_frozen:
        raise ValidationError(ERROR_FROZEN, code="frozen")
    if revision is not None and revision != version.revision:
        raise ValidationError(ERROR_STALE, code="stale")
    version.revision += 1
    version.save(update_fields=["revision"])
    return version


def framework_create(
    *,
    actor: Person | None,
    huvudman: Huvudman | None,
    slug: str,
    name: str,
    kind: str,
    source: str = "",
    template: FrameworkVersion | None = None,
) -> FrameworkVersion:
    """A new framework of the huvudman, empty or as a copy of any readable published version."""
    with transaction.atomic():
        framework = Framework(huvudman=huvudman, slug=slug, name=name, kind=kind, source=source)
        framework.full_clean(validate_constraints=False)
        if Framework.objects.filter(huvudman=huvudman, slug=slug).exists():
            raise ValidationError({"slug": ERROR_SLUG_TAKEN})
        framework.save()
        version = FrameworkVersion.objects.create(framework=framework, created_by=actor, based_on=template)
        if template is not None:
            _copy_content(template, version)
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="framework.create",
            obj=framework,
            after={"name": name, "template": str(template) if template else ""},
        )
    return version


def _copy_content(source: FrameworkVersion, target: FrameworkVersion) -> None:
    """Copies items, links, responsibilities and targets. Links inside the source point to the
    copies; links to other frameworks (the national strategy) are kept, so the chain holds."""
    copies: dict[int | None, Item] = {}
    items = list(source.items.prefetch_related("links").order_by("pk"))
    by_parent: dict[int | None, list[Item]] = {}
    for item in items:
        by_parent.setdefault(item.parent_id, []).append(item)
    stack: list[tuple[Item | None, Item]] = [(None, child) for child in by_parent.get(None, [])]
    while stack:
        parent, item = stack.pop(0)
        copy = Item.objects.create(
            version=target,
            parent=parent,
            kind=item.kind,
            code=item.code,
            title=item.title,
            description=item.description,
            order=item.order,
            respondent=item.respondent,
            scale=item.scale,
            level_descriptions=item.level_descriptions,
            school_forms=item.school_forms,
            translations=item.translations,
        )
        copies[item.pk] = copy
        stack.extend((copy, child) for child in by_parent.get(item.pk, []))
    for item in items:
        for link in item.links.all():
            same_version = link.version_id == source.pk
            copies[item.pk].links.add(copies[link.pk] if same_version else link)
    same_huvudman = source.framework.huvudman_id == target.framework.huvudman_id
    _copy_responsibilities(source, target, copies, same_huvudman=same_huvudman)
    _copy_targets(source, target, copies, same_huvudman=same_huvudman)
    # The period and follow-up dates carry over to the next draft; its decision is its own. A new
    # framework started from a template gets none: the 2017 strategy's period is not the plan's.
    if source.framework_id != target.framework_id:
        return
    FollowUp.objects.bulk_create(
        FollowUp(version=target, date=f.date, text=f.text, order=f.order) for f in source.follow_ups.all()
    )
    FrameworkVersion.objects.filter(pk=target.pk).update(
        valid_from=source.valid_from, valid_to=source.valid_to
    )


def _copy_responsibilities(
    source: FrameworkVersion, target: FrameworkVersion, copies: dict[int | None, Item], *, same_huvudman: bool
) -> None:
    """A copy into another huvudman's framework keeps the wording of titles and groups, never
    the source huvudman's rows: a group becomes a named party until it is bound again."""
    Responsibility.objects.bulk_create(
        Responsibility(
            version=target,
            role=r.role,
            role_title=r.role_title or (r.title.name if r.title and not same_huvudman else ""),
            title_id=r.title_id if same_huvudman else None,
            group_id=r.group_id if same_huvudman else None,
            party=r.party or (r.group.name if r.group and not same_huvudman else ""),
            area=copies.get(r.area_id),
            text=r.text,
            order=r.order,
            translations=r.translations,
        )
        for r in source.responsibilities.select_related("title", "group")
    )


def _copy_targets(
    source: FrameworkVersion, target: FrameworkVersion, copies: dict[int | None, Item], *, same_huvudman: bool
) -> None:
    Target.objects.bulk_create(
        Target(
            version=target,
            item=copies.get(t.item_id),
            metric=t.metric,
            school_form=t.school_form,
            grade_band=t.grade_band,
            value=t.value,
            description=t.description,
            order=t.order,
            owner_title_id=t.owner_title_id if same_huvudman else None,
            owner_group_id=t.owner_group_id if same_huvudman else None,
            owner_party=t.owner_party if same_huvudman or not t.owner_label else t.owner_label,
            due_date=t.due_date,
            measured_by=t.measured_by,
        )
        for t in source.targets.select_related("owner_title", "owner_group")
    )


def version_publish(
    *, actor: Person | None, version: FrameworkVersion, revision: int | None = None
) -> FrameworkVersion:
    with transaction.atomic():
        version = _editable(version, revision)
        if not version.items.exists():
            raise ValidationError(ERROR_EMPTY)
        last = (
            FrameworkVersion.objects.filter(framework=version.framework).aggregate(n=Max("number"))["n"] or 0
        )
        FrameworkVersion.objects.filter(framework=version.framework, status=VersionStatus.PUBLISHED).update(
            status=VersionStatus.ARCHIVED
        )
        version.status = VersionStatus.PUBLISHED
        version.number = last + 1
        version.published_at = timezone.now()
        version.published_by = actor if getattr(actor, "pk", None) else None
        version.save()
        audit_record(
            actor=actor,
            huvudman=version.framework.huvudman,
            action="framework.publish",
            obj=version.framework,
            after={"version": version.number},
        )
    return version


def version_new_draft(*, actor: Person | None, version: FrameworkVersion) -> FrameworkVersion:
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=version.framework_id)
        if framework.versions.filter(status=VersionStatus.DRAFT).exists():
            raise ValidationError(ERROR_DRAFT_EXISTS)
        draft = FrameworkVersion.objects.create(framework=framework, created_by=actor, based_on=version)
        _copy_content(version, draft)
        audit_record(
            actor=actor,
            huvudman=framework.huvudman,
            action="framework.new_draft",
            obj=framework,
            after={"from_version": version.number},
        )
    return draft


def version_archive(*, actor: Person | None, version: FrameworkVersion) -> FrameworkVersion:
    with transaction.atomic():
        version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        if version.status == VersionStatus.DRAFT:
            audit_record(
                actor=actor,
                huvudman=version.framework.huvudman,
                action="framework.discard_draft",
                obj=version.framework,
            )
            version.delete()
            return version
        version.status = VersionStatus.ARCHIVED
        version.save(update_fields=["status"])
        audit_record(
            actor=actor,
            huvudman=version.framework.huvudman,
            action="framework.archive",
            obj=version.framework,
            after={"version": version.number},
        )
    return version


ITEM_FIELDS = (
    "kind",
    "code",
    "title",
    "description",
    "respondent",
    "scale",
    "level_descriptions",
    "school_forms",
    "translations",
)


def _check_item(item: Item) -> None:
    if item.kind == ItemKind.INDICATOR and not (item.respondent and item.scale_id):
        raise ValidationError(ERROR_INDICATOR_SCALE)
    if item.kind != ItemKind.INDICATOR and (item.respondent or item.scale_id):
        raise ValidationError(ERROR_NOT_INDICATOR)
    if Item.objects.filter(version_id=item.version_id, code=item.code).exclude(pk=item.pk).exists():
        raise ValidationError({"code": ERROR_CODE_TAKEN % {"code": item.code}})
    item.full_clean(exclude=["version", "parent", "links"], validate_constraints=False)


def item_create(
    *,
    actor: Person | None,
    version: FrameworkVersion,
    parent: Item | None,
    revision: int | None = None,
    links: Iterable[Item] = (),
    **fields: Any,
) -> Item:
    with transaction.atomic():
        version = _editable(version, revision)
        order = (version.items.filter(parent=parent).aggregate(n=Max("order"))["n"] or 0) + 1
        item = Item(
            version=version,
            parent=parent,
            order=order,
            **{k: v for k, v in fields.items() if k in ITEM_FIELDS},
        )
        _check_item(item)
        item.save()
        if links:
            item.links.set(links)
        audit_record(
            actor=actor,
            huvudman=version.framework.huvudman,
            action="item.create",
            obj=item,
            object_label=f"{item.code} {item.title}",
            after={"code": item.code, "title": item.title},
        )
    return item


def item_update(
    *,
    actor: Person | None,
    item: Item,
    revision: int | None = None,
    links: Iterable[Item] | None = None,
    **fields: Any,
) -> Item:
    with transaction.atomic():
        _editable(item.version, revision)
        item = Item.objects.get(pk=item.pk)
        before = {f: getattr(item, f if f != "scale" else "scale_id") for f in ITEM_FIELDS}
        for key, value in fields.items():
            if key not in ITEM_FIELDS:
                raise ValueError(key)
            setattr(item, key, value)
        _check_item(item)
        item.save()
        if links is not None:
            item.links.set(links)
        after = {f: getattr(item, f if f != "scale" else "scale_id") for f in ITEM_FIELDS}
        audit_record(
            actor=actor,
            huvudman=item.version.framework.huvudman,
            action="item.update",
            obj=item,
            object_label=f"{item.code} {item.title}",
            before={k: str(v) for k, v in before.items()},
            after={k: str(v) for k, v in after.items()},
        )
    return item


def item_delete(*, actor: Person | None, item: Item, revision: int | None = None) -> None:
    with transaction.atomic():
        _editable(item.version, revision)
        audit_record(
            actor=actor,
            huvudman=item.version.framework.huvudman,
            action="item.delete",
            obj=item,
            object_label=f"{item.code} {item.title}",
            before={"code": item.code, "title": item.title},
        )
        item.delete()


def item_move(*, actor: Person | None, item: Item, direction: int, revision: int | None = None) -> Item:
    """Swaps the item with its previous (-1) or next (+1) sibling: keyboard reordering."""
    with transaction.atomic():
        _editable(item.version, revision)
        siblings = list(
            Item.objects.filter(version_id=item.version_id, parent_id=item.parent_id).order_by(
                "order", "code"
            )
        )
        index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
        other = index + direction
        if 0 <= other < len(siblings):
            siblings[index], siblings[other] = siblings[other], siblings[index]
            for order, sibling in enumerate(siblings):
                sibling.order = order
            Item.objects.bulk_update(siblings, ["order"])
            audit_record(
                actor=actor,
                huvudman=item.version.framework.huvudman,
                action="item.reorder",
                obj=item,
                object_label=f"{item.code} {item.title}",
                after={"position": other + 1},
            )
    return item


def responsibility_save(
    *,
    actor: Person | None,
    version: FrameworkVersion,
    revision: int | None = None,
    responsibility: Responsibility | None = None,
    **fields: Any,
) -> Responsibility:
    with transaction.atomic():
        _editable(version, revision)
        responsibility = responsibility or Responsibility(version=version)
        for key, value in fields.items():
            setattr(responsibility, key, value)
        if responsibility.order == 0 and responsibility.pk is None:
            responsibility.order = version.responsibilities.count() + 1
        _check_holder_rows(version, responsibility.title, responsibility.group)
        # A duty falls on a role (maybe with one of the huvudman's titles), a group or a party.
        if len([x for x in (responsibility.role, responsibility.group, responsibility.party) if x]) != 1:
            raise ValidationError(ERROR_ONE_HOLDER, code="holder")
        responsibility.full_clean(exclude=["version", "area", "title", "group"])
        responsibility.save()
        audit_record(
            actor=actor,
            huvudman=version.framework.huvudman,
            action="responsibility.save",
            obj=responsibility,
            object_label=responsibility.text[:200],
            after={"role": responsibility.role},
        )
    return responsibility


def responsibility_delete(
    *, actor: Person | None, responsibility: Responsibility, revision: int | None = None
) -> None:
    with transaction.atomic():
        _editable(responsibility.version, revision)
        audit_record(
            actor=actor,
            huvudman=responsibility.version.framework.huvudman,
            action="responsibility.delete",
            obj=responsibility,
            object_label=responsibility.text[:200],
        )
        responsibility.delete()


def target_save(
    *,
    actor: Person | None,
    version: FrameworkVersion,
    revision: int | None = None,
    target: Target | None = None,
    **fields: Any,
) -> Target:
    with transaction.atomic():
        _editable(version, revision)
        target = target or Target(version=version, order=version.targets.count() + 1)
        for key, value in fields.items():
            setattr(target, key, value)
        _check_holder_rows(version, target.owner_title, target.owner_group)
        if len([x for x in (target.owner_title, target.owner_group, target.owner_party) if x]) > 1:
            raise ValidationError(ERROR_ONE_OWNER, code="owner")
        target.full_clean(exclude=["version", "item", "owner_title", "owner_group"])
        target.save()
        audit_record(
            actor=actor,
            huvudman=version.framework.huvudman,
            action="target.save",
            obj=target,
            object_label=f"{target.metric} {target.value}",
        )
    return target


def target_delete(*, actor: Person | None, target: Target, revision: int | None = None) -> None:
    with transaction.atomic():
        _editable(target.version, revision)
        audit_record(
            actor=actor,
            huvudman=target.version.framework.huvudman,
            action="target.delete",
            obj=target,
            object_label=target.metric,
        )
        target.delete()


def scale_create(
    *,
    actor: Person,
    huvudman: Huvudman,
    slug: str,
    name: str,
    description: str,
    levels: list[dict[str, Any]],
) -> Scale:
    """A scale of the huvudman's own, with its levels in the order given. Its short name may be
    neither one of its own scales' nor a built-in scale's: an indicator names its scale by it."""
    with transaction.atomic():
        if Scale.objects.filter(Q(huvudman=huvudman) | Q(huvudman__isnull=True), slug=slug).exists():
            raise ValidationError({"slug": ERROR_SLUG_TAKEN})
        scale = Scale(huvudman=huvudman, slug=slug, name=name, description=description)
        scale.full_clean(validate_constraints=False)
        scale.save()
        ScaleLevel.objects.bulk_create(
            ScaleLevel(scale=scale, order=i, **level) for i, level in enumerate(levels)
        )
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="scale.create",
            obj=scale,
            after={"levels": len(levels)},
        )
    return scale


def _check_holder_rows(version: FrameworkVersion, *rows: RoleTitle | Group | None) -> None:
    """A title or group must be the framework's own huvudman's, never another's."""
    for row in rows:
        if row is not None and row.huvudman_id != version.framework.huvudman_id:
            raise ValidationError(ERROR_OTHER_HUVUDMAN, code="tenancy")


def version_details_save(
    *, actor: Person | None, version: FrameworkVersion, **fields: Any
) -> FrameworkVersion:
    """The period of validity and the decision. They describe the version rather than its
    content, so they may be recorded after it is published (the decision often comes then)."""
    with transaction.atomic():
        before = {key: str(getattr(version, key) or "") for key in fields}
        for key, value in fields.items():
            setattr(version, key, value)
        if version.valid_from and version.valid_to and version.valid_to < version.valid_from:
            raise ValidationError({"valid_to": ERROR_VALID_TO_BEFORE_FROM})
        version.save(update_fields=list(fields))
        audit_record(
            actor=actor,
            huvudman=version.framework.huvudman,
            action="framework_version.details",
            obj=version,
            before=before,
            after={key: str(value or "") for key, value in fields.items()},
        )
    return version


def framework_describe(*, actor: Person | None, framework: Framework, **fields: Any) -> Framework:
    """The framework's name, source and standing: they describe the document, not a version's
    content, so a built-in framework whose 2017 strategy ran out can say so without a new version
    (which would leave every link bound to the old one)."""
    with transaction.atomic():
        before = {key: str(getattr(framework, key) or "") for key in fields}
        for key, value in fields.items():
            setattr(framework, key, value)
        framework.full_clean()
        framework.save(update_fields=list(fields))
        audit_record(
            actor=actor,
            huvudman=framework.huvudman,
            action="framework.describe",
            obj=framework,
            before=before,
            after={key: str(value or "") for key, value in fields.items()},
        )
    return framework


def follow_up_add(
    *, actor: Person | None, version: FrameworkVersion, date: datetime.date, text: str
) -> FollowUp:
    with transaction.atomic():
        follow_up = FollowUp(version=version, date=date, text=text.strip(), order=version.follow_ups.count())
        follow_up.full_clean(exclude=["version"])
        follow_up.save()
        audit_record(
            actor=actor,
            huvudman=version.framework.huvudman,
            action="follow_up.add",
            obj=follow_up,
            object_label=str(follow_up)[:200],
        )
    return follow_up


def follow_up_mark(*, actor: Person | None, follow_up: FollowUp, done_on: datetime.date | None) -> FollowUp:
    """Marks the follow-up done on a day (None: not done after all). Like the period and the
    decision, it describes the version, so a published version takes it."""
    with transaction.atomic():
        before = str(follow_up.done_on or "")
        follow_up.done_on = done_on
        follow_up.save(update_fields=["done_on"])
        audit_record(
            actor=actor,
            huvudman=follow_up.version.framework.huvudman,
            action="follow_up.done" if done_on else "follow_up.undone",
            obj=follow_up,
            object_label=str(follow_up)[:200],
            before={"done_on": before},
            after={"done_on": str(done_on or "")},
        )
    return follow_up


def follow_up_delete(*, actor: Person | None, follow_up: FollowUp) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            huvudman=follow_up.version.framework.huvudman,
            action="follow_up.delete",
            obj=follow_up,
            object_label=str(follow_up)[:200],
        )
        follow_up.delete()
