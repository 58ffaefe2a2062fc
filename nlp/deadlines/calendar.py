"""Counting a limit's days and months (刑事诉讼法 art. 105) and moving it past holidays.

Pure functions. Official holidays and make-up working days (调休) come from the maintained
``chinesecalendar`` package (import name ``chinese_calendar``), which knows the years the State
Council has announced; a date outside them is reported, never guessed.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import functools
from dataclasses import dataclass

import chinese_calendar


def add_days(start: dt.date, days: int) -> dt.date:
    """The last day of a limit of ``days`` days from ``start`` (the start day is not counted)."""
    return start + dt.timedelta(days=days)


def _is_last_day(day: dt.date) -> bool:
    return day.day == _calendar.monthrange(day.year, day.month)[1]


def add_months(start: dt.date, months: int) -> dt.date:
    """The last day of a limit of ``months`` months from ``start``.

    A month runs to the same day of the next month; from a month's last day to the next month's
    last day; and to the next month's last day where it has no such day (1月31日 + 1 = 2月28/29日).
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    if _is_last_day(start):
        return dt.date(year, month, last)
    return dt.date(year, month, min(start.day, last))


def add_length(start: dt.date, months: int = 0, days: int = 0) -> dt.date:
    """Months first, then days: 一个半月 is one month and 15 days."""
    return add_days(add_months(start, months), days) if months else add_days(start, days)


@dataclass(frozen=True)
class DueDate:
    """A limit's last day, after the holiday rule; ``moved_from`` is the day it fell on."""

    due: dt.date
    moved_from: dt.date | None = None
    unknown_year: int | None = None  # the holiday calendar does not know this year


@functools.cache
def covered_years() -> tuple[int, int]:
    """The first and last year the holiday package knows."""
    years = [d.year for d in chinese_calendar.holidays] + [d.year for d in chinese_calendar.workdays]
    return min(years), max(years)


def is_day_off(day: dt.date) -> bool:
    """A weekend or an official holiday that is not a make-up working day (调休上班).

    Raises :class:`HolidayDataMissing` for a year the package does not know.
    """
    first, last = covered_years()
    if not first <= day.year <= last:
        raise HolidayDataMissing(day.year)
    return bool(chinese_calendar.is_holiday(day))


class HolidayDataMissing(LookupError):
    """The holiday package has no data for ``year`` (not yet announced, or too old)."""

    def __init__(self, year: int):
        super().__init__(f"no official holiday data for {year}")
        self.year = year


def apply_holiday_rule(last_day: dt.date, in_custody: bool) -> DueDate:
    """The due date: ``last_day``, moved past days off unless the person is in custody.

    Art. 105: in custody it never moves.

    A year the package does not know yields ``unknown_year`` and the unmoved day.
    """
    if in_custody:
        return DueDate(last_day)
    day = last_day
    try:
        while is_day_off(day):
            day += dt.timedelta(days=1)
    except HolidayDataMissing as missing:
        return DueDate(last_day, unknown_year=missing.year)
    return DueDate(day, moved_from=last_day if day != last_day else None)
