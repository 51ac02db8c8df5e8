"""School-year arithmetic lives in one place; these are the edges every copy used to get right."""

import datetime

import pytest

from digiplan.lib import schoolyear


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2026, 6, 30), "2025/26"),
        (datetime.date(2026, 7, 1), "2026/27"),
        (datetime.date(2026, 12, 31), "2026/27"),
        (datetime.date(2099, 8, 1), "2099/00"),
    ],
)
def test_a_school_year_starts_on_the_first_of_july(day, year):
    assert schoolyear.of(day) == year


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2026/27", True),
        ("2099/00", True),
        ("2026/28", False),
        ("2026-27", False),
        ("2026/27\n", False),
        ("", False),
        (None, False),
    ],
)
def test_only_a_year_and_the_next_one_is_a_school_year(text, valid):
    assert schoolyear.is_valid(text) is valid


def test_shifting_and_bounds_cross_the_century():
    assert schoolyear.shifted("2099/00", 1) == "2100/01"
    assert schoolyear.shifted("2026/27", -1) == "2025/26"
    assert schoolyear.bounds("2027/28") == (datetime.date(2027, 7, 1), datetime.date(2028, 6, 30))
