"""Working days (工作日) in China, for the law's clocks: weekends and public holidays are off,
and a weekend declared a make-up working day (调休上班) is on."""

from dataclasses import dataclass
from datetime import date, timedelta

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date]
    make_up_workdays: frozenset[date]
    # The years whose holiday schedule the calendar holds; outside them it knows weekends only.
    years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if both := self.holidays & self.make_up_workdays:
            raise ValueError(f"days both off and on: {sorted(both)}")
        if weekdays := {d for d in self.make_up_workdays if d.weekday() < 5}:
            raise ValueError(f"make-up working days must be weekends: {sorted(weekdays)}")

    def covers(self, d: date) -> bool:
        return d.year in self.years

    def is_working_day(self, d: date) -> bool:
        if d in self.make_up_workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`, `start` itself not counted."""
        if n < 0:
            raise ValueError(f"cannot count {n} working days")
        d = start
        while n:
            d += _DAY
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; 0 when `end` is not after `start`."""
        days = (start + _DAY * i for i in range(1, (end - start).days + 1))
        return sum(self.is_working_day(d) for d in days)
