"""The label that tells a reader where a framework stands: in force, historical, a proposal
never adopted, or a reference framework. One function, so that the list, the version page, the
choice of a template, the link chooser and the coverage page all say the same."""

from django.utils.translation import gettext as _

from digiplan.frameworks.models import Framework, FrameworkVersion, Standing

# CSS modifier per standing: a historical framework looks inactive, a proposal warns.
BADGE_CLASSES = {
    Standing.CURRENT: "badge-current",
    Standing.HISTORICAL: "badge-inactive",
    Standing.PROPOSAL: "badge-proposal",
    Standing.REFERENCE: "",
}


def standing_label(framework: Framework, version: FrameworkVersion | None = None) -> str:
    """ "Historisk – gällde 2017–2022", "Förslag, inte antaget" …, or "" when nothing is stated.
    The years come from the version's period of validity, so the label and the period agree."""
    start = version.valid_from.year if version and version.valid_from else None
    end = version.valid_to.year if version and version.valid_to else None
    if framework.standing == Standing.HISTORICAL:
        if start and end:
            return _("Historical – in force %(start)s–%(end)s") % {"start": start, "end": end}
        return str(Standing.HISTORICAL.label)
    if framework.standing == Standing.CURRENT:
        if start and end:
            return _("In force %(start)s–%(end)s") % {"start": start, "end": end}
        return str(Standing.CURRENT.label)
    if framework.standing in (Standing.PROPOSAL, Standing.REFERENCE):
        return str(Standing(framework.standing).label)
    return ""


def with_standing(name: str, framework: Framework, version: FrameworkVersion | None = None) -> str:
    """The name followed by its standing, for choices in a form (a select shows no badge)."""
    label = standing_label(framework, version)
    return f"{name} – {label}" if label else name
