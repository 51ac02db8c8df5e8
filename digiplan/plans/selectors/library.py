"""Reads of the activity library page: the examples one may see, filtered by words, school
form and framework item."""

from django.db.models import Count, Q, QuerySet

from digiplan.frameworks.models import Item, VersionStatus
from digiplan.plans.models import LibraryActivity


def linkable_items(huvudman_id: int) -> QuerySet[Item]:
    """Items of the huvudman's own and the built-in published framework versions, in reading
    order per framework."""
    return (
        Item.objects.filter(
            Q(version__framework__huvudman__isnull=True) | Q(version__framework__huvudman_id=huvudman_id),
            version__status=VersionStatus.PUBLISHED,
        )
        .select_related("version__framework", "parent")
        .order_by("version__framework__name", "-version__number", "order", "code")
    )


def library_entries(huvudman_id: int, *, drafts: bool, words: str) -> list[LibraryActivity]:
    """The huvudman's examples (drafts too for those who write them) whose title or description
    holds the words, with how often and at how many units they were copied."""
    entries = (
        LibraryActivity.objects.filter(huvudman_id=huvudman_id)
        .select_related("role_title")
        .prefetch_related("items__version__framework")
        .annotate(
            uses=Count("copies", distinct=True), unit_count=Count("copies__plan__organisation", distinct=True)
        )
        .order_by("title", "pk")
    )
    if not drafts:
        entries = entries.filter(is_published=True)
    if words:
        entries = entries.filter(Q(title__icontains=words) | Q(description__icontains=words))
    return list(entries)


def filter_items(huvudman_id: int, entries: list[LibraryActivity]) -> list[Item]:
    """The items one may filter by: every area (top item) of the published frameworks, and
    every item an example links to."""
    linked = {i.pk for e in entries for i in e.items.all()}
    return list(linkable_items(huvudman_id).filter(Q(parent__isnull=True) | Q(pk__in=linked)))


def for_school_form(entries: list[LibraryActivity], school_form: str) -> list[LibraryActivity]:
    """An example with no school forms named suits every school form."""
    return [e for e in entries if not e.school_forms or school_form in e.school_forms]


def serving_item(entries: list[LibraryActivity], item: Item) -> list[LibraryActivity]:
    """The examples linked to the item, to a parent of it or to anything below it."""
    keys = _wanted_keys(item)
    return [e for e in entries if any((i.version.framework_id, i.code) in keys for i in e.items.all())]


def _wanted_keys(item: Item) -> set[tuple[int, str]]:
    """(framework, code) of the item, its parents and everything below it: an example linked to
    any of them serves the item, in whichever version of the framework it was linked."""
    framework = item.version.framework_id
    keys: set[tuple[int, str]] = set()
    current: Item | None = item
    while current is not None:
        keys.add((framework, current.code))
        current = current.parent
    below = {item.pk}
    version_items = list(
        Item.objects.filter(version_id=item.version_id).values_list("pk", "parent_id", "code")
    )
    grew = True
    while grew:
        grew = False
        for pk, parent_id, code in version_items:
            if parent_id in below and pk not in below:
                below.add(pk)
                keys.add((framework, code))
                grew = True
    return keys


def copies_of(entry: LibraryActivity) -> int:
    """How many plan activities were copied from the example."""
    return entry.copies.count()
