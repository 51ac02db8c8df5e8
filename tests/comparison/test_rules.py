"""The comparison's suppression rules, enumerated (docs/privacy.md, "The national comparison"):
at least five huvudmän behind a figure, only units whose own figure rested on at least k
answers, no huvudman with more than half of a figure's units or answers, withdrawal at the next
build, and tables that name no huvudman and no unit."""

import random
from fractions import Fraction

import pytest
from django.core.management import call_command

from digiplan.assessments.models import Campaign, ResultFigures
from digiplan.comparison import rules, services
from digiplan.comparison.models import ComparisonBuild, ComparisonConsent, ComparisonFigure
from digiplan.comparison.rules import Entry
from digiplan.frameworks.exchange import import_framework
from digiplan.organisations.models import Huvudman, Organisation
from tests.assessment_helpers import INDICATORS
from tests.comparison.helpers import YEAR, closed_on_standard, figures, sharing_huvudman

pytestmark = pytest.mark.django_db


def built(area="KOMP", group="staff", form=""):
    services.comparison_build()
    return ComparisonFigure.objects.filter(
        school_year=YEAR, area_code=area, group=group, school_form=form
    ).first()


def test_the_rules_are_the_documented_ones():
    assert (rules.MIN_HUVUDMAN, rules.COMPARISON_K, rules.MAX_SHARE) == (5, 5, Fraction(1, 2))


def test_four_huvudman_give_no_figure():
    for mean in (1, 2, 3, 4):
        sharing_huvudman([mean])
    assert built() is None
    assert ComparisonFigure.objects.count() == 0


def test_five_huvudman_give_a_figure_with_median_quartiles_and_their_number():
    for mean in (1, 2, 3, 4, 5):
        sharing_huvudman([mean])
    figure = built()
    assert (figure.huvudman_count, figure.unit_count) == (5, 5)
    assert (figure.median, figure.q1, figure.q3) == (3.0, 2.0, 4.0)
    # per school form too (every unit is GR), and for each area of the standard set
    assert built(form="GR").median == 3.0
    assert built(area="LED").median == 3.0
    # nobody answered the pupils' questionnaire
    assert built(group="pupil") is None


def test_figures_are_stored_rounded_to_the_printed_decimal():
    for mean in (1.04, 2.0, 3.06, 4.0, 5.0):
        sharing_huvudman([mean])
    figure = built()
    assert (figure.median, figure.q1, figure.q3) == (3.1, 2.0, 4.0)


def test_a_unit_whose_figure_rests_on_fewer_than_five_does_not_enter_even_when_its_k_is_3():
    for mean in (1, 2, 3, 4):
        sharing_huvudman([mean])
    sharing_huvudman([5], respondents=4, k=3)  # shown at home (k = 3), not in the comparison
    assert built() is None
    sharing_huvudman([5])
    figure = built()
    assert (figure.huvudman_count, figure.unit_count, figure.median) == (5, 5, 3.0)


def test_a_unit_with_five_respondents_but_fewer_answers_on_the_scale_does_not_enter():
    for mean in (1, 2, 3, 4):
        sharing_huvudman([mean])
    sharing_huvudman([5], respondents=5, n=4, k=3)  # one said "don't know"
    assert built() is None


def test_a_huvudman_k_above_five_is_kept():
    for mean in (1, 2, 3, 4):
        sharing_huvudman([mean])
    sharing_huvudman([5], respondents=6, k=8)  # its own pages would not show this figure
    assert built() is None


def test_one_huvudman_with_more_than_half_of_the_units_withholds_the_figure():
    for mean in (1, 2, 3, 4):
        sharing_huvudman([mean])
    big, _units = sharing_huvudman([3, 3, 3, 3, 3])  # 5 of 9 units
    assert built() is None
    ComparisonConsent.objects.filter(huvudman=big).delete()
    sharing_huvudman([3, 3, 3, 3])  # 4 of 8: exactly half is allowed
    figure = built()
    assert (figure.huvudman_count, figure.unit_count) == (5, 8)


def test_one_huvudman_with_more_than_half_of_the_answers_withholds_the_figure():
    for mean in (1, 2, 3, 4):
        sharing_huvudman([mean], respondents=10)
    big, _units = sharing_huvudman([5], respondents=41)  # 41 of 81 answers
    assert built() is None
    services.consent_set(actor=None, huvudman=big, shares=False)
    sharing_huvudman([5], respondents=40)  # 40 of 80: exactly half
    assert built().huvudman_count == 5


def test_dominance_rule_enumerated():
    def entries(*pairs):
        return [Entry(huvudman_id=h, mean=3.0, respondents=r) for h, r in pairs]

    assert not rules.dominated(entries((1, 10), (2, 10)))
    assert rules.dominated(entries((1, 10), (1, 10), (2, 10)))  # two of three units
    assert rules.dominated(entries((1, 30), (2, 10), (3, 10)))  # 30 of 50 answers
    assert rules.national(entries(*((h, 10) for h in range(4)))) is None
    assert rules.national(entries(*((h, 10) for h in range(5)))).huvudman_count == 5


def test_opting_out_removes_the_huvudman_at_the_next_build_not_before():
    huvudmen = [sharing_huvudman([mean])[0] for mean in (1, 2, 3, 4, 5)]
    assert built().huvudman_count == 5
    services.consent_set(actor=None, huvudman=huvudmen[0], shares=False)
    # until the next build the figure stands as it was built
    assert (
        ComparisonFigure.objects.get(school_year=YEAR, area_code="KOMP", group="staff", school_form="").median
        == 3.0
    )
    assert built() is None  # four left
    sharing_huvudman([1])
    assert built().huvudman_count == 5


def test_a_huvudman_that_does_not_share_is_never_counted():
    for mean in (1, 2, 3, 4):
        sharing_huvudman([mean])
    sharing_huvudman([5], share=False)
    assert built() is None


def test_only_the_builtin_standard_set_is_compared():
    for mean in (1, 2, 3, 4):
        sharing_huvudman([mean])
    huvudman, (unit,) = sharing_huvudman([5])
    Campaign.objects.filter(huvudman=huvudman).delete()
    own = import_framework(INDICATORS, huvudman=huvudman, actor=None, publish=True)  # its own framework
    closed_on_standard(huvudman, {unit: (figures(5), 10)}, version=own)
    assert built() is None


def test_a_unit_counts_once_a_year_with_its_last_closed_campaign():
    for mean in (1, 2, 3, 4):
        sharing_huvudman([mean])
    huvudman, (unit,) = sharing_huvudman([1])  # closed yesterday
    closed_on_standard(huvudman, {unit: (figures(5), 10)}, closed_days_ago=0)  # a later one
    figure = built()
    assert (figure.unit_count, figure.median, figure.q3) == (5, 3.0, 4.0)


def test_each_school_form_has_its_own_figures():
    for mean in (1, 2, 3, 4, 5):
        sharing_huvudman([mean], forms=("GR", "FS") if mean > 1 else ("GR",))
    assert built(form="GR").huvudman_count == 5
    assert built(form="FS") is None  # four huvudmän have preschools
    assert built(form="").unit_count == 5  # a unit with two forms counts once in all forms


def test_the_stored_tables_hold_no_reference_to_a_huvudman_or_a_unit():
    names = {
        ComparisonBuild: {"id", "built_at", "huvudman_count", "figure_count", "figures"},
        ComparisonFigure: {
            "id", "build", "school_year", "area_code", "group", "school_form",
            "huvudman_count", "unit_count", "median", "q1", "q3",
        },
    }  # fmt: skip
    for model, expected in names.items():
        fields = model._meta.get_fields()
        assert {f.name for f in fields} == expected
        related = {f.related_model for f in fields if f.is_relation}
        assert related <= {ComparisonBuild, ComparisonFigure}
    for mean in (1, 2, 3, 4, 5):
        sharing_huvudman([mean])
    services.comparison_build()
    stored = " ".join(
        str(value)
        for model in (ComparisonBuild, ComparisonFigure)
        for row in model.objects.values_list()
        for value in row
    )
    for huvudman in Huvudman.objects.all():
        assert huvudman.name not in stored and huvudman.organisation_number not in stored
    for unit in Organisation.objects.filter(type="skolenhet"):
        assert unit.name not in stored and unit.school_unit_code not in stored


def test_a_build_replaces_the_one_before():
    for mean in (1, 2, 3, 4, 5):
        sharing_huvudman([mean])
    services.comparison_build()
    services.comparison_build()
    assert ComparisonBuild.objects.count() == 1
    assert ComparisonFigure.objects.exclude(build=ComparisonBuild.objects.get()).count() == 0


def test_the_command_and_the_task_build_it(capsys):
    from digiplan.comparison.tasks import build_comparison

    for mean in (1, 2, 3, 4, 5):
        sharing_huvudman([mean])
    call_command("build_comparison")
    assert "från 5 huvudmän" in capsys.readouterr().out
    assert build_comparison.call() == ComparisonFigure.objects.count() > 0


@pytest.mark.parametrize("way", ["in_database", "in_python"])
def test_the_build_sums_the_areas_as_the_results_page_does(way):
    """Both ways of aggregate (in SQL, as PostgreSQL builds; in Python, as SQLite builds), on
    this engine, against unit_area_means (what a unit's page shows), over figures of many
    shapes: missing means, areas of one indicator, "don't know" answers, codes of no area."""
    from digiplan.comparison import aggregate
    from digiplan.comparison.services import _areas_by_code, _standard_campaigns, unit_area_means

    rng = random.Random(7)
    stored = {}
    for _ in range(6):
        _huvudman, units = sharing_huvudman([3.0, 3.0])
        for unit in units:
            rows = [
                [
                    code,
                    group,
                    rng.randint(3, 30),
                    rng.randint(0, 3),
                    0,
                    rng.choice([None, rng.uniform(1, 5)]),
                    2,
                    1,
                ]
                for code, group in (
                    ("LED.P1", "staff"),
                    ("KOMP.P1", "staff"),
                    ("KOMP.E1", "pupil"),
                    ("X.1", "staff"),
                )
            ]
            ResultFigures.objects.filter(unit=unit).update(figures=rows)
            stored[unit.pk] = rows
    area_of = _areas_by_code()
    campaigns = _standard_campaigns(list(ComparisonConsent.objects.values_list("huvudman_id", flat=True)))
    in_sql = {
        (unit, area, group): (total / count, least)
        for _campaign, unit, area, group, total, count, least in getattr(aggregate, way)(campaigns, area_of)
    }
    in_python = {
        (unit, area, group): value
        for unit, rows in stored.items()
        for (area, group), value in unit_area_means(rows, area_of).items()
    }
    assert in_sql.keys() == in_python.keys() and len(in_sql) > 10
    for key, (mean, least) in in_python.items():
        assert in_sql[key][0] == pytest.approx(mean, abs=1e-12) and in_sql[key][1] == least
