"""The anonymous national comparison (docs/privacy.md, "The national comparison").

A huvudman's consent is its own row. The comparison itself is aggregate figures only: per school
year, area of the built-in standard set, respondent group and school form, the national median
and quartiles of unit area means and how many huvudmän and units stand behind them. Nothing in
these tables names or points to a huvudman or a unit: a reader of the database learns the
figures and the counts, never who contributed. Only the newest build is kept, so that two builds
cannot be set against each other in the database.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import Huvudman


class ComparisonConsent(models.Model):
    """Whether a huvudman shares its closed results on the standard set. Who changed it and
    when is in the audit trail; withdrawing takes effect at the next build."""

    huvudman = models.OneToOneField(Huvudman, on_delete=models.CASCADE, related_name="comparison_consent")
    shares = models.BooleanField(_("share our results in the national comparison"), default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("national comparison")


class ComparisonBuild(models.Model):
    """One build of the comparison: when, and how many huvudmän took part. Only the newest is
    kept (the build replaces the one before)."""

    built_at = models.DateTimeField()
    huvudman_count = models.PositiveIntegerField(default=0)
    figure_count = models.PositiveIntegerField(default=0)


class ComparisonFigure(models.Model):
    """One national figure: the median and quartiles of the unit area means that passed every
    rule (docs/privacy.md), with how many huvudmän and units are behind them, not which.
    school_form "" is every school form together."""

    build = models.ForeignKey(ComparisonBuild, on_delete=models.CASCADE, related_name="figures")
    school_year = models.CharField(max_length=7)
    area_code = models.CharField(max_length=40)
    group = models.CharField(max_length=10)
    school_form = models.CharField(max_length=10, blank=True)
    huvudman_count = models.PositiveIntegerField()
    unit_count = models.PositiveIntegerField()
    median = models.FloatField()
    q1 = models.FloatField()
    q3 = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["build", "school_year", "area_code", "group", "school_form"],
                name="unique_comparison_figure",
            )
        ]
