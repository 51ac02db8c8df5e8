"""Checks of single cells of organisation data written as text, shared by every importer and
the organisation forms. Each returns (value, error message)."""

import re

from django.utils.translation import gettext as _

from digiplan.organisations.models import NAME_MAX, OrganisationType, Role, SchoolForm

FORMULA_PREFIXES = ("=", "+", "@")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

TYPE_NAMES = {
    "förvaltning": OrganisationType.FORVALTNING,
    "forvaltning": OrganisationType.FORVALTNING,
    "administration": OrganisationType.FORVALTNING,
    "verksamhetsområde": OrganisationType.FORVALTNING,
    "område": OrganisationType.OMRADE,
    "omrade": OrganisationType.OMRADE,
    "rektorsområde": OrganisationType.OMRADE,
    "rektorsomrade": OrganisationType.OMRADE,
    "area": OrganisationType.OMRADE,
    "skolenhet": OrganisationType.SKOLENHET,
    "enhet": OrganisationType.SKOLENHET,
    "school unit": OrganisationType.SKOLENHET,
    "unit": OrganisationType.SKOLENHET,
}

ROLE_NAMES = {
    "strateg": Role.STRATEGIST,
    "strategist": Role.STRATEGIST,
    "enhetsledare": Role.UNIT_LEADER,
    "unit leader": Role.UNIT_LEADER,
    "samordnare": Role.COORDINATOR,
    "coordinator": Role.COORDINATOR,
    "personal": Role.STAFF,
    "staff": Role.STAFF,
    "läsare": Role.VIEWER,
    "lasare": Role.VIEWER,
    "viewer": Role.VIEWER,
}

YES = {"ja", "j", "yes", "y", "1", "sant", "true", "x"}
NO = {"nej", "n", "no", "0", "falskt", "false", ""}

PUPIL_COUNT = re.compile(r"^\s*([A-Za-z]+)(?:\s+(.+?))?\s*[=:]\s*(\d{1,6})\s*$")


def text(
    value: str, label: str, *, required: bool = False, max_length: int = NAME_MAX
) -> tuple[str, str | None]:
    value = (value or "").strip()
    if not value:
        return "", (_("%(field)s is missing.") % {"field": label}) if required else None
    if len(value) > max_length:
        return "", _("%(field)s is longer than %(max)s characters.") % {"field": label, "max": max_length}
    if value.startswith(FORMULA_PREFIXES):
        return "", _(
            "%(field)s starts with “%(char)s”, as a spreadsheet formula does; write the value as plain text."
        ) % {"field": label, "char": value[0]}
    if CONTROL.search(value):
        return "", _("%(field)s contains control characters.") % {"field": label}
    return value, None


def yes_no(value: str, label: str, default: bool) -> tuple[bool, str | None]:
    value = (value or "").strip().lower()
    if not value:
        return default, None
    if value in YES:
        return True, None
    if value in NO:
        return False, None
    return default, _("%(field)s must be “ja” or “nej”, not “%(value)s”.") % {
        "field": label,
        "value": value[:40],
    }


def organisation_type(value: str) -> tuple[OrganisationType | None, str | None]:
    key = (value or "").strip().lower()
    if key in TYPE_NAMES:
        return TYPE_NAMES[key], None
    return None, _("Unknown type “%(value)s”; use förvaltning, område or skolenhet.") % {"value": value[:40]}


def school_unit_code(value: str) -> tuple[str, str | None]:
    value = (value or "").strip().replace(" ", "")
    if value and not re.fullmatch(r"\d{8}", value):
        return "", _("The school unit code “%(value)s” must be exactly 8 digits.") % {"value": value[:40]}
    return value, None


def school_forms(value: str) -> tuple[list[str], str | None]:
    codes: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[,;\s]+", (value or "").strip()):
        if not part:
            continue
        code = part.upper()
        (codes if code in SchoolForm.values else unknown).append(code)
    if unknown:
        return [], _(
            "Unknown school forms: %(codes)s. Use SS 12000 codes such as FS, GR, GRS, GY, GYS, VUX."
        ) % {"codes": ", ".join(u[:20] for u in unknown)}
    return list(dict.fromkeys(codes)), None


def pupil_counts(value: str) -> tuple[dict[tuple[str, str], int], str | None]:
    """ "GR F-3=120, GR 4-6=110, FS=60" → {("GR", "F-3"): 120, ...}."""
    counts: dict[tuple[str, str], int] = {}
    for part in re.split(r"[,;]", (value or "").strip()):
        if not part.strip():
            continue
        match = PUPIL_COUNT.match(part)
        if not match or match.group(1).upper() not in SchoolForm.values:
            return {}, _("Pupils must be written as “GR F-3=120, GR 4-6=110”; “%(part)s” is not.") % {
                "part": part.strip()[:40]
            }
        key = (match.group(1).upper(), (match.group(2) or "").strip()[:20])
        counts[key] = counts.get(key, 0) + int(match.group(3))
    return counts, None


def count(value: str, label: str) -> tuple[int | None, str | None]:
    value = (value or "").strip().replace(" ", "")
    if not value:
        return None, None
    if not value.isdigit() or len(value) > 7:
        return None, _("%(field)s must be a whole number, not “%(value)s”.") % {
            "field": label,
            "value": value[:40],
        }
    return int(value), None
