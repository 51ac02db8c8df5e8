"""A huvudman's devices: what each is, whom it serves, where it stands and when its lease or its
updates end. No device names the person who uses it (see docs/registry.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import Huvudman, Organisation, SchoolForm


class DeviceType(models.TextChoices):
    COMPUTER = "computer", _("Computer")
    CHROMEBOOK = "chromebook", _("Chromebook")
    TABLET = "tablet", _("Tablet")
    DISPLAY = "display", _("Display")
    OTHER = "other", _("Other")


class UserGroup(models.TextChoices):
    PUPILS = "pupils", _("Pupils")
    STAFF = "staff", _("Staff")


class Ownership(models.TextChoices):
    UNKNOWN = "", _("Not known")
    OWNED = "owned", _("Owned")
    LEASED = "leased", _("Leased")


class DeviceFormat(models.TextChoices):
    INTUNE = "intune", "Microsoft Intune"
    CHROMEOS = "chromeos", "Google Admin (ChromeOS)"
    DIGIPLAN = "digiplan", _("Digiplan's template")


class Device(models.Model):
    """One device, known by its serial number within the huvudman. A device missing from an
    import is marked gone (gone_on), never deleted: the budget and the history need it."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="devices")
    serial_number = models.CharField(_("serial number"), max_length=100)
    name = models.CharField(_("device name"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=DeviceType.choices)
    user_group = models.CharField(_("user group"), max_length=10, choices=UserGroup.choices)
    school_form = models.CharField(_("school form"), max_length=10, blank=True, choices=SchoolForm.choices)
    grade_band = models.CharField(_("grade band"), max_length=20, blank=True)
    ownership = models.CharField(_("owned or leased"), max_length=10, blank=True, choices=Ownership.choices)
    contract_ends_on = models.DateField(_("contract ends"), null=True, blank=True)
    updates_end_on = models.DateField(_("updates end"), null=True, blank=True)
    model = models.CharField(_("model"), max_length=200, blank=True)
    os = models.CharField(_("operating system"), max_length=100, blank=True)
    os_version = models.CharField(_("OS version"), max_length=100, blank=True)
    enrolled_on = models.DateField(_("enrolled"), null=True, blank=True)
    last_check_in_on = models.DateField(_("last check-in"), null=True, blank=True)
    # Whether someone is the device's primary user; never who (docs/registry.md).
    has_primary_user = models.BooleanField(_("has a primary user"), default=False)
    gone_on = models.DateField(_("gone since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["unit_id", "type", "serial_number"]
        constraints = [
            models.UniqueConstraint(fields=["huvudman", "serial_number"], name="unique_device_serial"),
            models.CheckConstraint(
                condition=Q(user_group="staff", school_form="", grade_band="") | Q(user_group="pupils"),
                name="device_staff_has_no_school_form",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "gone_on"], name="device_unit_gone"),
            models.Index(fields=["huvudman", "gone_on"], name="device_huvudman_gone"),
        ]

    def __str__(self) -> str:
        return self.name or self.serial_number


class RuleMatch(models.TextChoices):
    ORG_UNIT_PATH = "org_unit_path", _("ChromeOS organisational unit path begins with")
    NAME_PREFIX = "name_prefix", _("Device name or asset id begins with")


class DeviceUnitRule(models.Model):
    """How the huvudman's devices find their unit in an export that does not name it: the
    longest prefix that matches wins. A row with a school unit code needs no rule."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.CASCADE, related_name="+")
    match = models.CharField(_("match"), max_length=20, choices=RuleMatch.choices)
    prefix = models.CharField(_("begins with"), max_length=200)
    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="device_rules")
    user_group = models.CharField(_("user group"), max_length=10, choices=UserGroup.choices)
    school_form = models.CharField(_("school form"), max_length=10, blank=True, choices=SchoolForm.choices)
    grade_band = models.CharField(_("grade band"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("device rule")
        verbose_name_plural = _("device rules")
        ordering = ["match", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["huvudman", "match", "prefix"], name="unique_device_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} → {self.unit}"
