from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localised(obj, field: str) -> str:
    """The field in the reader's language when the content has it, else as written (Swedish)."""
    language = (get_language() or "sv")[:2]
    translated = (getattr(obj, "translations", None) or {}).get(language, {}).get(field)
    return translated or getattr(obj, field, "")
