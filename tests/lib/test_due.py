import datetime

from digiplan.lib.due import Due

TODAY = datetime.date(2026, 12, 3)


def test_days_left_count_to_the_date():
    due = Due.of(datetime.date(2026, 12, 6), TODAY)
    assert (due.days_left, due.days_over, due.is_over) == (3, 0, False)


def test_the_day_itself_has_no_day_left_and_is_not_over():
    due = Due.of(TODAY, TODAY)
    assert (due.days_left, due.days_over, due.is_over) == (0, 0, False)


def test_a_passed_date_counts_the_days_over():
    due = Due.of(datetime.date(2026, 11, 30), TODAY)
    assert (due.days_left, due.days_over, due.is_over) == (-3, 3, True)
