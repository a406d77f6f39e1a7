"""Dates that may have been read the wrong way round: flagged for the manager to confirm, never refused.

A spreadsheet set to US month/day order makes the date 7 November of a typed 11/07/2018 and leaves
13/07/2018 as text (no 13th month), so a date column that mixes date cells with dates typed as text is
the sign of it; dates typed as text that read as a date either way round (03/04/2019) are read day
first, as in the UK, which only the manager can confirm. A single date, such as About's submitted_on,
is flagged when it lies far from its month but would not, read the other way round.
"""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa

from metrics.contract import Problem, Sheet
from metrics.i18n import N_, _, babel_locale, language, ngettext

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")  # a date cell as read ('2019-03-04'), or ISO text
_TYPED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")  # a date typed day first, as text
# A return is submitted in its month or in the weeks after it.
SUBMITTED_WITHIN_DAYS = 92
CHECK = N_("if they are right, confirm the upload; if not, correct them (YYYY-MM-DD reads the same everywhere)")
CHECK_ONE = N_("if it is right, confirm the upload; if not, correct it (YYYY-MM-DD reads the same everywhere)")
# A day, a month and a day of a month in running text, as strftime writes them in English ('3 March 2019').
_FORMATS = {"day": ("%-d %B %Y", "d MMMM y"), "month": ("%B %Y", "MMMM y"), "day_of_month": ("%-d %B", "d MMMM")}


def day_text(day: dt.date, kind: str = "day") -> str:
    """'3 March 2019' (kind 'day'), 'March 2019' ('month') or '3 March' ('day_of_month'), in this run's language."""
    english, pattern = _FORMATS[kind]
    if language() == "en":
        return day.strftime(english)
    from babel.dates import format_date

    return format_date(day, pattern, locale=babel_locale())


def _rows(rows: list[int]) -> str:
    """'row 4', 'rows 2, 3', 'rows 2, 3, 4, 5, 6, 7 and 3 more'."""
    shown = ", ".join(map(str, rows[:6]))
    if len(rows) > 6:
        shown = _("{rows} and {n} more").format(rows=shown, n=len(rows) - 6)
    return ngettext("row {rows}", "rows {rows}", len(rows)).format(rows=shown)


def _swappable(day: int, month: int) -> bool:
    return day <= 12 and day != month


def column_warnings(sheet: Sheet, rows: pa.Table, file: str) -> list[Problem]:
    """A warning for each date column that mixes date cells with typed dates, and one for the sheet when every
    date typed as text in it reads as a date either way round (one typed day first past the 12th settles it)."""
    warnings, ambiguous, settled = [], [], False
    for col in (c for c in sheet.columns if c.type == "date"):
        cells, typed = [], []
        for row, text in zip(rows.column("_row").to_pylist(), rows.column(col.name).to_pylist()):
            text = (text or "").strip()
            if match := _ISO.match(text):
                cells.append((row, int(match.group(3)), int(match.group(2))))
            elif (match := _TYPED.fullmatch(text)) and int(match.group(2)) <= 12:
                typed.append((row, int(match.group(1)), int(match.group(2))))
        settled = settled or any(day > 12 for _r, day, _m in typed)
        if any(_swappable(day, month) for _r, day, month in typed):
            ambiguous.append(f"{col.name} {_rows([row for row, _d, _m in typed])}")
        swappable = [row for row, day, month in cells if _swappable(day, month)]
        if typed and swappable:
            warnings.append(Problem(file, sheet.name, None, col.name, "", _(
                "mixes date cells with dates typed as text ({typed}): a spreadsheet set to US month/day order "
                "makes a date cell of 11/07/2018 (7 November) but leaves 13/07/2018 as text. Check the date cells "
                "that could be the wrong way round ({swappable}): {check}").format(
                    typed=_rows([r for r, _d, _m in typed]), swappable=_rows(swappable), check=_(CHECK))))
    if ambiguous and not settled:
        warnings.append(Problem(file, sheet.name, None, "", "", _(
            "every date typed as text reads as a date either way round ({columns}): they are read day first, as "
            "in the UK (03/04/2019 is 3 April 2019): {check}").format(columns="; ".join(ambiguous), check=_(CHECK))))
    return warnings


def field_warnings(sheet: Sheet, fields: dict, typed: dict, month_end: dt.date | None, file: str) -> list[Problem]:
    """A warning for each date field far from the reporting month that would be near it the other way round."""
    if month_end is None:
        return []
    first, last = month_end.replace(day=1), month_end + dt.timedelta(days=SUBMITTED_WITHIN_DAYS)
    warnings = []
    for col in (c for c in sheet.columns if c.type == "date"):
        value = typed.get(col.name)
        if not isinstance(value, dt.date) or not _swappable(value.day, value.month):
            continue
        swapped = value.replace(month=value.day, day=value.month)
        if not first <= value <= last and first <= swapped <= last:
            row, text = fields.get(col.name, (None, None))
            warnings.append(Problem(file, sheet.name, row, col.name, text, _(
                "is {value}, far from {month}; the other way round it is {swapped}: a spreadsheet set to US "
                "month/day order reads a typed {typed} as {value_day}. Check it: {check}").format(
                    value=day_text(value), month=day_text(month_end, "month"), swapped=day_text(swapped),
                    typed=f"{swapped:%d/%m/%Y}", value_day=day_text(value, "day_of_month"), check=_(CHECK_ONE))))
    return warnings
