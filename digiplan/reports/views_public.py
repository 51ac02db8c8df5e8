"""The public version of the organisation report: the page anyone with the address reads and its
PDF, and the strategists' pages that publish and withdraw it. Also the reports' start page
(report_list), which lists what the signed-in person can read."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.organisations import access
from digiplan.reports import public, public_overlap, public_pdf, selectors
from digiplan.reports.models import PublicReport

# The archive of every unit's report is built in another part of the reports; the start page
# links to it once its URL exists.
ARCHIVE_URL_NAME = "report_archives"


def _optional_url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@login_required
def report_list(request):
    units = selectors.readable_units(request.user)
    strategist = access.is_strategist(request.user)
    return render(
        request,
        "reports/public_report_start.html",
        {
            "units": units,
            "strategist": strategist,
            "archive_url": _optional_url(ARCHIVE_URL_NAME) if strategist else None,
            "breadcrumbs": [{"label": _("Home"), "url": reverse("home")}, {"label": _("Reports")}],
        },
    )


# ---- Publishing ---------------------------------------------------------------------------------


class PublishForm(forms.Form):
    school_year = forms.ChoiceField(label=gettext_lazy("School year"))
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("Shown as the heading of the public page."),
    )
    # A part of the organisation, as the organisation report filters it: an administration's
    # committee gets the follow-up of its own units.
    node = forms.TypedChoiceField(
        label=gettext_lazy("Administration or area of the organisation"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    school_form = forms.ChoiceField(label=gettext_lazy("School form"), required=False)

    def __init__(self, *args, years: list[str], choices: selectors.FilterChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self._choice_field("school_year").choices = [(y, y) for y in years]
        self.nodes = {n.pk: n for n in choices["nodes"]}
        self._choice_field("node").choices = [("", _("All"))] + [(n.pk, n.name) for n in choices["nodes"]]
        self._choice_field("school_form").choices = [("", _("All"))] + [
            (f, f) for f in choices["school_forms"]
        ]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        # self.fields holds the form's own copies, typed as any field: these three are declared above
        # as choice fields.
        return cast(forms.ChoiceField, self.fields[name])

    def scope(self) -> tuple[object, str, str]:
        """The chosen node (or None), school form, and the two as the reader sees them."""
        node = self.nodes.get(self.cleaned_data["node"])
        form = self.cleaned_data["school_form"]
        return node, form, ", ".join(x for x in (node.name if node else "", form) if x)


def _strategist(request):
    if not access.is_strategist(request.user):
        raise PermissionDenied
    return request.user.huvudman


def _years(huvudman) -> tuple[list[str], str]:
    years = selectors.org_years(huvudman.pk)
    return years, selectors.default_year(years, selectors.closed_years(huvudman.pk))


def _list_page(request, huvudman, form, status=200):
    reports = selectors.public_reports(huvudman)
    rows = [
        {"report": r, "url": request.build_absolute_uri(reverse("public_report", args=[r.token]))}
        for r in reports
    ]
    return render(
        request,
        "reports/public_report_list.html",
        {
            "rows": rows,
            "form": form,
            "breadcrumbs": [
                {"label": _("Home"), "url": reverse("home")},
                {"label": _("Reports"), "url": reverse("report_list")},
                {"label": _("Public reports")},
            ],
        },
        status=status,
    )


@login_required
def public_report_list(request):
    huvudman = _strategist(request)
    years, year = _years(huvudman)
    form = PublishForm(
        years=years,
        initial={"school_year": year},
        choices=selectors.filter_choices(access.managed_nodes(request.user)),
    )
    return _list_page(request, huvudman, form)


def _overlap_message(report: PublicReport) -> str | None:
    """What the new report withholds because of earlier ones, naming them."""
    earlier, unit_reports, kinds = public_overlap.conflicts(report)
    if not kinds:
        return None
    labels = {
        public_overlap.COUNTS: _("participation and the number of units with figures"),
        public_overlap.MEDIAN: _("medians and quartiles"),
        public_overlap.PLANS: _("plan progress"),
    }
    others = [
        _("“%(title)s” (%(scope)s, %(year)s)")
        % {
            "title": r.title,
            "scope": r.data.get("scope") or _("the whole organisation"),
            "year": r.school_year,
        }
        for r in earlier
    ]
    if unit_reports:
        others.append(_("the organisation's medians in every unit's own report"))
    values = {
        "title": report.title,
        "what": ", ".join(labels[k] for k in kinds),
        "others": ", ".join(others),
        "n": public.MIN_UNITS,
    }
    if others:
        return (
            _(
                "Some figures of “%(title)s” are not shown (%(what)s): together with "
                "%(others)s they would let the figures of fewer than %(n)s units be worked "
                "out."
            )
            % values
        )
    return (
        _(
            "Some figures of “%(title)s” are not shown (%(what)s): they would be the figures "
            "of fewer than %(n)s units, or of a single unit to those who see the rest of them."
        )
        % values
    )


@login_required
@require_POST
def public_report_create(request):
    huvudman = _strategist(request)
    years, _year = _years(huvudman)
    managed = access.managed_nodes(request.user)
    form = PublishForm(request.POST, years=years, choices=selectors.filter_choices(managed))
    if form.is_valid():
        node, school_form, scope = form.scope()
        try:
            report = public.public_report_publish(
                actor=request.user,
                huvudman=huvudman,
                units=selectors.report_units(managed, node=node, school_form=school_form),
                school_year=form.cleaned_data["school_year"],
                title=form.cleaned_data["title"],
                scope=scope,
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("“%(title)s” is published at %(url)s")
                % {
                    "title": report.title,
                    "url": request.build_absolute_uri(reverse("public_report", args=[report.token])),
                },
            )
            overlap = _overlap_message(report)
            if overlap:
                messages.warning(request, overlap)
            return redirect("public_report_list")
    return _list_page(request, huvudman, form, status=400)


@login_required
@require_POST
def public_report_withdraw(request, pk: int):
    huvudman = _strategist(request)
    report = get_object_or_404(PublicReport, pk=pk, huvudman=huvudman)
    public.public_report_withdraw(actor=request.user, report=report)
    messages.success(
        request,
        _("“%(title)s” is withdrawn: its address no longer shows the report.") % {"title": report.title},
    )
    return redirect("public_report_list")


# ---- The public page ---------------------------------------------------------------------------


def _published(token: str) -> PublicReport:
    """No sign-in: the address is the key. A withdrawn or unknown address is 404."""
    report = selectors.published_report(token)
    if report is None:
        raise Http404
    return report


def _not_indexed(response: HttpResponse) -> HttpResponse:
    # Shareable but not for search engines: the page's meta tag says so too, for saved copies.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def public_report(request, token: str):
    report = _published(token)
    data = report.data
    chart_set = public_pdf.labels_and_charts(data)
    return _not_indexed(
        render(
            request,
            "reports/public_report.html",
            {"report": report, "data": data, "charts": chart_set, "facts": public_pdf.facts(data)},
        )
    )


# Anyone with the address may ask for the PDF, as often as they like, and a render takes a
# processor for a good part of a second: since the figures are frozen, it is made once a day per
# language (its cover carries the day) and then served from the cache.
PUBLIC_PDF_CACHE_SECONDS = 24 * 60 * 60


def public_report_pdf(request, token: str):
    """The same report as a PDF to print and attach, from the same frozen figures."""
    report = _published(token)
    key = f"public-report-pdf:{report.token}:{get_language()}:{timezone.localdate().isoformat()}"
    content = cache.get(key)
    if content is None:
        content = public_pdf.public_pdf(report)
        cache.set(key, content, PUBLIC_PDF_CACHE_SECONDS)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{public_pdf.filename(report)}"'
    return _not_indexed(response)
