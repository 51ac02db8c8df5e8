"""The setup checklist a new huvudman's strategist meets: five steps, each ticked from the
huvudman's own data (selectors.setup_state) and each linking to the page where it is done."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digiplan.onboarding import selectors
from digiplan.organisations.models import Huvudman


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    description: str
    url: str
    done: bool
    # What is still missing, when the step is partly done ("3 school units have no leader").
    detail: str = ""


@dataclass(frozen=True)
class Checklist:
    steps: list[Step]

    @property
    def done(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def complete(self) -> bool:
        return self.done == self.total


def _leader_detail(state: selectors.SetupState) -> str:
    if not state.units:
        return _("Import or add the school units first.")
    if not state.units_without_leader:
        return ""
    return ngettext(
        "%(count)s school unit has no unit leader.",
        "%(count)s school units have no unit leader.",
        state.units_without_leader,
    ) % {"count": state.units_without_leader}


def setup_checklist(huvudman: Huvudman) -> Checklist:
    state = selectors.setup_state(huvudman)
    return Checklist(
        steps=[
            Step(
                key="organisation",
                title=_("Import the organisation"),
                description=_(
                    "Bring in the school units and people from the school administration system "
                    "(SS 12000) or from a file."
                ),
                url=reverse("import_start"),
                done=state.units > 0,
            ),
            Step(
                key="framework",
                title=_("Choose or import a framework"),
                description=_(
                    "Publish your own strategy or plan, import one, or choose a built-in "
                    "framework for a self-assessment."
                ),
                url=reverse("framework_list"),
                done=state.framework_in_use,
            ),
            Step(
                key="sign_in",
                title=_("Set up sign-in"),
                description=_("Let staff sign in with their school account (SAML or OpenID Connect)."),
                url=reverse("signin_settings"),
                done=state.school_sign_in,
            ),
            Step(
                key="leaders",
                title=_("Invite the unit leaders"),
                description=_("Give every school unit a unit leader."),
                url=reverse("people_list"),
                done=state.units > 0 and state.units_without_leader == 0,
                detail=_leader_detail(state),
            ),
            Step(
                key="campaign",
                title=_("Open the first self-assessment"),
                description=_("Choose units and dates, and open the self-assessment for leaders and staff."),
                url=reverse("campaign_list"),
                done=state.campaign_opened,
            ),
        ]
    )
