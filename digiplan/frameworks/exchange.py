"""The framework file format (docs/framework-format.md): a whole framework version as YAML.
export_framework → import_framework → export_framework gives the same text."""

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from digiplan.audit.services import audit_record
from digiplan.frameworks import yamlfile
from digiplan.frameworks.models import (
    TITLE_MAX,
    Framework,
    FrameworkKind,
    FrameworkVersion,
    Item,
    ItemKind,
    RespondentGroup,
    Responsibility,
    Scale,
    ScaleLevel,
    Target,
    VersionStatus,
)
from digiplan.lib.uploads import ERROR_EMPTY, UploadRejected
from digiplan.organisations.models import Role

FORMAT = "digiplan-framework/1"
MAX_FILE_BYTES = 2 * 1024 * 1024
TEXT_MAX = 20_000
LANGUAGES = ("en", "sv")

TOP_KEYS = {
    "format",
    "slug",
    "name",
    "kind",
    "source",
    "version",
    "note",
    "scales",
    "items",
    "responsibilities",
    "targets",
}
SCALE_KEYS = {"slug", "name", "description", "translations", "levels"}
LEVEL_KEYS = {"value", "label", "description", "not_applicable", "translations"}
ITEM_KEYS = {
    "code",
    "kind",
    "title",
    "description",
    "respondent",
    "scale",
    "levels",
    "school_forms",
    "links",
    "translations",
    "children",
}
RESPONSIBILITY_KEYS = {"role", "title", "area", "text", "translations"}
TARGET_KEYS = {"metric", "item", "school_form", "grade_band", "value", "description"}
TRANSLATION_KEYS = {"title", "description", "name", "label", "text", "levels"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
CODE = re.compile(r"^[\w.\-]{1,40}$")
LINK = re.compile(
    r"^(?:(?P<slug>[a-z0-9][a-z0-9-]{0,99})(?:@(?P<number>\d{1,9}))?:)?"
    r"(?P<code>[\w.\-]{1,40})$"
)
LEVEL_MAX = 1_000_000  # a level's value, well inside the database's integer


class FrameworkFileError(Exception):
    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = sorted(errors)[:100]
        super().__init__("; ".join(f"{line}: {message}" for line, message in self.errors))


@dataclass
class _Checker:
    errors: list[tuple[int, str]] = field(default_factory=list)

    def add(self, node, message: str) -> None:
        self.errors.append((getattr(node, "line", 0), str(message)))

    def keys(self, node, allowed: set[str], what: str) -> bool:
        if not isinstance(node, dict):
            self.add(node, _("%(what)s must be a mapping of keys and values.") % {"what": what})
            return False
        for key in node:
            if key not in allowed:
                line = node.line_of(key) if hasattr(node, "line_of") else 0
                self.errors.append(
                    (
                        line,
                        str(
                            _("Unknown key “%(key)s” in %(what)s. Allowed: %(allowed)s.")
                            % {"key": str(key)[:60], "what": what, "allowed": ", ".join(sorted(allowed))}
                        ),
                    )
                )
        return True

    def text(self, node, key: str, *, required=False, max_length=TEXT_MAX) -> str:
        value = node.get(key, "") if isinstance(node, dict) else ""
        if value is None:
            value = ""
        if (
            not isinstance(value, (str, int, float))
            or isinstance(value, bool)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            self.add(node, _("“%(key)s” must be text.") % {"key": key})
            return ""
        value = str(value).strip()
        if required and not value:
            self.add(node, _("“%(key)s” is missing.") % {"key": key})
        if len(value) > max_length:
            self.add(
                node, _("“%(key)s” is longer than %(max)s characters.") % {"key": key, "max": max_length}
            )
            return value[:max_length]
        return value

    def list(self, node, key: str) -> list:
        """The list under key, or [] with an error when something else is there."""
        value = node.get(key) if isinstance(node, dict) else None
        if value is None or isinstance(value, list):
            return value or []
        self.add(node, _("“%(key)s” must be a list.") % {"key": key})
        return []

    def translations(self, node) -> dict:
        value = node.get("translations") if isinstance(node, dict) else None
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(node, _("“translations” must map a language code to texts."))
            return {}
        result = {}
        for language, texts in value.items():
            if language not in LANGUAGES:
                self.add(
                    value, _("Unknown language “%(code)s”; use en or sv.") % {"code": str(language)[:10]}
                )
                continue
            if self.keys(texts, TRANSLATION_KEYS, _("a translation")):
                result[language] = {
                    k: self.text(
                        texts, k, max_length=TITLE_MAX if k in ("title", "name", "label") else TEXT_MAX
                    )
                    for k in texts
                    if k in TRANSLATION_KEYS and k != "levels"
                }
                levels = texts.get("levels")
                if levels is not None:
                    if not isinstance(levels, dict) or not all(
                        isinstance(k, int) and isinstance(v, str) for k, v in levels.items()
                    ):
                        self.add(texts, _("“levels” maps a level value to its description."))
                    else:
                        result[language]["levels"] = {k: v.strip() for k, v in levels.items()}
        return result


def _items_flat(items):
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            yield item
            yield from _items_flat(item.get("children") or [])


def parse(text: str) -> dict:
    """Reads and checks a whole file; raises FrameworkFileError listing every problem."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise FrameworkFileError(
            [(0, _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // 2**20})]
        )
    if not text.strip():
        raise FrameworkFileError([(0, str(ERROR_EMPTY))])
    try:
        data = yamlfile.load(text)
    except UploadRejected as rejected:
        raise FrameworkFileError([(0, rejected.message)]) from None
    except Exception as error:  # yaml's errors carry the position
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(error, "problem", None) or str(error)
        raise FrameworkFileError(
            [(line, _("The file is not valid YAML: %(problem)s") % {"problem": problem})]
        ) from None
    check = _Checker()
    if not isinstance(data, dict):
        raise FrameworkFileError(
            [(1, _("The file must be a framework: a mapping with format, slug, name and items."))]
        )
    check.keys(data, TOP_KEYS, _("the framework"))
    if data.get("format") != FORMAT:
        check.add(data, _("“format” must be “%(format)s”.") % {"format": FORMAT})
    slug = check.text(data, "slug", required=True, max_length=100)
    if slug and not SLUG.match(slug):
        check.add(data, _("“slug” may hold lower-case letters a–z, digits and hyphens only."))
    check.text(data, "name", required=True, max_length=TITLE_MAX)
    if data.get("kind") not in FrameworkKind.values:
        check.add(data, _("“kind” must be one of: %(kinds)s.") % {"kinds": ", ".join(FrameworkKind.values)})
    check.text(data, "source")
    check.text(data, "note")

    scales = {}
    for scale in check.list(data, "scales"):
        if not check.keys(scale, SCALE_KEYS, _("a scale")):
            continue
        scale_slug = check.text(scale, "slug", required=True, max_length=76)  # room for "-2"
        if scale_slug in scales:
            check.add(scale, _("The scale “%(slug)s” is defined twice.") % {"slug": scale_slug})
        scales[scale_slug] = scale
        check.text(scale, "name", required=True, max_length=TITLE_MAX)
        check.text(scale, "description")
        check.translations(scale)
        levels = check.list(scale, "levels")
        values = set()
        for level in levels:
            if not check.keys(level, LEVEL_KEYS, _("a scale level")):
                continue
            value = level.get("value")
            if not isinstance(value, int) or isinstance(value, bool) or abs(value) > LEVEL_MAX:
                check.add(level, _("A level's “value” must be a whole number."))
            elif value in values:
                check.add(level, _("The value %(value)s appears twice in the scale.") % {"value": value})
            values.add(value)
            check.text(level, "label", required=True, max_length=200)
            check.text(level, "description")
            check.translations(level)
            if not isinstance(level.get("not_applicable", False), bool):
                check.add(level, _("“not_applicable” must be true or false."))
        if len([lv for lv in levels if isinstance(lv, dict) and not lv.get("not_applicable")]) < 2:
            check.add(
                scale, _("The scale “%(slug)s” needs at least two levels that count.") % {"slug": scale_slug}
            )

    items = data.get("items") or []
    if not isinstance(items, list) or not items:
        check.add(data, _("The framework has no items."))
        items = []
    codes: dict[str, object] = {}

    def walk(nodes, parent_code):
        if not isinstance(nodes, list):
            check.add(nodes, _("“children” must be a list."))
            return
        for node in nodes:
            if not check.keys(node, ITEM_KEYS, _("an item")):
                continue
            if isinstance(node.get("code"), (int, float)) and not isinstance(node.get("code"), bool):
                # 1.10 would silently become 1.1: codes that look like numbers must be quoted.
                check.add(
                    node,
                    _('Write the code %(code)s in quotes, as text: "%(code)s".') % {"code": node.get("code")},
                )
            code = check.text(node, "code", required=True, max_length=40)
            if code and not CODE.match(code):
                check.add(
                    node,
                    _("The code “%(code)s” may hold letters, digits, dots and hyphens only.")
                    % {"code": code},
                )
            if code in codes:
                check.add(
                    node,
                    _("The code “%(code)s” is used twice (also on line %(line)s).")
                    % {"code": code, "line": getattr(codes[code], "line", 0)},
                )
            codes[code] = node
            if node.get("kind") not in ItemKind.values:
                check.add(
                    node,
                    _("Unknown item kind “%(kind)s”; use one of: %(kinds)s.")
                    % {"kind": str(node.get("kind"))[:40], "kinds": ", ".join(ItemKind.values)},
                )
            check.text(node, "title", required=True, max_length=TITLE_MAX)
            check.text(node, "description")
            check.translations(node)
            if node.get("kind") == ItemKind.INDICATOR:
                if node.get("respondent") not in RespondentGroup.values:
                    check.add(
                        node,
                        _("The indicator %(code)s needs “respondent”: leader, staff or pupil.")
                        % {"code": code},
                    )
                scale_slug = node.get("scale")
                if not scale_slug:
                    check.add(node, _("The indicator %(code)s has no scale.") % {"code": code})
                elif not isinstance(scale_slug, str):
                    check.add(node, _("“%(key)s” must be text.") % {"key": "scale"})
                elif (
                    scale_slug not in scales
                    and not Scale.objects.filter(slug=scale_slug, huvudman__isnull=True).exists()
                ):
                    check.add(
                        node, _("The scale “%(slug)s” is not defined.") % {"slug": str(scale_slug)[:80]}
                    )
            elif node.get("respondent") or node.get("scale"):
                check.add(node, _("Only indicators have a respondent group and a scale."))
            levels = node.get("levels") or {}
            if not isinstance(levels, dict) or not all(
                isinstance(k, int) and isinstance(v, str) for k, v in levels.items()
            ):
                check.add(node, _("“levels” maps a level value to its description."))
            forms = node.get("school_forms") or []
            if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
                check.add(node, _("“school_forms” must be a list of SS 12000 codes."))
            links = node.get("links") or []
            if not isinstance(links, list) or not all(isinstance(x, str) and LINK.match(x) for x in links):
                check.add(node, _("“links” must be a list like “framework-slug:CODE”."))
            walk(node.get("children") or [], code)

    walk(items, None)
    flat = [n for n in _items_flat(items) if isinstance(n, dict)]

    # Links inside the file must exist and must not go round in a circle.
    inner: dict[str, list[str]] = {}
    for node in flat:
        for link in node.get("links") if isinstance(node.get("links"), list) else []:
            match = LINK.match(link) if isinstance(link, str) else None
            if match and (not match.group("slug") or match.group("slug") == slug):
                if match.group("code") not in codes:
                    check.add(
                        node, _("The link “%(link)s” points to an item that does not exist.") % {"link": link}
                    )
                inner.setdefault(str(node.get("code")), []).append(match.group("code"))
    for start in inner:
        seen, stack = set(), [start]
        while stack:
            current = stack.pop()
            for target in inner.get(current, []):
                if target == start:
                    check.add(codes.get(start), _("The links of %(code)s form a cycle.") % {"code": start})
                    stack = []
                    break
                if target not in seen:
                    seen.add(target)
                    stack.append(target)

    for node in check.list(data, "responsibilities"):
        if not check.keys(node, RESPONSIBILITY_KEYS, _("a responsibility")):
            continue
        if node.get("role") not in Role.values:
            check.add(node, _("“role” must be one of: %(roles)s.") % {"roles": ", ".join(Role.values)})
        check.text(node, "title", max_length=120)
        check.text(node, "text", required=True)
        if node.get("area") and (not isinstance(node.get("area"), str) or node.get("area") not in codes):
            check.add(
                node,
                _("The area “%(code)s” is not an item in the file.") % {"code": str(node.get("area"))[:40]},
            )
        check.translations(node)
    for node in check.list(data, "targets"):
        if not check.keys(node, TARGET_KEYS, _("a target")):
            continue
        check.text(node, "metric", required=True, max_length=60)
        check.text(node, "description", max_length=TITLE_MAX)
        check.text(node, "school_form", max_length=10)
        check.text(node, "grade_band", max_length=20)
        if _target_value(node.get("value")) is None:
            check.add(node, _("A target's “value” must be a number."))
        if node.get("item") and (not isinstance(node.get("item"), str) or node.get("item") not in codes):
            check.add(
                node, _("The item “%(code)s” is not in the file.") % {"code": str(node.get("item"))[:40]}
            )
    if check.errors:
        raise FrameworkFileError(check.errors)
    return data


def _target_value(value) -> Decimal | None:
    """The value as the database keeps it (10 digits, 3 decimals), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= 10**7 or number != round(number, 3):
        return None
    return number


def _resolve_link(link: str, own_slug: str, huvudman, new_items: dict[str, Item], node, errors):
    match = LINK.match(link)
    slug, number, code = match.group("slug"), match.group("number"), match.group("code")
    if not slug or slug == own_slug:
        return new_items[code]
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
    item = Item.objects.filter(version=version, code=code).first() if version else None
    if item is None:
        errors.append(
            (
                getattr(node, "line", 0),
                _("The link “%(link)s” points to an item that does not exist.") % {"link": link},
            )
        )
    return item


def _scale_signature(scale_data) -> tuple:
    def text(value):
        return str(value or "").strip()

    return (
        text(scale_data.get("name")),
        text(scale_data.get("description")),
        _translations(scale_data.get("translations") or {}),
        tuple(
            (
                lv["value"],
                text(lv["label"]),
                text(lv.get("description")),
                bool(lv.get("not_applicable")),
                _translations(lv.get("translations") or {}),
            )
            for lv in scale_data.get("levels") or []
        ),
    )


def _existing_signature(scale: Scale) -> tuple:
    return (
        scale.name,
        scale.description,
        _translations(scale.translations),
        tuple(
            (lv.value, lv.label, lv.description, lv.not_applicable, _translations(lv.translations))
            for lv in scale.levels.all()
        ),
    )


def _get_or_create_scale(data, huvudman) -> Scale:
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


@transaction.atomic
def import_framework(text: str, *, huvudman, actor, publish: bool = False) -> FrameworkVersion:
    """Loads a file as a new version of the framework with its slug (created if missing):
    a draft, or published at once with publish=True. Refused whole on any error."""
    data = parse(text)
    framework, created = Framework.objects.get_or_create(
        huvudman=huvudman,
        slug=str(data["slug"]).strip(),
        defaults={
            "name": str(data["name"]).strip(),
            "kind": data["kind"],
            "source": str(data.get("source") or "").strip(),
        },
    )
    if not created:
        framework.name, framework.kind = str(data["name"]).strip(), data["kind"]
        framework.source = str(data.get("source") or "").strip()
        framework.save()
        FrameworkVersion.objects.filter(framework=framework, status=VersionStatus.DRAFT).delete()
    version = FrameworkVersion.objects.create(
        framework=framework, created_by=actor, note=str(data.get("note") or "").strip()
    )
    scales = {str(s["slug"]).strip(): _get_or_create_scale(s, huvudman) for s in data.get("scales") or []}

    def scale_for(slug):
        return scales.get(slug) or Scale.objects.get(slug=slug, huvudman__isnull=True)

    new_items: dict[str, Item] = {}
    pending_links = []

    def create(nodes, parent):
        for order, node in enumerate(nodes):
            item = Item.objects.create(
                version=version,
                parent=parent,
                kind=node["kind"],
                code=str(node["code"]).strip(),
                title=str(node["title"]).strip(),
                description=str(node.get("description") or "").strip(),
                order=order,
                respondent=node.get("respondent") or "",
                scale=scale_for(node["scale"]) if node.get("scale") else None,
                level_descriptions={str(k): v for k, v in (node.get("levels") or {}).items()},
                school_forms=list(node.get("school_forms") or []),
                translations=node.get("translations") or {},
            )
            new_items[item.code] = item
            pending_links.extend((item, link, node) for link in node.get("links") or [])
            create(node.get("children") or [], item)

    create(data["items"], None)
    errors: list[tuple[int, str]] = []
    for item, link, node in pending_links:
        target = _resolve_link(link, framework.slug, huvudman, new_items, node, errors)
        if target is not None:
            item.links.add(target)
    if errors:
        raise FrameworkFileError(errors)
    Responsibility.objects.bulk_create(
        Responsibility(
            version=version,
            role=r["role"],
            role_title=str(r.get("title") or "").strip(),
            area=new_items.get(r.get("area")) if r.get("area") else None,
            text=str(r["text"]).strip(),
            order=i,
            translations=r.get("translations") or {},
        )
        for i, r in enumerate(data.get("responsibilities") or [])
    )
    Target.objects.bulk_create(
        Target(
            version=version,
            item=new_items.get(t.get("item")) if t.get("item") else None,
            metric=str(t["metric"]).strip(),
            school_form=str(t.get("school_form") or "").strip(),
            grade_band=str(t.get("grade_band") or "").strip(),
            value=_target_value(t["value"]),
            description=str(t.get("description") or "").strip(),
            order=i,
        )
        for i, t in enumerate(data.get("targets") or [])
    )
    audit_record(
        actor=actor,
        huvudman=huvudman,
        action="framework.import",
        obj=framework,
        extra={"items": len(new_items), "version": version.pk},
    )
    if publish:
        from digiplan.frameworks.services import version_publish

        version = version_publish(actor=actor, version=version)
    return version


def _translations(value: dict) -> dict:
    result = {}
    for lang, texts in sorted(value.items()):
        clean = {k: v for k, v in texts.items() if v and k != "levels"}
        if texts.get("levels"):
            clean["levels"] = {
                int(k): v for k, v in sorted(texts["levels"].items(), key=lambda kv: int(kv[0]))
            }
        result[lang] = clean
    return result


def _link_text(item: Item, own: Item) -> str:
    if item.version_id == own.version_id:
        return item.code
    framework = item.version.framework
    return (
        f"{framework.slug}@{item.version.number}:{item.code}"
        if item.version.number
        else f"{framework.slug}:{item.code}"
    )


def export_framework(version: FrameworkVersion) -> str:
    framework = version.framework
    items = list(version.items.select_related("scale").prefetch_related("links__version__framework"))
    children: dict[int | None, list[Item]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    scales = {item.scale.slug: item.scale for item in items if item.scale}

    def node(item: Item) -> dict:
        data: dict = {"code": item.code, "kind": item.kind, "title": item.title}
        if item.description:
            data["description"] = item.description
        if item.respondent:
            data["respondent"] = item.respondent
        if item.scale:
            data["scale"] = item.scale.slug
        if item.level_descriptions:
            data["levels"] = {
                int(k): v for k, v in sorted(item.level_descriptions.items(), key=lambda kv: int(kv[0]))
            }
        if item.school_forms:
            data["school_forms"] = list(item.school_forms)
        links = sorted(_link_text(target, item) for target in item.links.all())
        if links:
            data["links"] = links
        if item.translations:
            data["translations"] = _translations(item.translations)
        kids = sorted(children.get(item.pk, []), key=lambda i: (i.order, i.code))
        if kids:
            data["children"] = [node(k) for k in kids]
        return data

    data: dict = {"format": FORMAT, "slug": framework.slug, "name": framework.name, "kind": framework.kind}
    if framework.source:
        data["source"] = framework.source
    if version.note:
        data["note"] = version.note
    if scales:
        data["scales"] = [
            {
                "slug": s.slug,
                "name": s.name,
                **({"description": s.description} if s.description else {}),
                **({"translations": _translations(s.translations)} if s.translations else {}),
                "levels": [
                    {
                        "value": lv.value,
                        "label": lv.label,
                        **({"description": lv.description} if lv.description else {}),
                        **({"not_applicable": True} if lv.not_applicable else {}),
                        **({"translations": _translations(lv.translations)} if lv.translations else {}),
                    }
                    for lv in s.levels.all()
                ],
            }
            for s in sorted(scales.values(), key=lambda s: s.slug)
        ]
    data["items"] = [node(i) for i in sorted(children.get(None, []), key=lambda i: (i.order, i.code))]
    responsibilities = version.responsibilities.select_related("area").order_by("order")
    if responsibilities:
        data["responsibilities"] = [
            {
                "role": r.role,
                **({"title": r.role_title} if r.role_title else {}),
                **({"area": r.area.code} if r.area else {}),
                "text": r.text,
                **({"translations": _translations(r.translations)} if r.translations else {}),
            }
            for r in responsibilities
        ]
    targets = version.targets.select_related("item").order_by("order")
    if targets:
        data["targets"] = [
            {
                "metric": t.metric,
                **({"item": t.item.code} if t.item else {}),
                **({"school_form": t.school_form} if t.school_form else {}),
                **({"grade_band": t.grade_band} if t.grade_band else {}),
                "value": float(t.value) if t.value != t.value.to_integral() else int(t.value),
                **({"description": t.description} if t.description else {}),
            }
            for t in targets
        ]
    return yamlfile.dump(data)
