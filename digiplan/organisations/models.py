"""The organisation tree of each huvudman, its people and what their memberships reach.

Every row belongs to exactly one huvudman (the tenant). The tree is kept as a materialised
path of node ids so that "this node and everything below it" is one indexed prefix query.
"""

import re

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

NAME_MAX = 200

school_unit_code_validator = RegexValidator(
    r"^\d{8}\Z", _("A school unit code (skolenhetskod) is exactly 8 digits.")
)
municipality_code_validator = RegexValidator(
    r"^\d{4}\Z", _("A municipality code (kommunkod) is exactly 4 digits, e.g. 0180.")
)
organisation_number_validator = RegexValidator(
    r"^\d{6}-\d{4}\Z", _("An organisation number is written NNNNNN-NNNN, e.g. 212000-1234.")
)
# As people write it: with or without the dash, with spaces, or with SS 12000's century prefix 16.
_ORGANISATION_NUMBER_WRITTEN = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")


def normalise_organisation_number(value: str) -> str | None:
    """The number in its one stored form, NNNNNN-NNNN; None when it is no organisation number."""
    match = _ORGANISATION_NUMBER_WRITTEN.match("".join((value or "").split()))
    return f"{match.group(1)}-{match.group(2)}" if match else None


class OrganisationType(models.TextChoices):
    HUVUDMAN = "huvudman", _("School organiser")
    FORVALTNING = "forvaltning", _("Administration")
    OMRADE = "omrade", _("Area")
    SKOLENHET = "skolenhet", _("School unit")


# A child's type must come later in this order than its parent's.
TYPE_RANK = {
    OrganisationType.HUVUDMAN: 0,
    OrganisationType.FORVALTNING: 1,
    OrganisationType.OMRADE: 2,
    OrganisationType.SKOLENHET: 3,
}


class SchoolForm(models.TextChoices):
    """SS 12000 school types, labelled with today's Swedish names."""

    FS = "FS", _("Preschool")
    FKLASS = "FKLASS", _("Preschool class")
    FTH = "FTH", _("School-age educare")
    OPPFTH = "OPPFTH", _("Open school-age educare")
    GR = "GR", _("Compulsory school")
    GRS = "GRS", _("Compulsory school for pupils with intellectual disabilities")
    TR = "TR", _("Training school")
    SP = "SP", _("Special school")
    SAM = "SAM", _("Sami school")
    GY = "GY", _("Upper secondary school")
    GYS = "GYS", _("Upper secondary school for pupils with intellectual disabilities")
    VUX = "VUX", _("Municipal adult education")
    VUXSFI = "VUXSFI", _("Swedish for immigrants (adult education)")
    VUXGR = "VUXGR", _("Adult education, basic level")
    VUXGY = "VUXGY", _("Adult education, upper secondary level")
    VUXSARGR = "VUXSARGR", _("Adult education as special education, basic level")
    VUXSARTR = "VUXSARTR", _("Adult education as special education, training school level")
    VUXSARGY = "VUXSARGY", _("Adult education as special education, upper secondary level")
    SFI = "SFI", _("Swedish for immigrants")
    SARVUX = "SARVUX", _("Special education for adults")
    SARVUXGR = "SARVUXGR", _("Special education for adults, basic level")
    SARVUXGY = "SARVUXGY", _("Special education for adults, upper secondary level")
    KU = "KU", _("Arts school")
    YH = "YH", _("Higher vocational education")
    FHS = "FHS", _("Folk high school")
    STF = "STF", _("Study association")
    KKU = "KKU", _("Arts and culture education")
    HS = "HS", _("University")
    ABU = "ABU", _("Labour market training")
    AU = "AU", _("Other education")


class Role(models.TextChoices):
    STRATEGIST = "strategist", _("Strategist")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    COORDINATOR = "coordinator", _("Coordinator")
    STAFF = "staff", _("Staff")
    VIEWER = "viewer", _("Viewer")


class Huvudman(models.Model):
    """A school organiser: the tenant. Nothing of one huvudman is ever shown to another."""

    name = models.CharField(_("name"), max_length=NAME_MAX)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        unique=True,
        validators=[organisation_number_validator],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("school organiser")
        verbose_name_plural = _("school organisers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    huvudman = models.ForeignKey(Huvudman, on_delete=models.PROTECT, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/12/40/41/" for node 41 under 40 under 12: a subtree is every path with this prefix.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    school_unit_code = models.CharField(
        _("school unit code"),
        max_length=8,
        blank=True,
        validators=[school_unit_code_validator],
        help_text=_("Skolenhetskod: 8 digits, from Skolverket's school unit register."),
    )
    # Kommunkod (e.g. 0180): where the unit is, as SS 12000 gives it; "" when no import said.
    municipality_code = models.CharField(
        _("municipality code"), max_length=4, blank=True, validators=[municipality_code_validator]
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("The id in the school administration system (SS 12000)."),
    )
    staff_count = models.PositiveIntegerField(_("number of staff"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_unit_code"],
                condition=Q(is_active=True) & ~Q(school_unit_code=""),
                name="unique_active_school_unit_code",
            ),
            models.UniqueConstraint(
                fields=["huvudman", "external_id"],
                condition=~Q(external_id=""),
                name="unique_external_id_per_huvudman",
            ),
        ]
        indexes = [models.Index(fields=["huvudman", "type", "is_active"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_unit(self) -> bool:
        return self.type == OrganisationType.SKOLENHET

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this node."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_descendant_of(self, other: "Organisation") -> bool:
        return self.path.startswith(other.path)


class UnitSchoolForm(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="school_forms")
    school_form = models.CharField(max_length=10, choices=SchoolForm.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "school_form"], name="unique_unit_form")
        ]
        ordering = ["school_form"]


class PupilCount(models.Model):
    """Pupils of one school form and grade band at a unit (e.g. GR, "4-6", 112)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="pupil_counts")
    school_form = models.CharField(_("school form"), max_length=10, choices=SchoolForm.choices)
    grade_band = models.CharField(_("grade band"), max_length=20, blank=True)
    pupils = models.PositiveIntegerField(_("pupils"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "school_form", "grade_band"], name="unique_pupil_count"
            )
        ]
        ordering = ["school_form", "grade_band"]


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)  # None gives an unusable password: sign in after a reset.
        person.save(using=self._db)
        return person

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("name", email)
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in. Holds only what Digiplan needs: no civic number, address or phone."""

    huvudman = models.ForeignKey(
        Huvudman, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    email = models.EmailField(_("e-mail"), unique=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    # eduPersonPrincipalName (SS 12000 and Skolfederation): how a school identity names them.
    principal_name = models.CharField(_("principal name"), max_length=254, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)  # platform operators only
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonManager()
    # (role, tree path) of each membership, cached on the instance by organisations.access.
    _membership_paths: list[tuple[str, str]]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["huvudman", "external_id"],
                condition=~Q(external_id=""),
                name="unique_person_external_id_per_huvudman",
            ),
            models.UniqueConstraint(
                fields=["huvudman", "principal_name"],
                condition=~Q(principal_name=""),
                name="unique_person_principal_name_per_huvudman",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email


class RoleTitle(models.Model):
    """A huvudman's own name for one of our roles, e.g. "IT-pedagog" for coordinator."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.CASCADE, related_name="role_titles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    name = models.CharField(_("title"), max_length=100)

    class Meta:
        verbose_name = _("role title")
        verbose_name_plural = _("role titles")
        ordering = ["role", "name"]
        constraints = [models.UniqueConstraint(fields=["huvudman", "name"], name="unique_role_title")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role at a node; it reaches the node and everything below it."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.ForeignKey(
        RoleTitle, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    is_teaching = models.BooleanField(_("teaching staff"), default=False)
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation", "role"], name="unique_membership")
        ]
        indexes = [models.Index(fields=["huvudman", "role"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.organisation}"

    @property
    def role_label(self) -> str:
        return self.title.name if self.title_id and self.title is not None else str(self.get_role_display())


class Group(models.Model):
    """A group the huvudman's plans give duties to, e.g. "Lokala IT-gruppen": named people,
    and everyone who holds one of the given titles."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(Person, blank=True, related_name="plan_groups")
    titles = models.ManyToManyField(RoleTitle, blank=True, related_name="groups")

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["huvudman", "name"], name="unique_group_name")]

    def __str__(self) -> str:
        return self.name
