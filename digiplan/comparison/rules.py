"""When a national comparison figure may be shown: the rules, as plain functions with no
database, so that each can be enumerated in tests (tests/comparison/test_rules.py) and stated in
docs/privacy.md ("The national comparison").

- A unit's area figure enters only when the unit's own figure was shown (every indicator figure
  behind it rested on at least the campaign's k answers) and rested on at least COMPARISON_K
  answers: however low a huvudman set its own k, nobody enters the comparison on fewer than 5.
- A comparison figure is made only when at least MIN_HUVUDMAN huvudmän stand behind it, and
- no single huvudman contributes more than MAX_SHARE of its units or of its respondents
  (dominance): a figure that is mostly one huvudman's would be that huvudman's figure.
- Its median and quartiles are rounded to the one decimal the pages print before they are
  stored; the counts of huvudmän and units are stored, never which.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from digiplan.assessments.models import K_DEFAULT
from digiplan.assessments.selectors.org import quartiles

COMPARISON_K = K_DEFAULT  # 5 answers per unit at the least, whatever the campaign's own k
MIN_HUVUDMAN = 5
MAX_SHARE = Fraction(1, 2)  # no huvudman may stand for more than half of the units or answers
DECIMALS = 1


class Entry(NamedTuple):
    """One unit's area figure as it enters a comparison figure: whose it is (only while the
    figure is made, never stored), its mean and how many answered. A plain tuple: a build makes
    hundreds of thousands of them."""

    huvudman_id: int
    mean: float
    respondents: int


@dataclass(frozen=True)
class National:
    huvudman_count: int
    unit_count: int
    median: float
    q1: float
    q3: float


def unit_enters(least_answers: int | None, respondents: int, campaign_k: int) -> bool:
    """May a unit's area figure enter? least_answers: the fewest answers on the scale behind
    any of the area's indicator figures the unit shows (None: no figure shown)."""
    k = max(COMPARISON_K, campaign_k)
    return least_answers is not None and least_answers >= k and respondents >= k


def dominated(entries: list[Entry]) -> bool:
    """Does one huvudman stand for more than MAX_SHARE of the units or the respondents?"""
    units: dict[int, int] = defaultdict(int)
    answers: dict[int, int] = defaultdict(int)
    for huvudman_id, _mean, respondents in entries:
        units[huvudman_id] += 1
        answers[huvudman_id] += respondents
    total_units, total_answers = len(entries), sum(answers.values())
    # n / total > p / q  ⇔  n · q > total · p, in integers
    p, q = MAX_SHARE.numerator, MAX_SHARE.denominator
    return any(n * q > total_units * p for n in units.values()) or any(
        n * q > total_answers * p for n in answers.values()
    )


def national(entries: list[Entry]) -> National | None:
    """The comparison figure over the entries, or None when a rule withholds it."""
    huvudman_count = len({entry[0] for entry in entries})
    if huvudman_count < MIN_HUVUDMAN or dominated(entries):
        return None
    values = sorted(entry[1] for entry in entries)
    q1, q3 = quartiles(values)
    return National(
        huvudman_count=huvudman_count,
        unit_count=len(values),
        median=round(statistics.median(values), DECIMALS),
        q1=round(q1, DECIMALS),
        q3=round(q3, DECIMALS),
    )
