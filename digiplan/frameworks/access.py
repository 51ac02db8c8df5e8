"""Who may read and change frameworks. Built-in frameworks are read by everyone signed in and
changed by no one; a huvudman's frameworks are read by its people (drafts by its strategists
only) and changed by its strategists."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from digiplan.frameworks.models import Framework, FrameworkVersion, Item, VersionStatus
from digiplan.organisations import access as org_access


def readable_frameworks(person) -> QuerySet[Framework]:
    if not person.is_authenticated:
        return Framework.objects.none()
    return Framework.objects.filter(Q(huvudman__isnull=True) | Q(huvudman_id=person.huvudman_id))


def can_edit(person, framework: Framework) -> bool:
    return (
        framework.huvudman_id is not None
        and framework.huvudman_id == person.huvudman_id
        and org_access.is_strategist(person)
    )


def can_read_version(person, version: FrameworkVersion) -> bool:
    framework = version.framework
    if not person.is_authenticated:
        return False
    if framework.huvudman_id not in (None, person.huvudman_id):
        return False
    return version.status != VersionStatus.DRAFT or can_edit(person, framework)


def get_framework(person, pk: int) -> tuple[Framework, bool]:
    framework = readable_frameworks(person).filter(pk=pk).first()
    if framework is None:
        raise Http404
    return framework, can_edit(person, framework)


def get_version(person, pk: int) -> tuple[FrameworkVersion, bool]:
    version = FrameworkVersion.objects.select_related("framework").filter(pk=pk).first()
    if version is None or not can_read_version(person, version):
        raise Http404
    return version, can_edit(person, version.framework)


def get_version_to_edit(person, pk: int) -> FrameworkVersion:
    version, editable = get_version(person, pk)
    if not editable:
        raise PermissionDenied
    return version


def get_item(person, pk: int) -> tuple[Item, bool]:
    item = Item.objects.select_related("version__framework", "scale", "parent").filter(pk=pk).first()
    if item is None or not can_read_version(person, item.version):
        raise Http404
    return item, can_edit(person, item.version.framework)


def visible_items(person) -> QuerySet[Item]:
    """Items the person may see: built-in ones and their own huvudman's, drafts excluded
    unless they may edit them."""
    items = Item.objects.filter(
        Q(version__framework__huvudman__isnull=True) | Q(version__framework__huvudman_id=person.huvudman_id)
    )
    if not org_access.is_strategist(person):
        items = items.exclude(version__status=VersionStatus.DRAFT)
    return items
