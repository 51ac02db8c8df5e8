"""A date something is due, seen from today: how many days are left, or how many it is over."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Due:
    date: datetime.date
    days_left: int  # 0 on the day itself, negative once it has passed

    @classmethod
    def of(cls, date: datetime.date, today: datetime.date) -> "Due":
        return cls(date, (date - today).days)

    @property
    def days_over(self) -> int:
        return max(0, -self.days_left)

    @property
    def is_over(self) -> bool:
        return self.days_left < 0
