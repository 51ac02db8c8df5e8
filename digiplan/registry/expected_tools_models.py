"""Expected tools: a framework's items of kind tool (the tools every unit is expected to use)
linked to entries of the register, so that a unit's declarations can be set against them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiplan.frameworks.models import Framework
from digiplan.organisations.models import Huvudman, Person
from digiplan.registry.digital_models import DigitalService


class ExpectedToolLink(models.Model):
    """A strategist's link from a framework's tool (by its code, so that it holds across the
    framework's versions) to the register entry that is that tool."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    item_code = models.CharField(_("code"), max_length=40)
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE, related_name="expected_as")
    linked_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("expected tool")
        verbose_name_plural = _("expected tools")
        constraints = [
            models.UniqueConstraint(fields=["framework", "item_code"], name="unique_expected_tool_link")
        ]
