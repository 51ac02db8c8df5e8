from django import template
from django.utils.translation import get_language

from digiplan.frameworks.standing import BADGE_CLASSES, standing_label

register = template.Library()


@register.filter
def localised(obj, field: str) -> str:
    """The field in the reader's language when the content has it, else as written (Swedish)."""
    language = (get_language() or "sv")[:2]
    translated = (getattr(obj, "translations", None) or {}).get(language, {}).get(field)
    return translated or getattr(obj, field, "")


@register.inclusion_tag("frameworks/_standing.html")
def standing_badge(framework, version=None) -> dict:
    """The badge that says a framework is historical, a proposal not adopted, in force or a
    reference framework (nothing for the huvudman's own frameworks)."""
    return {"label": standing_label(framework, version), "css": BADGE_CLASSES.get(framework.standing, "")}
