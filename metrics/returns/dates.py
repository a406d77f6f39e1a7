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

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")  # a date cell as read ('2019-03-04'), or ISO text
_TYPED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")  # a date typed day first, as text
# A return is submitted in its month or in the weeks after it.
SUBMITTED_WITHIN_DAYS = 92
CHECK = "if they are right, confirm the upload; if not, correct them (YYYY-MM-DD reads the same everywhere)"
CHECK_ONE = "if it is right, confirm the upload; if not, correct it (YYYY-MM-DD reads the same everywhere)"


def _rows(rows: list[int]) -> str:
    """'row 4', 'rows 2, 3', 'rows 2, 3, 4, 5, 6, 7 and 3 more'."""
    shown = ", ".join(map(str, rows[:6])) + (f" and {len(rows) - 6} more" if len(rows) > 6 else "")
    return ("row " if len(rows) == 1 else "rows ") + shown


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
        settled = settled or any(day > 12 for _, day, _ in typed)
        if any(_swappable(day, month) for _, day, month in typed):
            ambiguous.append(f"{col.name} {_rows([row for row, _, _ in typed])}")
        swappable = [row for row, day, month in cells if _swappable(day, month)]
        if typed and swappable:
            warnings.append(Problem(file, sheet.name, None, col.name, "", (
                f"mixes date cells with dates typed as text ({_rows([r for r, _, _ in typed])}): a spreadsheet "
                "set to US month/day order makes a date cell of 11/07/2018 (7 November) but leaves 13/07/2018 as "
                f"text. Check the date cells that could be the wrong way round ({_rows(swappable)}): {CHECK}")))
    if ambiguous and not settled:
        warnings.append(Problem(file, sheet.name, None, "", "", (
            f"every date typed as text reads as a date either way round ({'; '.join(ambiguous)}): they are read "
            f"day first, as in the UK (03/04/2019 is 3 April 2019): {CHECK}")))
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
            warnings.append(Problem(file, sheet.name, row, col.name, text, (
                f"is {value:%-d %B %Y}, far from {month_end:%B %Y}; the other way round it is {swapped:%-d %B %Y}: "
                f"a spreadsheet set to US month/day order reads a typed {swapped:%d/%m/%Y} as {value:%-d %B}. "
                f"Check it: {CHECK_ONE}")))
    return warnings
