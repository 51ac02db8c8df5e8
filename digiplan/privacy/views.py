"""A person's data: the file of everything stored about them (for a strategist, and for the
person about themselves) and erasure, for strategists."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digiplan.lib.forms import form_errors_add
from digiplan.organisations.access import person_for_strategist
from digiplan.privacy import selectors, services
from digiplan.privacy.forms import EraseForm


def _data_download(person, data: dict) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personuppgifter-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def person_data_export(request, pk: int):
    """Everything stored about a person, for a request under the GDPR right of access."""
    person = person_for_strategist(request.user, pk)
    return _data_download(person, services.person_data_export(actor=request.user, person=person))


@login_required
def my_data_export(request):
    """The same file for the signed-in person about themselves."""
    return _data_download(request.user, selectors.person_data(request.user))


@login_required
def person_erase(request, pk: int):
    person = person_for_strategist(request.user, pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_erase(
                actor=request.user, person=person, confirm_email=form.cleaned_data["confirm_email"]
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                _(
                    "The person's data was erased. Their roles are removed "
                    "and their name no longer appears anywhere."
                ),
            )
            return redirect("people_list")
    return render(request, "privacy/person_erase.html", {"person": person, "form": form})
