"""Reporting periods: runs of whole calendar months."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from metrics.i18n import _, month_text

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def check_month(text: str) -> str:
    if not isinstance(text, str) or not _MONTH.fullmatch(text):
        raise ValueError(f"{text!r} is not a month (YYYY-MM)")
    return text


def add_months(month: str, count: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def month_start(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def month_end(month: str) -> dt.date:
    year, number = int(month[:4]), int(month[5:7])
    return dt.date(year, number, calendar.monthrange(year, number)[1])


def month_of(day: dt.date) -> str:
    return day.strftime("%Y-%m")


@dataclass(frozen=True)
class Period:
    """From the first day of `first` to the last day of `last`, both YYYY-MM."""

    first: str
    last: str

    def __post_init__(self):
        check_month(self.first)
        check_month(self.last)
        if self.first > self.last:
            raise ValueError(f"the period starts ({self.first}) after it ends ({self.last})")

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2019-01:2019-03' or a single month '2019-03'."""
        first, _sep, last = text.partition(":")
        return cls(first, last or first)

    @property
    def start(self) -> dt.date:
        return month_start(self.first)

    @property
    def end(self) -> dt.date:
        return month_end(self.last)

    @property
    def months(self) -> list[str]:
        return months_between(self.first, self.last)

    @property
    def length(self) -> int:
        return len(self.months)

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(add_months(self.first, -self.length), add_months(self.first, -1))

    @property
    def label(self) -> str:
        first, last = month_text(month_start(self.first)), month_text(month_start(self.last))
        return first if self.first == self.last else _("{first} to {last}").format(first=first, last=last)

    def __str__(self) -> str:
        return f"{self.first}:{self.last}"


def latest_month(latest: str) -> Period:
    return Period(latest, latest)


def latest_quarter(latest: str) -> Period:
    """The calendar quarter holding the latest month, up to that month."""
    month = int(latest[5:7])
    return Period(f"{latest[:4]}-{(month - 1) // 3 * 3 + 1:02d}", latest)


def financial_year(latest: str) -> Period:
    """April to March, up to the latest month."""
    year = int(latest[:4]) - (1 if int(latest[5:7]) < 4 else 0)
    return Period(f"{year}-04", latest)


def grant_to_date(grant_start: dt.date, latest: str) -> Period:
    return Period(min(month_of(grant_start), latest), latest)


def calendar_quarter(month: str) -> Period:
    """The whole calendar quarter holding the month (also a quarter of the financial year)."""
    first = int(month[5:7]) - (int(month[5:7]) - 1) % 3
    return Period(f"{month[:4]}-{first:02d}", f"{month[:4]}-{first + 2:02d}")


def whole_financial_year(month: str) -> Period:
    """April to March, the whole financial year holding the month."""
    year = int(month[:4]) - (1 if int(month[5:7]) < 4 else 0)
    return Period(f"{year}-04", f"{year + 1}-03")
