"""The operator's pages for new huvudmän, the invited strategist's welcome page, and the setup
checklist."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.accounts import services as account_services
from digiplan.accounts.forms import SetPasswordForm
from digiplan.lib.forms import form_errors_add
from digiplan.onboarding import selectors, services
from digiplan.onboarding.checklist import setup_checklist
from digiplan.onboarding.forms import HuvudmanForm
from digiplan.onboarding.tokens import invitation_tokens, valid_days
from digiplan.organisations import access
from digiplan.organisations.models import Huvudman
from digiplan.signin.password import ERROR_PASSWORD_SIGN_IN_OFF, password_sign_in_allowed

PAGE_SIZE = 50
# Django's password login, named: the welcome page signs in with the password just chosen.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _require_operator(request) -> None:
    """The installation's operators only (Person.is_staff): no strategist of any huvudman."""
    if not request.user.is_staff:
        raise PermissionDenied


@login_required
def operator_list(request):
    _require_operator(request)
    page = Paginator(selectors.huvudman_overview(), PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(request, "onboarding/operator_list.html", {"page": page})


@login_required
def operator_create(request):
    _require_operator(request)
    form = HuvudmanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            onboarded = services.huvudman_onboard(
                actor=request.user,
                name=form.cleaned_data["name"],
                organisation_number=form.cleaned_data["organisation_number"],
                strategist_email=form.cleaned_data["email"],
                strategist_name=form.cleaned_data["strategist_name"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                _("%(huvudman)s was created. An invitation is on its way to %(email)s.")
                % {"huvudman": onboarded.huvudman.name, "email": onboarded.strategist.email},
            )
            return redirect("onboarding_operator_list")
    return render(request, "onboarding/operator_form.html", {"form": form})


@login_required
@require_POST
def operator_resend(request, pk: int):
    _require_operator(request)
    huvudman = get_object_or_404(Huvudman, pk=pk)
    try:
        person = services.invitation_resend(actor=request.user, huvudman=huvudman)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new invitation is on its way to %(email)s.") % {"email": person.email})
    return redirect("onboarding_operator_list")


class WelcomeView(auth_views.PasswordResetConfirmView):
    """The invitation link: Django's reset-link view (the token leaves the address bar at once
    and waits in the session), with the invitation's own token and a welcome. A used or
    expired link answers 400 with what to do instead."""

    form_class = SetPasswordForm
    token_generator = invitation_tokens
    template_name = "onboarding/welcome.html"
    reset_url_token = "valj-losenord"
    success_url = reverse_lazy("home")

    def get_user(self, uidb64):
        person = super().get_user(uidb64)
        return person if person is not None and person.is_active else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.user if context.get("validlink") else None
        context.update(
            person=person,
            days=valid_days(),
            school_sign_in=person is not None
            and person.huvudman is not None
            and selectors.school_sign_in_enabled(person.huvudman),
            # The huvudman may have turned password sign-in off since the invitation was sent.
            password_allowed=person is not None and password_sign_in_allowed(person),
            password_off=ERROR_PASSWORD_SIGN_IN_OFF,
        )
        return context

    def render_to_response(self, context, **kwargs):
        if not context.get("validlink") or not context.get("password_allowed"):
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)

    def form_valid(self, form):
        if not password_sign_in_allowed(form.user):
            return self.render_to_response(self.get_context_data(form=form), status=400)
        person = services.invitation_accept(person=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        # Whoever can read the mailbox has proved who they are: as after a password reset.
        account_services.sign_in_lockout_lift(email=person.email)
        login(self.request, person, backend=PASSWORD_BACKEND)
        messages.success(self.request, _("Welcome to Digiplan! Your password is saved."))
        return redirect(self.success_url)


welcome = WelcomeView.as_view()


@login_required
def checklist(request):
    """A strategist's own huvudman's checklist; nobody else has one (403)."""
    huvudman = access.require_strategist(request.user)
    return render(request, "onboarding/checklist.html", {"checklist": setup_checklist(huvudman)})
