"""What the reports keep: archives of every unit's report built in the background, and the
public versions of the organisation report that strategists publish."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import Huvudman, Organisation


class ArchiveStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportArchive(models.Model):
    """A ZIP of every unit's report for a school year, built by the task queue. The progress
    fields let the page show a progress bar while the worker builds it."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.CASCADE, related_name="+")
    school_year = models.CharField(max_length=7)
    node = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    school_form = models.CharField(max_length=10, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=ArchiveStatus.choices, default=ArchiveStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class PublicReport(models.Model):
    """The organisation report as published for politicians and the public: frozen at
    publishing, with no figure below the organisation and no comments, at an address that holds
    a random token. Withdrawing it makes the address answer 404."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.CASCADE, related_name="+")
    school_year = models.CharField(max_length=7)
    title = models.CharField(_("title"), max_length=200)
    token = models.CharField(max_length=64, unique=True)
    data = models.JSONField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Never shown: per kind of figure released, the ids of the units it is a total over, so
    # that a later report can be checked against this one (reports.public_overlap). Kept after
    # withdrawing: what was published may have been copied.
    disclosure = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at"]
