from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def form_errors_add(form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: under its field when the form has one,
    above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


# Django 6 names an empty choice "- Select an option -", which its own Swedish catalogue lacks.
# Ours says it in the words of the site; use_blank_label() puts it in Django's place at start
# (accounts, the first of the project's apps, calls it in ready(), before any form is built).
BLANK_LABEL = _("– Choose –")


def use_blank_label() -> None:
    from django.db.models import fields

    fields.BLANK_CHOICE_LABEL = BLANK_LABEL  # type: ignore[assignment]


def blank_first(choices) -> list:
    """The choices after an empty one that chooses nothing: the user must pick."""
    return [("", BLANK_LABEL), *choices]


def preselect_only_choice(form: Any) -> None:
    """A required select with exactly one real choice opens with it chosen: there is nothing to
    decide. An optional one, or one of several, is left as it is."""
    if form.is_bound:
        return
    field: Any
    for name, field in form.fields.items():
        if not field.required or form.initial.get(name) or field.initial:
            continue
        if isinstance(field, forms.ModelChoiceField):
            queryset: Any = field.queryset
            only = list(queryset[:2])
            if len(only) == 1:
                field.empty_label = None
                field.initial = only[0].pk
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            choices: Any = field.choices
            real = [value for value, _label in choices if value != ""]
            if len(real) == 1:
                field.initial = real[0]
