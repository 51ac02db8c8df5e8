"""The activity library, and the secret of a person's calendar feed."""

import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from digiplan.audit.services import audit_record
from digiplan.frameworks.models import Item
from digiplan.organisations.models import Huvudman, Person, RoleTitle
from digiplan.plans.models import (
    CalendarFeed,
    LibraryActivity,
)
from digiplan.plans.services.checks import (
    ERROR_ROLE,
    _check_items,
    _clean_text,
    _fields,
    _locked,
)

# ---- The activity library ---------------------------------------------------------------------

LIBRARY_FIELDS = (
    "title",
    "description",
    "role_title",
    "duration",
    "school_forms",
    "for_staff",
    "source",
    "is_published",
)


def _library_values(
    huvudman: Huvudman,
    *,
    title: str,
    description: str,
    items: Iterable[Item] | None,
    role_title: RoleTitle | None,
    duration: str | None,
    school_forms: Iterable[str] | None,
    for_staff: bool,
    source: str | None,
) -> tuple[dict[str, Any], list[Item]]:
    if role_title is not None and role_title.huvudman_id != huvudman.pk:
        raise ValidationError({"role_title": ERROR_ROLE})
    return (
        {
            "title": _clean_text(title, "title", required=True, max_length=200),
            "description": _clean_text(description, "description"),
            "role_title": role_title,
            "duration": (duration or "").strip()[:100],
            "school_forms": list(school_forms or []),
            "for_staff": bool(for_staff),
            "source": (source or "").strip()[:300],
        },
        _check_items(huvudman, items),
    )


def library_create(
    *,
    actor: Person | None,
    huvudman: Huvudman,
    title: str,
    description: str = "",
    items: Iterable[Item] = (),
    role_title: RoleTitle | None = None,
    duration: str = "",
    school_forms: Iterable[str] = (),
    for_staff: bool = False,
    source: str = "",
    publish: bool = False,
) -> LibraryActivity:
    with transaction.atomic():
        values, items = _library_values(
            huvudman,
            title=title,
            description=description,
            items=items,
            role_title=role_title,
            duration=duration,
            school_forms=school_forms,
            for_staff=for_staff,
            source=source,
        )
        entry = LibraryActivity(
            huvudman=huvudman,
            is_published=publish,
            created_by=actor if getattr(actor, "pk", None) else None,
            **values,
        )
        _save(entry, items, actor=actor, action="library.create", before=None)
    return entry


def _save(
    entry: LibraryActivity,
    items: list[Item],
    *,
    actor: Person | None,
    action: str,
    before: dict[str, str] | None,
) -> None:
    """Checks and saves the entry with its items and its audit row."""
    entry.full_clean(exclude=["role_title"])
    entry.save()
    entry.items.set(items)
    audit_record(
        actor=actor,
        huvudman=entry.huvudman,
        action=action,
        obj=entry,
        before=before,
        after=_fields(entry, LIBRARY_FIELDS),
    )


def library_update(
    *,
    actor: Person | None,
    entry: LibraryActivity,
    revision: int | None,
    title: str,
    description: str = "",
    items: Iterable[Item] = (),
    role_title: RoleTitle | None = None,
    duration: str = "",
    school_forms: Iterable[str] = (),
    for_staff: bool = False,
    source: str = "",
    publish: bool = False,
) -> LibraryActivity:
    with transaction.atomic():
        entry = _locked(LibraryActivity, entry, revision)
        before = _fields(entry, LIBRARY_FIELDS)
        values, items = _library_values(
            entry.huvudman,
            title=title,
            description=description,
            items=items,
            role_title=role_title,
            duration=duration,
            school_forms=school_forms,
            for_staff=for_staff,
            source=source,
        )
        for name, value in values.items():
            setattr(entry, name, value)
        entry.is_published = publish
        _save(entry, items, actor=actor, action="library.update", before=before)
    return entry


def library_delete(*, actor: Person | None, entry: LibraryActivity) -> None:
    """Copies in plans stay: they are the units' own activities."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            huvudman=entry.huvudman,
            action="library.delete",
            obj=entry,
            before={"title": entry.title},
        )
        entry.delete()


# ---- Calendar --------------------------------------------------------------------------------


def calendar_feed_secret(*, person: Person, renew: bool = False) -> str:
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(person=person).first()
        if feed is not None and not renew:
            return feed.secret
        secret = secrets.token_urlsafe(32)
        if feed is None:
            CalendarFeed.objects.create(person=person, secret=secret)
        else:
            feed.secret = secret
            feed.save(update_fields=["secret"])
        audit_record(
            actor=person,
            huvudman=person.huvudman,
            action="calendar.renew" if renew else "calendar.create",
            obj=person,
        )
    return secret
