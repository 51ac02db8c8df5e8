"""A plan with device targets and the test world's units given head counts, for the target tests."""

from digiplan.organisations.models import PupilCount
from tests.factories import FrameworkVersionFactory

PLAN = """\
format: digiplan-framework/1
slug: plan
name: Digitaliseringsplan
kind: plan
source: Test
items:
  - code: U
    kind: area
    title: Utrustning
    children:
      - code: U.T1
        kind: tool
        title: Lärplattformen
targets:
  - metric: devices_per_pupil
    school_form: GR
    grade_band: "1-9"
    value: 1.0
    description: En enhet per elev i årskurs 1–9
  - metric: devices_per_pupil
    school_form: GR
    grade_band: "F-3"
    value: 0.5
    description: En enhet per två elever i F–3
  - metric: devices_per_employee
    value: 1.0
    description: En dator per anställd
"""


def plan_with_targets(world, text: str = PLAN, publish: bool = True):
    return FrameworkVersionFactory(huvudman=world.huvudman, text=text, publish=publish)


def head_counts(unit, pupils: dict[tuple[str, str], int], staff: int | None) -> None:
    PupilCount.objects.filter(organisation=unit).delete()
    for (form, band), count in pupils.items():
        PupilCount.objects.create(organisation=unit, school_form=form, grade_band=band, pupils=count)
    unit.staff_count = staff
    unit.save(update_fields=["staff_count"])
