from datetime import date

import pytest

from core.holidays_cn import CHINA_2025, CHINA_2026, Holiday, default_calendar
from core.workdays import WorkCalendar

CAL = default_calendar()
WEEKENDS_ONLY = WorkCalendar(holidays=frozenset(), make_up_workdays=frozenset())


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 6), True),  # Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 3, 9), True),  # Monday
        (date(2026, 1, 1), False),  # 元旦, a Thursday
        (date(2026, 1, 4), True),  # Sunday worked for 元旦
        (date(2026, 2, 14), True),  # Saturday worked for 春节
        (date(2026, 2, 17), False),  # 春节
        (date(2026, 2, 23), False),  # last day of 春节, a Monday
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday worked for 春节
        (date(2026, 4, 6), False),  # 清明节, a Monday
        (date(2026, 5, 9), True),  # Saturday worked for 劳动节
        (date(2026, 10, 8), True),  # Thursday after 国庆节
        (date(2026, 10, 10), True),  # Saturday worked for 国庆节
        (date(2025, 1, 26), True),  # Sunday worked for 春节 2025
        (date(2025, 10, 8), False),  # 国庆节、中秋节 2025
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_every_day_of_the_2026_national_day_week_is_off() -> None:
    assert not any(CAL.is_working_day(date(2026, 10, d)) for d in range(1, 8))


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        (date(2026, 3, 6), 2, date(2026, 3, 10)),  # signed on a Friday: due the next Tuesday
        (date(2026, 3, 6), 7, date(2026, 3, 17)),
        (date(2026, 3, 9), 1, date(2026, 3, 10)),
        (date(2026, 3, 7), 1, date(2026, 3, 9)),
        (date(2026, 3, 6), 0, date(2026, 3, 6)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # the make-up Saturday counts
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # then the 春节 break does not
        (date(2026, 2, 13), 7, date(2026, 3, 2)),
        (date(2026, 9, 30), 2, date(2026, 10, 9)),
        (date(2026, 12, 31), 1, date(2027, 1, 1)),  # 2027 is not in the data yet
    ],
)
def test_add_working_days(start: date, n: int, end: date) -> None:
    assert CAL.add_working_days(start, n) == end


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 3, 6), -1)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 3, 6), date(2026, 3, 10), 2),
        (date(2026, 3, 6), date(2026, 3, 7), 0),
        (date(2026, 3, 6), date(2026, 3, 6), 0),
        (date(2026, 3, 10), date(2026, 3, 6), 0),
        (date(2026, 2, 13), date(2026, 2, 28), 6),
        (date(2025, 12, 31), date(2026, 12, 31), 248),
    ],
)
def test_working_days_between(start: date, end: date, days: int) -> None:
    assert CAL.working_days_between(start, end) == days


def test_between_undoes_add() -> None:
    start = date(2026, 1, 30)
    for n in range(40):
        assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


def test_weekends_only_calendar() -> None:
    assert WEEKENDS_ONLY.is_working_day(date(2026, 10, 1))
    assert not WEEKENDS_ONLY.is_working_day(date(2026, 10, 10))
    assert not WEEKENDS_ONLY.covers(date(2026, 10, 1))


def test_the_calendar_says_which_years_it_knows() -> None:
    assert CAL.covers(date(2025, 6, 1))
    assert CAL.covers(date(2026, 12, 31))
    assert not CAL.covers(date(2027, 1, 1))


def test_a_make_up_day_must_be_a_weekend() -> None:
    with pytest.raises(ValueError, match="weekends"):
        WorkCalendar(holidays=frozenset(), make_up_workdays=frozenset({date(2026, 3, 9)}))


def test_a_day_cannot_be_both_off_and_on() -> None:
    day = date(2026, 3, 7)
    with pytest.raises(ValueError, match="both"):
        WorkCalendar(holidays=frozenset({day}), make_up_workdays=frozenset({day}))


# The notices' "共 N 天" and make-up days, item by item, to catch a mistyped date.
@pytest.mark.parametrize(
    ("schedule", "lengths", "make_up_days"),
    [
        (CHINA_2025, [1, 8, 3, 5, 3, 8], 5),
        (CHINA_2026, [3, 9, 3, 5, 3, 3, 7], 6),
    ],
)
def test_holiday_data_matches_the_notice(
    schedule: tuple[Holiday, ...], lengths: list[int], make_up_days: int
) -> None:
    assert [(last - first).days + 1 for _, first, last, _ in schedule] == lengths
    assert sum(len(on) for *_, on in schedule) == make_up_days
