from django.db import models

from digiplan.organisations.models import Huvudman, Person


class PendingImport(models.Model):
    """An import between its preview and its confirmation. It holds only what the import would
    write, read from the uploaded files, never the files: an SS 12000 person record carries a
    civic number, addresses and phone numbers. Deleted at confirmation and cancellation, and by
    purge_pending_imports a day after it was made (previews.py)."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    deactivate_missing = models.BooleanField(default=False)
    file_names = models.CharField(max_length=200, blank=True)
    rows = models.JSONField(default=dict)  # the minimised rows, as previews.py writes them
    digest = models.CharField(max_length=64, blank=True)  # of the changes the preview showed
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
