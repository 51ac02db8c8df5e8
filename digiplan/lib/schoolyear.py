"""School years, written as "2026/27": the one place that knows a new one starts on 1 July and
that the second number is the first plus one, modulo a hundred."""

import datetime
import re

from django.utils import timezone

PATTERN = re.compile(r"^(\d{4})/(\d{2})\Z")
# Swedish schools start in August; July belongs to the new year already, so that plans and
# campaigns made in the summer holiday land in the year they are for.
FIRST_MONTH = 7


def label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def start_of(school_year: str) -> int:
    return int(school_year[:4])


def is_valid(text: str | None) -> bool:
    match = PATTERN.match(text or "")
    return match is not None and (int(match[1]) + 1) % 100 == int(match[2])


def of(day: datetime.date) -> str:
    """The school year a day falls in."""
    return label(day.year if day.month >= FIRST_MONTH else day.year - 1)


def current() -> str:
    return of(timezone.localdate())


def shifted(school_year: str, years: int) -> str:
    """The school year `years` after (or, negative, before) the given one."""
    return label(start_of(school_year) + years)


def bounds(school_year: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a school year."""
    start = start_of(school_year)
    return datetime.date(start, FIRST_MONTH, 1), datetime.date(
        start + 1, FIRST_MONTH, 1
    ) - datetime.timedelta(days=1)


def moved(day: datetime.date, years: int) -> datetime.date:
    """The same day and month `years` later: what a date carried into a later school year
    becomes (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
