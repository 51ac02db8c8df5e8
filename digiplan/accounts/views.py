"""Sign-in and password pages (Django's views with our forms) and the two public pages that
every public-sector service must have: the accessibility statement and the privacy notice."""

import datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import render

from digiplan.accounts import services
from digiplan.accounts.forms import (
    PASSWORD_SIGN_IN_OFF,
    EmailAuthenticationForm,
    EmailPasswordResetForm,
    PasswordChangeForm,
    SetPasswordForm,
)

# Change when the statement is reviewed; DIGG's model asks for the date it was made.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 27)


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, PASSWORD_SIGN_IN_OFF):
            response.status_code = 403
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = EmailPasswordResetForm

    def form_valid(self, form):
        self.use_https = self.request.is_secure()
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever can read the mailbox has proved who they are: lift a lockout at once.
        services.sign_in_lockout_lift(email=form.user.email)
        return response


def accessibility(request):
    return render(
        request,
        "pages/accessibility.html",
        {
            "statement_date": ACCESSIBILITY_STATEMENT_DATE,
            "support_email": getattr(settings, "SUPPORT_EMAIL", ""),
        },
    )


def privacy(request):
    return render(
        request,
        "pages/privacy.html",
        {
            "support_email": getattr(settings, "SUPPORT_EMAIL", ""),
            "session_minutes": settings.SESSION_COOKIE_AGE // 60,
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )
