"""Writing a checked framework file as a new version: the framework (created if missing), its
scales (an identical existing scale is reused), items, links, responsibilities and targets, in
one transaction with its audit row."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiplan.audit.services import audit_record
from digiplan.frameworks.exchange.format import LINK, FrameworkFileError, iso_date, target_value, translations
from digiplan.frameworks.exchange.holders import Holders
from digiplan.frameworks.exchange.parsing import parse
from digiplan.frameworks.models import (
    FollowUp,
    Framework,
    FrameworkVersion,
    Item,
    Responsibility,
    Scale,
    ScaleLevel,
    Target,
    VersionStatus,
)
from digiplan.organisations.models import Huvudman, Person

ERROR_DRAFT_IN_THE_WAY = gettext_lazy(
    "The framework “%(name)s” already has a draft, with %(items)s items, started %(date)s. "
    "Importing the file would replace that draft and the changes made in it. Tick “Replace the "
    "existing draft” and import again to replace it, or publish or discard the draft first."
)


class DraftInTheWay(Exception):
    """A draft of the framework exists and the caller did not agree to replace it."""

    def __init__(self, draft: FrameworkVersion):
        self.draft = draft
        self.message = str(ERROR_DRAFT_IN_THE_WAY) % {
            "name": draft.framework.name,
            "items": draft.items.count(),
            "date": formats.date_format(timezone.localtime(draft.created_at), "j F Y"),
        }
        super().__init__(self.message)


@transaction.atomic
def import_framework(
    text: str,
    *,
    huvudman: Huvudman | None,
    actor: Person | None,
    publish: bool = False,
    replace_draft: bool = True,
) -> FrameworkVersion:
    """Loads a file as a new version of the framework with its slug (created if missing):
    a draft, or published at once with publish=True. Refused whole on any error. An existing
    draft of the framework gives way to the file, unless replace_draft=False: then DraftInTheWay."""
    data = parse(text)
    framework = _framework_for(data, huvudman, replace_draft=replace_draft)
    version = FrameworkVersion.objects.create(
        framework=framework,
        created_by=actor,
        note=str(data.get("note") or "").strip(),
        **_version_details(data),
    )
    _create_follow_ups(version, data.get("follow_ups") or [])
    scales = {str(s["slug"]).strip(): _get_or_create_scale(s, huvudman) for s in data.get("scales") or []}
    writer = _ItemWriter(version=version, scales=scales)
    writer.create(data["items"], None)
    writer.link(framework.slug, huvudman)
    holders = Holders(huvudman)
    _create_responsibilities(version, data.get("responsibilities") or [], writer.items, holders)
    _create_targets(version, data.get("targets") or [], writer.items, holders)
    holders.raise_errors()
    audit_record(
        actor=actor,
        huvudman=huvudman,
        action="framework.import",
        obj=framework,
        extra={"items": len(writer.items), "version": version.pk},
    )
    if publish:
        from digiplan.frameworks.services import version_publish

        version = version_publish(actor=actor, version=version)
    return version


def _framework_for(data: dict[str, Any], huvudman: Huvudman | None, *, replace_draft: bool) -> Framework:
    """The huvudman's framework with the file's slug, created or updated from the file; an
    earlier draft of it gives way to the imported version when replace_draft allows it."""
    framework, created = Framework.objects.get_or_create(
        huvudman=huvudman,
        slug=str(data["slug"]).strip(),
        defaults={
            "name": str(data["name"]).strip(),
            "kind": data["kind"],
            "source": str(data.get("source") or "").strip(),
            "standing": data.get("standing") or "",
        },
    )
    if not created:
        draft = FrameworkVersion.objects.filter(framework=framework, status=VersionStatus.DRAFT).first()
        if draft is not None and not replace_draft:
            raise DraftInTheWay(draft)
        framework.name, framework.kind = str(data["name"]).strip(), data["kind"]
        framework.source = str(data.get("source") or "").strip()
        framework.standing = data.get("standing") or ""
        framework.save()
        FrameworkVersion.objects.filter(framework=framework, status=VersionStatus.DRAFT).delete()
    return framework


@dataclass
class _ItemWriter:
    """Creates the items of the file in a version, then their links, which may point to items
    created later or to other frameworks' items."""

    version: FrameworkVersion
    scales: dict[str, Scale]
    items: dict[str, Item] = field(default_factory=dict)  # by code
    pending_links: list[tuple[Item, str, Any]] = field(default_factory=list)

    def scale_for(self, slug: str) -> Scale:
        return self.scales.get(slug) or Scale.objects.get(slug=slug, huvudman__isnull=True)

    def create(self, nodes: list[Any], parent: Item | None) -> None:
        for order, node in enumerate(nodes):
            item = Item.objects.create(
                version=self.version,
                parent=parent,
                kind=node["kind"],
                code=str(node["code"]).strip(),
                title=str(node["title"]).strip(),
                description=str(node.get("description") or "").strip(),
                order=order,
                respondent=node.get("respondent") or "",
                scale=self.scale_for(node["scale"]) if node.get("scale") else None,
                level_descriptions={str(k): v for k, v in (node.get("levels") or {}).items()},
                school_forms=list(node.get("school_forms") or []),
                translations=node.get("translations") or {},
            )
            self.items[item.code] = item
            self.pending_links.extend((item, link, node) for link in node.get("links") or [])
            self.create(node.get("children") or [], item)

    def link(self, own_slug: str, huvudman: Huvudman | None) -> None:
        """Adds every link; refuses the file when any points nowhere."""
        errors: list[tuple[int, str]] = []
        for item, link, node in self.pending_links:
            target = self._resolve(link, own_slug, huvudman)
            if target is None:
                errors.append(
                    (
                        getattr(node, "line", 0),
                        _("The link “%(link)s” points to an item that does not exist.") % {"link": link},
                    )
                )
            else:
                item.links.add(target)
        if errors:
            raise FrameworkFileError(errors)

    def _resolve(self, link: str, own_slug: str, huvudman: Huvudman | None) -> Item | None:
        """The item a link names: in this file, or in a published (or archived) version of the
        huvudman's or a built-in framework, the latest published one unless it names a number."""
        match = LINK.match(link)
        if match is None:  # parse() let no such link through
            return None
        slug, number, code = match.group("slug"), match.group("number"), match.group("code")
        if not slug or slug == own_slug:
            return self.items[code]
        frameworks = Framework.objects.filter(slug=slug).filter(
            **({"huvudman__isnull": True} if huvudman is None else {})
        )
        framework = (frameworks.filter(huvudman=huvudman).first() if huvudman else None) or frameworks.filter(
            huvudman__isnull=True
        ).first()
        versions = FrameworkVersion.objects.filter(
            framework=framework, status__in=[VersionStatus.PUBLISHED, VersionStatus.ARCHIVED]
        )
        version = (
            versions.filter(number=int(number)).first()
            if number
            else versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
        )
        return Item.objects.filter(version=version, code=code).first() if version else None


def _scale_signature(scale_data: dict[str, Any]) -> tuple:
    def text(value: object) -> str:
        return str(value or "").strip()

    return (
        text(scale_data.get("name")),
        text(scale_data.get("description")),
        translations(scale_data.get("translations") or {}),
        tuple(
            (
                lv["value"],
                text(lv["label"]),
                text(lv.get("description")),
                bool(lv.get("not_applicable")),
                translations(lv.get("translations") or {}),
            )
            for lv in scale_data.get("levels") or []
        ),
    )


def _existing_signature(scale: Scale) -> tuple:
    return (
        scale.name,
        scale.description,
        translations(scale.translations),
        tuple(
            (lv.value, lv.label, lv.description, lv.not_applicable, translations(lv.translations))
            for lv in scale.levels.all()
        ),
    )


def _get_or_create_scale(data: dict[str, Any], huvudman: Huvudman | None) -> Scale:
    wanted = str(data["slug"]).strip()
    candidates = Scale.objects.filter(slug=wanted).prefetch_related("levels")
    for scale in [*candidates.filter(huvudman=huvudman)] + (
        [*candidates.filter(huvudman__isnull=True)] if huvudman else []
    ):
        if _existing_signature(scale) == _scale_signature(data):
            return scale
    slug, n = wanted, 2
    while Scale.objects.filter(slug=slug, huvudman=huvudman).exists():
        slug, n = f"{wanted}-{n}", n + 1
    scale = Scale.objects.create(
        huvudman=huvudman,
        slug=slug,
        name=str(data["name"]).strip(),
        description=str(data.get("description") or "").strip(),
        translations=data.get("translations") or {},
    )
    ScaleLevel.objects.bulk_create(
        ScaleLevel(
            scale=scale,
            value=lv["value"],
            label=str(lv["label"]).strip(),
            description=str(lv.get("description") or "").strip(),
            not_applicable=bool(lv.get("not_applicable")),
            order=i,
            translations=lv.get("translations") or {},
        )
        for i, lv in enumerate(data["levels"])
    )
    return scale


def _create_responsibilities(
    version: FrameworkVersion, rows: list[Any], items: dict[str, Item], holders: Holders
) -> None:
    Responsibility.objects.bulk_create(
        Responsibility(
            version=version,
            role=r.get("role") or "",
            role_title=_text(r.get("title")),
            title=holders.title(r, required=False),
            group=holders.group(r),
            party=_text(r.get("party")),
            area=items.get(r.get("area")) if r.get("area") else None,
            text=str(r["text"]).strip(),
            order=i,
            translations=r.get("translations") or {},
        )
        for i, r in enumerate(rows)
    )


def _create_targets(
    version: FrameworkVersion, rows: list[Any], items: dict[str, Item], holders: Holders
) -> None:
    Target.objects.bulk_create(
        Target(
            version=version,
            item=items.get(t.get("item")) if t.get("item") else None,
            metric=str(t["metric"]).strip(),
            school_form=str(t.get("school_form") or "").strip(),
            grade_band=str(t.get("grade_band") or "").strip(),
            value=_checked_value(t["value"]),
            description=str(t.get("description") or "").strip(),
            order=i,
            owner_title=holders.title(t.get("owner"), required=True),
            owner_group=holders.group(t.get("owner")),
            owner_party=_text((t.get("owner") or {}).get("party")),
            due_date=iso_date(t.get("due_date")),
            measured_by=_text(t.get("measured_by")),
        )
        for i, t in enumerate(rows)
    )


def _text(value: object) -> str:
    return str(value or "").strip()


def _version_details(data: dict[str, Any]) -> dict[str, Any]:
    decision = data.get("decision") or {}
    return {
        "valid_from": iso_date(data.get("valid_from")),
        "valid_to": iso_date(data.get("valid_to")),
        "decision_body": _text(decision.get("body")),
        "decision_date": iso_date(decision.get("date")),
        "decision_reference": _text(decision.get("reference")),
    }


def _create_follow_ups(version: FrameworkVersion, rows: list[Any]) -> None:
    FollowUp.objects.bulk_create(
        FollowUp(version=version, date=day, text=_text(f["text"]), order=i)
        for i, f in enumerate(rows)
        if (day := iso_date(f["date"])) is not None  # parse() let no other date through
    )


def _checked_value(value: object) -> Decimal:
    number = target_value(value)
    if number is None:  # parse() let no such value through
        raise FrameworkFileError([(getattr(value, "line", 0), _("A target's “value” must be a number."))])
    return number
