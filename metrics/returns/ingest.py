"""Check and load monthly returns.

A workbook is read as text (metrics.returns.reading), then each sheet is typed and checked against
the contract in DuckDB (metrics.returns.checks). Every problem is collected before anything is
written; only a workbook with none is loaded, in one transaction (metrics.store.loading).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from metrics.contract import (
    ABOUT,
    ACTIVITY,
    CASES,
    MAX_UPLOAD_BYTES,
    RETURN_SHEETS,
    SPEND,
    Problem,
    Rejected,
    Sheet,
)
from metrics.periods import month_end
from metrics.returns.checks import check_fields, check_table
from metrics.returns.error_cells import unreadable_cells
from metrics.returns.reading import check_file, keyvalue_fields, open_workbook, read_sheet, table_rows, too_large
from metrics.returns.workbook_xml import shared_strings_problem
from metrics.store.loading import load_return
from metrics.store.logs import record
from metrics.store.settings import grants_covering


@dataclass
class CheckedReturn:
    """A return that passed every check, ready to load."""

    file_name: str
    sha256: str
    about: dict
    cases: pa.Table
    activity: dict[str, int]
    spend: pa.Table


def _check_keyvalue(sheet: Sheet, raw: pa.Table, file: str) -> tuple[dict, list[Problem]]:
    """Read and type a key/value sheet; its fields are not each reported missing when the sheet's shape is wrong."""
    fields, problems = keyvalue_fields(sheet, raw, file)
    typed, found = check_fields(sheet, fields, file)
    shape_is_wrong = raw.num_columns < 2 or raw.num_rows == 0
    return typed, problems if shape_is_wrong else problems + found


def _checked_table(sheet: Sheet, raw: pa.Table, file: str, last_day: dt.date | None):
    """Type and check a table sheet: its typed rows (None when its header is faulty) and its problems."""
    rows, header_problems = table_rows(sheet, raw, file)
    checked, cell_problems = check_table(sheet, rows, file, month_end=last_day)
    # Cells are checked under a faulty header too, so that every problem shows at once; a column
    # the header already reports (missing, doubled) is left to that one problem.
    named = {p.column for p in header_problems}
    return (None if header_problems else checked), header_problems + [p for p in cell_problems if p.column not in named]


def check_return(content: bytes, file: str, con=None, max_bytes: int = MAX_UPLOAD_BYTES) -> CheckedReturn:
    """Check a workbook completely; raise Rejected listing every problem at once.

    `con`, when given, is the database the return would load into: its budget's grants are checked too.
    """
    check_file(content, file, max_bytes)
    too_costly = shared_strings_problem(content, file)  # before fastexcel reads every shared string
    if too_costly is not None:
        raise Rejected([too_costly])
    reader = open_workbook(content, file)
    # A missing or unreadable sheet is one problem; the other sheets are still checked in full.
    sheets, problems = {}, []
    for sheet in RETURN_SHEETS:
        table, problem = read_sheet(reader, content, file, sheet)
        if problem is None:
            sheets[sheet.name] = table
        else:
            problems.append(problem)
    about, activity, cases, spend, last_day = {}, {}, None, None, None
    if ABOUT.name in sheets:
        about, found = _check_keyvalue(ABOUT, sheets[ABOUT.name], file)
        problems += found
        last_day = month_end(about["reporting_month"]) if about["reporting_month"] else None
    if ACTIVITY.name in sheets:
        activity, found = _check_keyvalue(ACTIVITY, sheets[ACTIVITY.name], file)
        problems += found
    if CASES.name in sheets:
        cases, found = _checked_table(CASES, sheets[CASES.name], file, last_day)
        problems += found
    if SPEND.name in sheets:  # its rules do not need the reporting month
        spend, found = _checked_table(SPEND, sheets[SPEND.name], file, None)
        problems += found
        if con is not None and spend is not None and last_day is not None:
            problems += _check_grants(con, spend, last_day, file)
    # fastexcel reads an error cell or an unsaved formula as blank: report the cell itself, once.
    unreadable = unreadable_cells(content, file, sheets)
    flagged = {(p.sheet, p.row, p.column) for p in unreadable}
    problems = unreadable + [p for p in problems if (p.sheet, p.row, p.column) not in flagged]
    if problems:
        order = {sheet.name: i for i, sheet in enumerate(RETURN_SHEETS)}
        problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row if p.row is not None else float("inf")))
        raise Rejected(problems)
    return CheckedReturn(file, hashlib.sha256(content).hexdigest(), about, cases, activity, spend)


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
                                    f"has no grant in the budget covering {month}: add it in Settings first"))
        elif grant is None and len(options) > 1:
            problems.append(Problem(file, SPEND.name, row, "grant", "",
                                    f"is required: {month} is shared by grants " + " and ".join(options)))
        elif grant is not None and grant.lower() not in {g.lower() for g in options}:
            problems.append(Problem(file, SPEND.name, row, "grant", grant,
                                    f"is not a grant of {line} in {month}: " + ", ".join(options)))
    return problems


def load_checked(con, checked: CheckedReturn, user: str | None = None) -> dict:
    loaded = load_return(con, about=checked.about, cases=checked.cases, activity=checked.activity,
                         spend=checked.spend, file_name=checked.file_name, sha256=checked.sha256, user=user)
    return loaded | {"file": checked.file_name, "cases_rows": checked.cases.num_rows,
                     "spend_rows": checked.spend.num_rows}


def ingest_bytes(con, content: bytes, file: str, user: str | None = None) -> dict:
    """Check and load one workbook; a rejection is recorded in the audit log and re-raised."""
    try:
        checked = check_return(content, file, con)
    except Rejected as exc:
        audit_rejection(con, user, exc.problems)
        raise
    return load_checked(con, checked, user)


def ingest_paths(con, paths: list[str | Path], user: str | None = None, check=None) -> list[dict]:
    """Check every file first (with `check`, default check_return); load them only when all pass, so that a
    bad batch changes nothing."""
    check = check or check_return
    checked, problems = [], []
    for path in map(Path, paths):
        try:
            if path.is_file() and path.stat().st_size > MAX_UPLOAD_BYTES:
                raise too_large(path.name, path.stat().st_size, MAX_UPLOAD_BYTES)
            checked.append(check(path.read_bytes(), path.name, con))
        except Rejected as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(Problem.whole(path.name, "", f"cannot be read: {exc.strerror}"))
    if problems:
        audit_rejection(con, user, problems)
        raise Rejected(problems)
    return [load_checked(con, item, user) for item in checked]


def audit_rejection(con, user, problems: list[Problem]) -> None:
    for file in dict.fromkeys(p.file for p in problems):
        count = sum(p.file == file for p in problems)
        record(con, user, "upload rejected", f"{file}: {count} problem(s)")
