"""Check and load monthly returns.

A workbook is read as text (metrics.returns.reading), then each sheet is typed and checked against
the contract in DuckDB (metrics.returns.checks). Every problem is collected before anything is
written; only a workbook with none is loaded, in one transaction (metrics.store.loading).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from metrics.contract import (
    ABOUT,
    ACTIVITY,
    CASES,
    MAX_UPLOAD_BYTES,
    RETURN_SHEETS,
    SPEND,
    VOICES,
    Problem,
    Rejected,
    Sheet,
)
from metrics.i18n import _
from metrics.periods import month_end
from metrics.returns.checks import checked_table
from metrics.returns.csv_sheets import zip_folder
from metrics.returns.dates import column_warnings, field_warnings
from metrics.returns.fields import check_fields
from metrics.returns.file_checks import too_large
from metrics.returns.reading import keyvalue_fields, table_rows
from metrics.returns.sources import read_return
from metrics.returns.topics import COMMENTARY
from metrics.returns.totals import judge_total, split_total
from metrics.returns.voices import judge
from metrics.store.loading import load_return
from metrics.store.logs import record
from metrics.store.settings import grants_covering


@dataclass
class CheckedReturn:
    """A return that passed every check, ready to load: plain data and Arrow tables."""

    file_name: str
    sha256: str
    about: dict
    cases: pa.Table
    activity: dict[str, int]
    spend: pa.Table
    # What the preview tells the manager and the command line prints, each named like a problem: a code
    # read from a number (65 as 65+), a total row left out, the columns ignored (never stored).
    notes: list[Problem] = field(default_factory=list)
    # Dates that may have been read the wrong way round (dates.py): the manager confirms them on loading.
    to_confirm: list[Problem] = field(default_factory=list)
    # The optional sheets (None when left out): the commentary, and the voices with consent to share.
    commentary: pa.Table | None = None
    voices: pa.Table | None = None
    # Text in the voices that may identify someone (identifying.py): nothing loads until the manager confirms.
    identifying: list[Problem] = field(default_factory=list)


# What an unreadable cell (error cell, formula with no saved result) is checked as: text that no column
# accepts, so that its own problem stands for it and no rule reading its column adds a second one.
_UNREADABLE = "\x00"


def _check_keyvalue(sheet: Sheet, raw: pa.Table, file: str, unreadable: set) -> tuple[dict, dict, list[Problem]]:
    """Read and type a key/value sheet: its fields as read, as typed, and its problems (its fields are not each
    reported missing when the sheet's shape is wrong)."""
    fields, problems = keyvalue_fields(sheet, raw, file)
    fields = {name: (row, _UNREADABLE if (row, name) in unreadable else text) for name, (row, text) in fields.items()}
    typed, found = check_fields(sheet, fields, file)
    shape_is_wrong = raw.num_columns < 2 or raw.num_rows == 0
    return fields, typed, problems if shape_is_wrong else problems + found


def _mark_unreadable(rows: pa.Table, cells: set) -> pa.Table:
    for row, name in cells:
        if name in rows.column_names:
            hit = pc.equal(rows.column("_row"), row)
            column = pc.if_else(hit, pa.scalar(_UNREADABLE), rows.column(name))
            rows = rows.set_column(rows.column_names.index(name), name, column)
    return rows


@dataclass
class _Found:
    """What the checks of a return find, sheet by sheet."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    to_confirm: list[Problem] = field(default_factory=list)


def _checked_table(sheet: Sheet, raw: pa.Table, file: str, last_day: dt.date | None, unreadable: set,
                   found: _Found) -> pa.Table | None:
    """Type and check a table sheet: its typed rows (None when its header is faulty); what it finds, to `found`."""
    rows, header_problems, ignored = table_rows(sheet, raw, file)
    found.notes += ignored
    found.to_confirm += column_warnings(sheet, rows, file)
    rows, total = split_total(sheet, _mark_unreadable(rows, unreadable))
    checked = checked_table(sheet, rows, file, month_end=last_day)
    problems = checked.problems
    found.notes += checked.notes
    if total is not None:
        total_problems, total_notes = judge_total(sheet, checked, total, file)
        problems, found.notes = problems + total_problems, found.notes + total_notes
    # Cells are checked under a faulty header too, so that every problem shows at once; a column
    # the header already reports (missing, doubled) is left to that one problem.
    named = {p.column for p in header_problems}
    found.problems += header_problems + [p for p in problems if p.column not in named]
    return None if header_problems else checked.typed


def check_return(content: bytes, file: str, con=None, max_bytes: int = MAX_UPLOAD_BYTES) -> CheckedReturn:
    """Check a return (.xlsx, .ods, or a zip of one CSV per sheet) completely; raise Rejected listing every
    problem at once.

    `con`, when given, is the database the return would load into: its budget's grants are checked too.
    """
    read = read_return(content, file, max_bytes)
    sheets, found = read.tables, _Found(list(read.problems))
    unreadable = {name: {(p.row, p.column) for p in read.unreadable if p.sheet == name} for name in sheets}
    about, activity, cases, spend, last_day = {}, {}, None, None, None
    if ABOUT.name in sheets:
        fields, about, problems = _check_keyvalue(ABOUT, sheets[ABOUT.name], file, unreadable[ABOUT.name])
        found.problems += problems
        last_day = month_end(about["reporting_month"]) if about["reporting_month"] else None
        found.to_confirm += field_warnings(ABOUT, fields, about, last_day, file)
    if ACTIVITY.name in sheets:
        _fields, activity, problems = _check_keyvalue(ACTIVITY, sheets[ACTIVITY.name], file, unreadable[ACTIVITY.name])
        found.problems += problems
    if CASES.name in sheets:
        cases = _checked_table(CASES, sheets[CASES.name], file, last_day, unreadable[CASES.name], found)
    if SPEND.name in sheets:  # its rules do not need the reporting month
        spend = _checked_table(SPEND, sheets[SPEND.name], file, None, unreadable[SPEND.name], found)
        if con is not None and spend is not None and last_day is not None:
            found.problems += _check_grants(con, spend, last_day, file)
    commentary = voices = None
    if COMMENTARY.name in sheets:
        commentary = _checked_table(COMMENTARY, sheets[COMMENTARY.name], file, None, unreadable[COMMENTARY.name],
                                    found)
    identifying = []
    if VOICES.name in sheets:
        typed = _checked_table(VOICES, sheets[VOICES.name], file, None, unreadable[VOICES.name], found)
        if typed is not None:
            judged = judge(typed, cases, file)
            voices, identifying = judged.consented, judged.identifying
            found.problems += judged.problems
            found.notes += judged.notes
    # An unreadable cell is reported as itself, once.
    flagged = {(p.sheet, p.row, p.column) for p in read.unreadable}
    problems = read.unreadable + [p for p in found.problems if (p.sheet, p.row, p.column) not in flagged]
    if problems:
        order = {sheet.name: i for i, sheet in enumerate(RETURN_SHEETS)}
        problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row if p.row is not None else float("inf")))
        raise Rejected(problems)
    return CheckedReturn(file, hashlib.sha256(content).hexdigest(), about, cases, activity, spend,
                         found.notes, found.to_confirm, commentary, voices, identifying)


def _check_grants(con, spend: pa.Table, last_day: dt.date, file: str) -> list[Problem]:
    """Each spend line must belong to exactly one grant of the budget in its month."""
    grants: dict[str, list[str]] = {}
    for line, grant in grants_covering(con, last_day.replace(day=1), last_day):
        grants.setdefault(line, []).append(grant)
    month = last_day.strftime("%Y-%m")
    problems = []
    for row, line, grant in zip(*(spend.column(n).to_pylist() for n in ("_row", "budget_line", "grant"))):
        if line is None:
            continue  # a blank or unknown budget line is already reported by its own cell check
        options = grants.get(line, [])
        if not options:
            problems.append(Problem(file, SPEND.name, row, "budget_line", line,
                                    _("has no grant in the budget covering {month}: add it in Settings first").format(
                                        month=month)))
        elif grant is None and len(options) > 1:
            problems.append(Problem(file, SPEND.name, row, "grant", "",
                                    _("is required: {month} is shared by grants {grants}").format(
                                        month=month, grants=_(" and ").join(options))))
        elif grant is not None and grant.lower() not in {g.lower() for g in options}:
            problems.append(Problem(file, SPEND.name, row, "grant", grant,
                                    _("is not a grant of {line} in {month}: {grants}").format(
                                        line=line, month=month, grants=", ".join(options))))
    return problems


class VoicesToCheck(Rejected):
    """A return whose voices hold text that may identify someone, not confirmed by the manager: nothing loaded."""


def load_checked(con, checked: CheckedReturn, user: str | None = None, voices_checked: bool = False) -> dict:
    """Load a checked return: what was loaded, with its notes and dates to confirm as text.

    A return with voices to check loads only when the manager has checked them (`voices_checked`)."""
    if checked.identifying and not voices_checked:
        raise VoicesToCheck(checked.identifying)
    loaded = load_return(con, about=checked.about, cases=checked.cases, activity=checked.activity,
                         spend=checked.spend, file_name=checked.file_name, sha256=checked.sha256, user=user,
                         commentary=checked.commentary, voices=checked.voices)
    return loaded | {"file": checked.file_name, "cases_rows": checked.cases.num_rows,
                     "spend_rows": checked.spend.num_rows,
                     "notes": [str(note) for note in checked.notes],
                     "to_confirm": [str(warning) for warning in checked.to_confirm]}


def ingest_bytes(con, content: bytes, file: str, user: str | None = None, voices_checked: bool = False) -> dict:
    """Check and load one workbook; a rejection is recorded in the audit log and re-raised."""
    try:
        checked = check_return(content, file, con)
    except Rejected as exc:
        audit_rejection(con, user, exc.problems)
        raise
    return load_checked(con, checked, user, voices_checked)


def ingest_paths(con, paths: list[str | Path], user: str | None = None, check=None,
                 voices_checked: bool = False) -> list[dict]:
    """Check every file (or folder of one CSV per sheet) first, with `check` (default check_return); load them
    only when all pass (and their voices are checked, or have nothing to check), so that a bad batch changes
    nothing."""
    check = check or check_return
    checked, problems = [], []
    for path in map(Path, paths):
        try:
            if path.is_file() and path.stat().st_size > MAX_UPLOAD_BYTES:
                raise too_large(path.name, path.stat().st_size, MAX_UPLOAD_BYTES)
            content = zip_folder(path, path.name) if path.is_dir() else path.read_bytes()
            checked.append(check(content, path.name, con))
        except Rejected as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(Problem.whole(path.name, "", _("cannot be read: {error}").format(error=exc.strerror)))
    if problems:
        audit_rejection(con, user, problems)
        raise Rejected(problems)
    unchecked = [] if voices_checked else [p for item in checked for p in item.identifying]
    if unchecked:
        raise VoicesToCheck(unchecked)
    return [load_checked(con, item, user, voices_checked) for item in checked]


def audit_rejection(con, user, problems: list[Problem]) -> None:
    for file in dict.fromkeys(p.file for p in problems):
        count = sum(p.file == file for p in problems)
        record(con, user, "upload rejected", f"{file}: {count} problem(s)")
