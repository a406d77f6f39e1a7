"""Read, check and load monthly returns.

A workbook is first checked as a file (size, type, zip bomb), then read with fastexcel with
every cell as text, then checked against the contract in DuckDB (metrics.validate). Every
problem is collected before anything is written; only a workbook with none is loaded, in one
transaction (metrics.store.load_return).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from metrics.contract import (
    ABOUT,
    ACTIVITY,
    CASES,
    MAX_DATA_ROWS,
    MAX_UPLOAD_BYTES,
    RETURN_SHEETS,
    SPEND,
    Problem,
    Rejected,
    Sheet,
    header_key,
)
from metrics.periods import month_end
from metrics.reference import header_positions, text_table
from metrics.validate import check_fields, check_table
from metrics.workbook_xml import extent_problem, shared_strings_problem, unreadable_cells

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MIDNIGHT = re.compile(r"\d{4}-\d{2}-\d{2} 00:00:00")
# The same in RE2 for Arrow: Python's \d on text is any Unicode decimal digit (category Nd).
_ARROW_MIDNIGHT = r"^\p{Nd}{4}-\p{Nd}{2}-\p{Nd}{2} 00:00:00$"
# Any character str.isspace() is false for, so that a cell of only such whitespace counts as blank.
_NOT_WHITESPACE = (
    r"[^\x{9}-\x{d}\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
)


@dataclass
class CheckedReturn:
    """A return that passed every check, ready to load."""

    file_name: str
    sha256: str
    about: dict
    cases: pa.Table
    activity: dict[str, int]
    spend: pa.Table


def _file_problem(file: str, message: str) -> Rejected:
    return Rejected([Problem.whole(file, "", message)])


def _too_large(file: str, size: int, max_bytes: int) -> Rejected:
    # Both in MiB, the unit of the limit (20 * 1024 * 1024), so that the limit reads '20 MB'; the size is
    # rounded up, so that a file just over the limit never reads as '20.0 MB'.
    size_mb = math.ceil(size / 2**20 * 10) / 10
    return _file_problem(file, f"is {size_mb:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB")


def check_file(content: bytes, file: str, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse what is not a readable .xlsx before any parser sees it."""
    if not content:
        raise _file_problem(file, "is empty")
    if len(content) > max_bytes:
        raise _too_large(file, len(content), max_bytes)
    if content.startswith(_OLE_MAGIC):
        raise _file_problem(
            file, "is password-protected or an old .xls workbook: save it as an unprotected Excel workbook (.xlsx)"
        )
    if not content.startswith(b"PK"):
        raise _file_problem(file, "is not an Excel workbook (.xlsx); use the template from the dashboard")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "xl/workbook.xml" not in names:
                raise _file_problem(file, "is a zip file but not an Excel workbook (.xlsx)")
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise _file_problem(file, "expands to more than 200 MB when opened: too large to read safely")
            if "EncryptionInfo" in names:
                raise _file_problem(file, "is password-protected: remove the password and upload it again")
    except zipfile.BadZipFile:
        raise _file_problem(file, "is damaged or incomplete: it cannot be opened as a workbook") from None


def _open_workbook(content: bytes, file: str):
    """fastexcel's reader of a workbook whose shared strings are known to be affordable (check_return)."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(content)
        reader.sheet_names  # noqa: B018 (a damaged workbook fails here, not later)
    except Exception as exc:  # fastexcel raises its own error types for damaged files
        raise _file_problem(file, f"cannot be read as a workbook ({type(exc).__name__})") from None
    return reader


def read_sheet(
    reader, content: bytes, file: str, sheet: Sheet, marked: set[str] | None = None
) -> tuple[pa.Table | None, Problem | None]:
    """A sheet of the return as an all-text table (row i = row i+1), or the problem that it is missing
    or cannot be read. `marked` collects the sheets that show a sign of an error cell or formula (see
    unreadable_cells)."""
    twins = [name for name in reader.sheet_names if header_key(name) == header_key(sheet.name)]
    if not twins:
        return None, Problem.whole(file, sheet.name, "sheet is missing")
    if len(twins) > 1:  # which one is the return? Reading either could load the wrong rows
        return None, Problem.whole(file, sheet.name, "is more than one sheet: " + ", ".join(map(repr, twins)))
    too_far = extent_problem(content, file, sheet.name, marked)  # before fastexcel allocates the sheet's grid
    if too_far is not None:
        return None, too_far
    try:
        # skip_rows=0 keeps blank leading rows, so that index i is spreadsheet row i + 1.
        loaded = reader.load_sheet(
            twins[0], header_row=None, dtypes="string", skip_rows=0, n_rows=MAX_DATA_ROWS + 2
        ).to_arrow()
    except Exception as exc:
        return None, Problem.whole(file, sheet.name, f"cannot be read ({type(exc).__name__})")
    if loaded.num_rows > MAX_DATA_ROWS + 1:
        return None, Problem.whole(
            file, sheet.name, f"has more than {MAX_DATA_ROWS:,} rows: is this the right workbook?"
        )
    return pa.Table.from_batches([loaded]) if isinstance(loaded, pa.RecordBatch) else loaded, None


def _texts(column: pa.ChunkedArray) -> list[str | None]:
    """A column's cells as text, a date cell as 2019-03-01 rather than fastexcel's '2019-03-01 00:00:00'."""
    return [value[:10] if value and _MIDNIGHT.fullmatch(value) else value for value in column.to_pylist()]


def _arrow_texts(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """`_texts` kept in Arrow: a date cell '2019-03-01 00:00:00' becomes '2019-03-01'."""
    import pyarrow.compute as pc

    column = column.cast(pa.string())
    if not pc.any(pc.ends_with(column, " 00:00:00")).as_py():  # the cheap look first: most columns hold no date
        return column
    midnight = pc.match_substring_regex(column, pattern=_ARROW_MIDNIGHT)
    return pc.if_else(midnight, pc.utf8_slice_codeunits(column, 0, 10), column)


def _table_rows(sheet: Sheet, raw: pa.Table, file: str) -> tuple[pa.Table, list[Problem]]:
    """Map a sheet's header (row 1) to the contract and return its data rows as text.

    The same as text_table over `_texts` of every column, but built in Arrow: a 5,000-row sheet
    taken through Python lists and back costs about 70 ms.
    """
    import pyarrow.compute as pc

    if raw.num_rows == 0:
        return text_table(sheet, [], [], file)[0], [Problem(file, sheet.name, 1, "", "", "header row is missing")]
    header = [_texts(raw.column(i).slice(0, 1))[0] for i in range(raw.num_columns)]
    positions, problems = header_positions(sheet, header, file)
    cells = [raw.column(i).slice(1) for i in range(raw.num_columns)]
    # A row is kept when any of its cells, in any column, holds more than whitespace (str.strip's):
    # its cells joined end to end hold a character that is not whitespace.
    texts = [column.cast(pa.string()) for column in cells]
    joined = pc.binary_join_element_wise(*texts, "", null_handling="replace", null_replacement="")
    keep = pc.indices_nonzero(pc.match_substring_regex(joined, pattern=_NOT_WHITESPACE))
    every_row = len(keep) == len(joined)  # the usual sheet, with no blank row: nothing to take out

    def kept(column: pa.ChunkedArray) -> pa.ChunkedArray:
        return column if every_row else column.take(keep)

    data = {"_row": pc.add(keep.cast(pa.int64()), 2)}
    for c in sheet.columns:
        pos = positions.get(c.name)
        data[c.name] = pa.nulls(len(keep), pa.string()) if pos is None else kept(_arrow_texts(cells[pos]))
    return pa.table(data), problems


def _fields(sheet: Sheet, raw: pa.Table, file: str) -> tuple[dict[str, tuple[int, str | None]], list[Problem]]:
    """Read a key/value sheet: field -> (row number, text)."""
    problems: list[Problem] = []
    if raw.num_columns < 2 or raw.num_rows == 0:
        return {}, [
            Problem(
                file, sheet.name, 1, "", "", f"needs two columns headed '{sheet.key_header}' and '{sheet.value_header}'"
            )
        ]
    keys, values = _texts(raw.column(0)), _texts(raw.column(1))
    if header_key(keys[0]) != header_key(sheet.key_header) or header_key(values[0]) != header_key(sheet.value_header):
        problems.append(
            Problem(
                file,
                sheet.name,
                1,
                "",
                f"{keys[0]} | {values[0]}",
                f"header should be '{sheet.key_header}' and '{sheet.value_header}'",
            )
        )
    known = {header_key(c.name): c.name for c in sheet.columns}
    found: dict[str, tuple[int, str | None]] = {}
    for i in range(1, len(keys)):
        if keys[i] is None or not str(keys[i]).strip():
            if values[i] is not None and str(values[i]).strip():
                problems.append(Problem(file, sheet.name, i + 1, sheet.key_header, "", "is blank but a value is given"))
            continue
        name = known.get(header_key(keys[i]))
        if name is None:
            problems.append(
                Problem(file, sheet.name, i + 1, sheet.key_header, keys[i], f"is not a known {sheet.key_header}")
            )
        elif name in found:
            problems.append(Problem(file, sheet.name, i + 1, sheet.key_header, keys[i], "appears more than once"))
        else:
            found[name] = (i + 1, values[i])
    return found, problems


def _check_keyvalue(sheet: Sheet, raw: pa.Table, file: str) -> tuple[dict, list[Problem]]:
    """Read and type a key/value sheet; its fields are not each reported missing when the sheet's shape is wrong."""
    fields, problems = _fields(sheet, raw, file)
    typed, found = check_fields(sheet, fields, file)
    shape_is_wrong = raw.num_columns < 2 or raw.num_rows == 0
    return typed, problems if shape_is_wrong else problems + found


def _checked_table(sheet: Sheet, raw: pa.Table, file: str, last_day: dt.date | None):
    """Type and check a table sheet: its typed rows (None when its header is faulty) and its problems."""
    rows, header_problems = _table_rows(sheet, raw, file)
    checked, cell_problems = check_table(sheet, rows, file, month_end=last_day)
    # Cells are checked under a faulty header too, so that every problem shows at once; a column
    # the header already reports (missing, doubled) is left to that one problem.
    named = {p.column for p in header_problems}
    return (None if header_problems else checked), header_problems + [p for p in cell_problems if p.column not in named]


@dataclass
class _SmallSheets:
    """The About, Activity and Spend sheets read and checked: their tables, what they hold, their problems."""

    tables: dict[str, pa.Table]
    marked: set[str]  # as read_sheet's
    about: dict
    last_day: dt.date | None  # of the reporting month
    activity: dict
    spend: pa.Table | None
    problems: list[Problem]


def _small_sheets(content: bytes, file: str, con) -> _SmallSheets:
    """Read and check the About, Activity and Spend sheets, with a reader of their own (for a thread)."""
    reader = _open_workbook(content, file)
    tables: dict[str, pa.Table] = {}
    marked: set[str] = set()
    problems: list[Problem] = []
    for sheet in (ABOUT, ACTIVITY, SPEND):
        table, problem = read_sheet(reader, content, file, sheet, marked)
        if problem is None:
            tables[sheet.name] = table
        else:
            problems.append(problem)
    about: dict = {}
    activity: dict = {}
    spend = last_day = None
    if ABOUT.name in tables:
        about, found = _check_keyvalue(ABOUT, tables[ABOUT.name], file)
        problems += found
        last_day = month_end(about["reporting_month"]) if about["reporting_month"] else None
    if ACTIVITY.name in tables:
        activity, found = _check_keyvalue(ACTIVITY, tables[ACTIVITY.name], file)
        problems += found
    if SPEND.name in tables:  # its rules do not need the reporting month
        spend, found = _checked_table(SPEND, tables[SPEND.name], file, None)
        problems += found
    if con is not None and spend is not None and last_day is not None:
        cursor = con.cursor()  # a thread's own
        try:
            problems += _check_grants(cursor, spend, last_day, file)
        finally:
            cursor.close()
    return _SmallSheets(tables, marked, about, last_day, activity, spend, problems)


def check_return(content: bytes, file: str, con=None, max_bytes: int = MAX_UPLOAD_BYTES) -> CheckedReturn:
    """Check a workbook completely; raise Rejected listing every problem at once."""
    check_file(content, file, max_bytes)
    too_costly = shared_strings_problem(content, file)  # before fastexcel reads every shared string
    if too_costly is not None:
        raise Rejected([too_costly])
    reader = _open_workbook(content, file)
    # A missing or unreadable sheet is one problem; the other sheets are still checked in full.
    # The About, Activity and Spend sheets are read and checked in a second thread while this one
    # reads the Cases sheet, which is most of the work: fastexcel and DuckDB let go of the GIL, so
    # the two run side by side on two cores (about 20 ms less for a return of 5,000 cases).
    marked: set[str] = set()
    with ThreadPoolExecutor(max_workers=1) as pool:
        small_sheets = pool.submit(_small_sheets, content, file, con)
        raw_cases, cases_problem = read_sheet(reader, content, file, CASES, marked)
        small = small_sheets.result()
    problems = small.problems + ([cases_problem] if cases_problem else [])
    sheets = small.tables | ({CASES.name: raw_cases} if raw_cases is not None else {})
    cases = None
    if raw_cases is not None:
        cases, found = _checked_table(CASES, raw_cases, file, small.last_day)
        problems += found
    # fastexcel reads an error cell or an unsaved formula as blank: report the cell itself, once.
    unreadable = unreadable_cells(content, file, sheets, marked | small.marked)
    flagged = {(p.sheet, p.row, p.column) for p in unreadable}
    problems = unreadable + [p for p in problems if (p.sheet, p.row, p.column) not in flagged]
    if problems:
        order = {sheet.name: i for i, sheet in enumerate(RETURN_SHEETS)}
        problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row if p.row is not None else float("inf")))
        raise Rejected(problems)
    return CheckedReturn(file, hashlib.sha256(content).hexdigest(), small.about, cases, small.activity, small.spend)


def _check_grants(con, spend: pa.Table, last_day: dt.date, file: str) -> list[Problem]:
    """Each spend line must belong to exactly one grant of the budget in its month."""
    first_day = last_day.replace(day=1)
    grants: dict[str, list[str]] = {}
    for line, grant in con.execute(
        'SELECT budget_line, "grant" FROM budget WHERE start_date <= ? AND end_date >= ? ORDER BY ALL',
        [last_day, first_day],
    ).fetchall():
        grants.setdefault(line, []).append(grant)
    problems = []
    for row, line, grant in zip(*(spend.column(n).to_pylist() for n in ("_row", "budget_line", "grant"))):
        if line is None:
            continue  # a blank or unknown budget line is already reported by its own cell check
        options = grants.get(line, [])
        month = last_day.strftime("%Y-%m")
        if not options:
            problems.append(
                Problem(
                    file,
                    SPEND.name,
                    row,
                    "budget_line",
                    line,
                    f"has no grant in the budget covering {month}: add it in Settings first",
                )
            )
        elif grant is None and len(options) > 1:
            problems.append(
                Problem(
                    file,
                    SPEND.name,
                    row,
                    "grant",
                    "",
                    f"is required: {month} is shared by grants " + " and ".join(options),
                )
            )
        elif grant is not None and grant.lower() not in {g.lower() for g in options}:
            problems.append(
                Problem(
                    file, SPEND.name, row, "grant", grant, f"is not a grant of {line} in {month}: " + ", ".join(options)
                )
            )
    return problems


def load_checked(con, checked: CheckedReturn, user: str | None = None) -> dict:
    from metrics.store import load_return

    loaded = load_return(
        con,
        about=checked.about,
        cases=checked.cases,
        activity=checked.activity,
        spend=checked.spend,
        file_name=checked.file_name,
        sha256=checked.sha256,
        user=user,
    )
    return loaded | {
        "file": checked.file_name,
        "cases_rows": checked.cases.num_rows,
        "spend_rows": checked.spend.num_rows,
    }


def ingest_bytes(con, content: bytes, file: str, user: str | None = None) -> dict:
    """Check and load one workbook; a rejection is recorded in the audit log and re-raised."""
    try:
        checked = check_return(content, file, con)
    except Rejected as exc:
        audit_rejection(con, user, exc.problems)
        raise
    return load_checked(con, checked, user)


def ingest_paths(con, paths: list[str | Path], user: str | None = None) -> list[dict]:
    """Check every file first; load them only when all pass, so that a bad batch changes nothing."""
    checked, problems = [], []
    for path in map(Path, paths):
        try:
            if path.is_file() and path.stat().st_size > MAX_UPLOAD_BYTES:
                raise _too_large(path.name, path.stat().st_size, MAX_UPLOAD_BYTES)
            checked.append(check_return(path.read_bytes(), path.name, con))
        except Rejected as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(Problem.whole(path.name, "", f"cannot be read: {exc.strerror}"))
    if problems:
        audit_rejection(con, user, problems)
        raise Rejected(problems)
    return [load_checked(con, item, user) for item in checked]


def audit_rejection(con, user, problems: list[Problem]) -> None:
    from metrics.store import audit

    for file in dict.fromkeys(p.file for p in problems):
        count = sum(p.file == file for p in problems)
        audit(con, user, "upload rejected", f"{file}: {count} problem(s)")
