from django.core.exceptions import ValidationError


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
