"""A framework version as the text of a framework file: keys in a fixed order, empty values left
out, so that exporting what was imported gives the same text."""

from typing import Any

from digiplan.frameworks import yamlfile
from digiplan.frameworks.exchange.format import FORMAT, translations
from digiplan.frameworks.models import FrameworkVersion, Item, Responsibility, Scale, ScaleLevel, Target


def export_framework(version: FrameworkVersion) -> str:
    framework = version.framework
    items = list(version.items.select_related("scale").prefetch_related("links__version__framework"))
    children: dict[int | None, list[Item]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    scales = {item.scale.slug: item.scale for item in items if item.scale}

    data: dict = {"format": FORMAT, "slug": framework.slug, "name": framework.name, "kind": framework.kind}
    if framework.source:
        data["source"] = framework.source
    if framework.standing:
        data["standing"] = framework.standing
    if version.note:
        data["note"] = version.note
    data.update(_validity(version))
    if scales:
        data["scales"] = [_scale(s) for s in sorted(scales.values(), key=lambda s: s.slug)]
    data["items"] = [_item(i, children) for i in _in_order(children.get(None, []))]
    responsibilities = version.responsibilities.select_related("area", "title", "group").order_by("order")
    if responsibilities:
        data["responsibilities"] = [_responsibility(r) for r in responsibilities]
    targets = version.targets.select_related("item", "owner_title", "owner_group").order_by("order")
    if targets:
        data["targets"] = [_target(t) for t in targets]
    return yamlfile.dump(data)


def _in_order(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (i.order, i.code))


def _item(item: Item, children: dict[int | None, list[Item]]) -> dict[str, Any]:
    """The item and, nested under "children", the items under it."""
    data: dict[str, Any] = {"code": item.code, "kind": item.kind, "title": item.title}
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
        data["translations"] = translations(item.translations)
    kids = _in_order(children.get(item.pk, []))
    if kids:
        data["children"] = [_item(k, children) for k in kids]
    return data


def _link_text(item: Item, own: Item) -> str:
    if item.version_id == own.version_id:
        return item.code
    framework = item.version.framework
    return (
        f"{framework.slug}@{item.version.number}:{item.code}"
        if item.version.number
        else f"{framework.slug}:{item.code}"
    )


def _scale(scale: Scale) -> dict[str, Any]:
    return {
        "slug": scale.slug,
        "name": scale.name,
        **({"description": scale.description} if scale.description else {}),
        **({"translations": translations(scale.translations)} if scale.translations else {}),
        "levels": [_level(lv) for lv in scale.levels.all()],
    }


def _level(level: ScaleLevel) -> dict[str, Any]:
    return {
        "value": level.value,
        "label": level.label,
        **({"description": level.description} if level.description else {}),
        **({"not_applicable": True} if level.not_applicable else {}),
        **({"translations": translations(level.translations)} if level.translations else {}),
    }


def _validity(version: FrameworkVersion) -> dict[str, Any]:
    """The period of validity, the decision and the follow-up dates, as far as they are set."""
    data: dict[str, Any] = {}
    if version.valid_from:
        data["valid_from"] = version.valid_from.isoformat()
    if version.valid_to:
        data["valid_to"] = version.valid_to.isoformat()
    decision = {
        "body": version.decision_body,
        "date": version.decision_date.isoformat() if version.decision_date else "",
        "reference": version.decision_reference,
    }
    if any(decision.values()):
        data["decision"] = {key: value for key, value in decision.items() if value}
    follow_ups = version.follow_ups.order_by("order", "date")
    if follow_ups:
        data["follow_ups"] = [{"date": f.date.isoformat(), "text": f.text} for f in follow_ups]
    return data


def _responsibility(responsibility: Responsibility) -> dict[str, Any]:
    # The document's wording when it has one: re-importing binds the same title all the same.
    title = responsibility.role_title or (responsibility.title.name if responsibility.title else "")
    return {
        **({"role": responsibility.role} if responsibility.role else {}),
        **({"title": title} if title else {}),
        **({"group": responsibility.group.name} if responsibility.group else {}),
        **({"party": responsibility.party} if responsibility.party else {}),
        **({"area": responsibility.area.code} if responsibility.area else {}),
        "text": responsibility.text,
        **(
            {"translations": translations(responsibility.translations)} if responsibility.translations else {}
        ),
    }


def _target(target: Target) -> dict[str, Any]:
    value = target.value
    return {
        "metric": target.metric,
        **({"item": target.item.code} if target.item else {}),
        **({"school_form": target.school_form} if target.school_form else {}),
        **({"grade_band": target.grade_band} if target.grade_band else {}),
        "value": float(value) if value != value.to_integral() else int(value),
        **({"description": target.description} if target.description else {}),
        **({"owner": _owner(target)} if target.owner_label else {}),
        **({"due_date": target.due_date.isoformat()} if target.due_date else {}),
        **({"measured_by": target.measured_by} if target.measured_by else {}),
    }


def _owner(target: Target) -> dict[str, str]:
    if target.owner_title:
        return {"title": target.owner_title.name}
    if target.owner_group:
        return {"group": target.owner_group.name}
    return {"party": target.owner_party}
