"""People and their memberships, managed by strategists for their huvudman."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.lib.forms import form_errors_add
from digiplan.organisations import access, selectors, services
from digiplan.organisations.forms import MembershipForm, PersonForm, RoleTitleForm
from digiplan.organisations.models import Membership, Person, Role, RoleTitle

PAGE_SIZE = 50


def _require_strategist(request):
    return access.require_strategist(request.user)


def _person_for_strategist(request, pk: int) -> Person:
    return access.person_for_strategist(request.user, pk)


@login_required
def people_list(request):
    _require_strategist(request)
    query = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("roll", "")
    people = selectors.people_search(viewer=request.user, query=query, role=role)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("sida"))
    by_person = selectors.memberships_by_person(page.object_list)
    for person in page.object_list:
        person.membership_list = by_person.get(person.pk, [])
    return render(
        request,
        "organisations/people_list.html",
        {"page": page, "query": query, "role": role, "roles": Role.choices},
    )


@login_required
def person_create(request):
    huvudman = _require_strategist(request)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, huvudman=huvudman, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request, _("%(name)s was added. Give them a role below.") % {"name": person.name}
            )
            return redirect("person_detail", pk=person.pk)
    return render(request, "organisations/person_form.html", {"form": form, "title": _("New person")})


@login_required
def person_edit(request, pk: int):
    person = _person_for_strategist(request, pk)
    form = PersonForm(
        request.POST or None,
        initial={"name": person.name, "email": person.email, "external_id": person.external_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "organisations/person_form.html",
        {"form": form, "person": person, "title": _("Edit %(name)s") % {"name": person.name}},
    )


@login_required
def person_detail(request, pk: int):
    person = _person_for_strategist(request, pk)
    form = MembershipForm(
        request.POST or None,
        organisations=selectors.membership_places(request.user),
        titles=selectors.role_titles(request.user.huvudman),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_create(
                actor=request.user,
                person=person,
                organisation=data["organisation"],
                role=data["role"],
                title=data["title"],
                is_teaching=data["is_teaching"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("The role was added."))
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "organisations/person_detail.html",
        {
            "person": person,
            "form": form,
            "memberships": selectors.person_memberships(person),
        },
    )


@login_required
@require_POST
def person_set_active(request, pk: int):
    """A person who has left is deactivated: they can no longer sign in, their history stays."""
    person = _person_for_strategist(request, pk)
    active = request.POST.get("active") == "1"
    if person.pk == request.user.pk and not active:
        messages.error(request, _("You cannot deactivate yourself."))
        return redirect("person_detail", pk=person.pk)
    services.person_update(actor=request.user, person=person, is_active=active)
    messages.success(
        request,
        (
            _("%(name)s is active again.")
            if active
            else _("%(name)s was deactivated and can no longer sign in.")
        )
        % {"name": person.name},
    )
    return redirect("person_detail", pk=person.pk)


@login_required
@require_POST
def membership_delete(request, pk: int):
    _require_strategist(request)
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "person"), pk=pk, huvudman=request.user.huvudman
    )
    if not access.can_manage(request.user, membership.organisation):
        raise PermissionDenied
    try:
        services.membership_delete(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role was removed."))
    return redirect("person_detail", pk=membership.person_id)


@login_required
def role_titles(request):
    huvudman = _require_strategist(request)
    form = RoleTitleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_title_save(actor=request.user, huvudman=huvudman, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("The title was added."))
            return redirect("role_titles")
    return render(
        request,
        "organisations/role_titles.html",
        {"form": form, "titles": selectors.role_titles(huvudman), "roles": Role.choices},
    )


@login_required
@require_POST
def role_title_delete(request, pk: int):
    huvudman = _require_strategist(request)
    title = get_object_or_404(RoleTitle, pk=pk, huvudman=huvudman)
    services.role_title_delete(actor=request.user, title=title)
    messages.success(request, _("The title was removed; memberships keep their role."))
    return redirect("role_titles")
