"""Check a table sheet's rows against the data contract and type them in DuckDB (key/value sheets: fields.py).

Every cell arrives as text (or NULL). For each contract column the checker derives a typed
expression and an error expression; one query types a sheet and names every problem of every row.
SQL identifiers come only from the contract; every value (codes, patterns, dates) is bound.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from metrics.contract import EARLIEST_DATE, Column, Problem, Sheet
from metrics.i18n import _
from metrics.returns.dates import day_text
from metrics.returns.rules import Duplicate, rule_columns, rules_of
from metrics.store.connection import scratch

# A date cell as fastexcel reads it, an ISO date cell (t="d": Excel's Strict save, SheetJS), and typed text.
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d", "%d/%m/%Y")
# A code that looks like a signed number: a spreadsheet reads 65+ as 65 and 65- as -65 (a trailing sign).
_SIGNED_NUMBER = re.compile(r"([+-]?)([0-9]+(?:\.[0-9]+)?)([+-]?)")
# Excel's day 1 is 1 January 1900, counted from 30 December 1899 (its leap year 1900 that never was).
_SERIAL_EPOCH = dt.date(1899, 12, 30)
# An executed result's Arrow is a copy, DuckDB warns; planning the query once (execute) rather than twice
# (con.sql) costs less than the copy of one sheet's rows.
warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning)


def quoted(name: str) -> str:
    """Quote a contract identifier (never user input)."""
    return '"' + name.replace('"', '""') + '"'


def typed_sql(col: Column, raw: str) -> str:
    """SQL turning the text expression `raw` into the column's type, NULL when it cannot."""
    if col.type == "date":
        tries = ", ".join(f"try_strptime({raw}, '{fmt}')" for fmt in _DATE_FORMATS)
        return f"CAST(coalesce({tries}) AS DATE)"
    if col.type == "month":
        # Excel turns a typed 2019-03 into the date 2019-03-01 (read as that text): accept the first
        # day of a month as well as YYYY-MM text, but not another day, which would be a different fact.
        day = f"try_strptime({raw}, '%Y-%m-%d')"
        return (
            f"coalesce(strftime(try_strptime({raw}, '%Y-%m'), '%Y-%m'), "
            f"CASE WHEN day({day}) = 1 THEN strftime({day}, '%Y-%m') END)"
        )
    if col.type == "code":
        exact = f"${col.name}__codes[list_position(${col.name}__keys, lower({raw}))]"
        if not numbered_codes(col):
            return exact
        # A code a spreadsheet turned into a number is the one code that number comes from (65 is 65+).
        number = f"${col.name}__numbered[list_position(${col.name}__numbers, try_cast({raw} AS DOUBLE))]"
        return f"coalesce({exact}, {number})"
    if col.type == "int":
        number = f"try_cast({raw} AS DOUBLE)"
        whole = f"{number} = floor({number}) AND {number} >= 0 AND {number} < 1e12"
        return f"CASE WHEN {whole} THEN CAST({number} AS BIGINT) END"
    if col.type == "number":
        cleaned = f"replace(replace({raw}, '£', ''), ',', '')"
        number = f"try_cast({cleaned} AS DOUBLE)"
        return f"CASE WHEN abs({number}) < 1e9 THEN CAST({number} AS {col.duckdb_type}) END"
    if col.pattern:
        # A reference is one identity whatever its case (the duplicate check ignores case too), so it
        # is stored upper-case: 'cg-1903-001' next month is the same case as 'CG-1903-001' this month.
        return f"CASE WHEN regexp_full_match({raw}, ${col.name}__pattern) THEN upper({raw}) END"
    return f"CASE WHEN length({raw}) <= {int(col.max_length)} THEN {raw} END"


def numbered_codes(col: Column) -> dict[float, str]:
    """The number a spreadsheet makes of each code that looks like one (65+ -> 65), for numbers only one code gives."""
    found: dict[float, list[str]] = {}
    for code in col.codes:
        match = _SIGNED_NUMBER.fullmatch(code.strip())
        if match and not (match.group(1) and match.group(3)):
            sign = -1 if "-" in match.group(1) + match.group(3) else 1
            found.setdefault(sign * float(match.group(2)), []).append(code)
    return {number: codes[0] for number, codes in found.items() if len(codes) == 1}


def _type_error(col: Column) -> str:
    if col.type == "date":
        return _("is not a date (use a date cell, YYYY-MM-DD or DD/MM/YYYY)")
    if col.type == "month":
        return _("is not a month (use YYYY-MM)")
    if col.type == "code":  # the codes as they are typed, whatever the language
        return _(col.codes_hint) if col.codes_hint else _("is not one of: {codes}").format(codes=", ".join(col.codes))
    if col.type == "int":
        return _("is not a whole number of 0 or more")
    if col.type == "number":
        return _("is not an amount in pounds")
    if col.pattern:
        return _("is not a valid reference: {hint}").format(hint=_(col.pattern_hint))
    return _("is longer than {n} characters").format(n=f"{col.max_length:,}")


def error_sql(col: Column, raw: str, typed: str) -> str:
    """SQL naming the problem with one cell ('required', 'control', 'type', 'early'), NULL when it is fine."""
    checks = []
    if col.required:
        checks.append(f"WHEN {raw} IS NULL THEN 'required'")
    if col.type == "text":
        # Invisible in Excel, but a control character splits a service name or corrupts an export.
        checks.append(f"WHEN regexp_matches({raw}, '{_CONTROL_CHARACTERS}') THEN 'control'")
    if col.type == "date":  # a date in a General cell reads as its serial number, such as 43326
        checks.append(f"WHEN {typed} IS NULL AND regexp_full_match({raw}, '[0-9]{{5}}(\\.0+)?') THEN 'serial'")
    checks.append(f"WHEN {raw} IS NOT NULL AND {typed} IS NULL THEN 'type'")
    if col.type == "date":
        checks.append(f"WHEN {typed} < DATE '{EARLIEST_DATE}' THEN 'early'")
    return "CASE " + " ".join(checks) + " END"


_CONTROL_CHARACTERS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"  # all but tab and line breaks (RE2 syntax)


def error_message(col: Column, kind: str, value: str | None = None) -> str:
    if kind == "serial":
        day = _SERIAL_EPOCH + dt.timedelta(days=int(float(value)))
        return _("is a number, not a date: if it is {day}, format the cell as a date (Excel: Format Cells > Date; "
                 "LibreOffice: Format > Cells > Date) and upload it again").format(day=day_text(day))
    if kind == "type":
        return _type_error(col)
    return {
        "required": _("is required"),
        "early": _("is before {date}").format(date=EARLIEST_DATE),
        "control": _("contains a control character (invisible in Excel): retype it as plain text"),
    }[kind]


def bound_params(columns: tuple[Column, ...]) -> dict:
    params = {}
    for col in columns:
        if col.type == "code":
            params[f"{col.name}__codes"] = list(col.codes)
            params[f"{col.name}__keys"] = [c.lower() for c in col.codes]
            if numbered := numbered_codes(col):
                params[f"{col.name}__numbers"] = list(numbered)
                params[f"{col.name}__numbered"] = list(numbered.values())
        elif col.pattern:
            params[f"{col.name}__pattern"] = col.pattern
    return params


def _bound(sql: str, sheet: Sheet, month_end: dt.date | None, params: dict | None) -> dict:
    """The values the checking SQL of a sheet binds; `params` are the caller's (such as the names of
    the graded measures that a KPI target may name)."""
    bound = bound_params(sheet.columns) | (params or {})
    if "$month_end" in sql:
        bound["month_end"] = month_end
    return {k: v for k, v in bound.items() if f"${k}" in sql}


class Checked(NamedTuple):
    """A table sheet checked: the typed rows (with `_row`), every problem, and notes on what was read kindly."""

    typed: pa.Table
    problems: list[Problem]
    notes: list[Problem]


def check_table(
    sheet: Sheet,
    rows: pa.Table,
    file: str,
    month_end: dt.date | None = None,
    row_label: str | None = None,
    params: dict | None = None,
) -> tuple[pa.Table, list[Problem]]:
    """Type and check a table sheet.

    `rows` holds one text column per contract column (NULL where absent) and `_row`, the
    spreadsheet's own row number. Returns the typed rows (with `_row`) and every problem.
    """
    return checked_table(sheet, rows, file, month_end, row_label, params)[:2]


def checked_table(sheet: Sheet, rows: pa.Table, file: str, month_end: dt.date | None = None,
                  row_label: str | None = None, params: dict | None = None) -> Checked:
    """check_table, with the notes: each code read from the number a spreadsheet made of it (65 as 65+)."""
    with scratch() as con:
        con.register("input_rows", rows.select(["_row", *sheet.names]))
        result = _checked(con, sheet, month_end, params)
    label = row_label or sheet.name
    return Checked(result.select(["_row", *sheet.names]), _collect(result, sheet, file, label),
                   _notes(result, sheet, file, label))


def _cleaned_sql(sheet: Sheet) -> str:
    return ", ".join(f"nullif(trim(CAST({quoted(c.name)} AS VARCHAR)), '') AS {quoted('raw_' + c.name)}"
                     for c in sheet.columns)


def typed_columns_sql(sheet: Sheet) -> str:
    return ", ".join(f"{typed_sql(c, quoted('raw_' + c.name))} AS {quoted(c.name)}" for c in sheet.columns)


def _note_sql(col: Column) -> str:
    """SQL flagging a code read from a number rather than written as the code."""
    raw, typed = quoted("raw_" + col.name), quoted(col.name)
    return f"CASE WHEN {typed} IS NOT NULL AND NOT list_contains(${col.name}__keys, lower({raw})) THEN true END"


def _checked(con: duckdb.DuckDBPyConnection, sheet: Sheet, month_end: dt.date | None, params: dict | None) -> pa.Table:
    """Every row with its cleaned text (raw_*), typed columns, a problem kind per cell, a flag per rule and
    a note flag per code column that numbers can stand for."""
    cell_errors = [f"{error_sql(c, quoted('raw_' + c.name), quoted(c.name))} AS {quoted('err_' + c.name)}"
                   for c in sheet.columns]
    notes = [f"{_note_sql(c)} AS {quoted('note_' + c.name)}" for c in sheet.columns if numbered_codes(c)]
    rule_errors = []
    for i, (_column, rule, _message) in enumerate(rules_of(sheet)):
        condition = rule.window() if isinstance(rule, Duplicate) else rule
        # Not where a column it reads could not be typed: that cell's own problem says it all.
        typed = "".join(f" AND {quoted('err_' + name)} IS NULL" for name in rule_columns(sheet, rule))
        rule_errors.append(f"CASE WHEN ({condition}){typed} THEN true END AS rule{i}")
    sql = f"""
        WITH cleaned AS (SELECT _row, {_cleaned_sql(sheet)} FROM input_rows),
        typed AS (SELECT *, {typed_columns_sql(sheet)} FROM cleaned),
        checked AS (SELECT *, {", ".join(cell_errors + notes)} FROM typed),
        ruled AS (SELECT *{"".join(", " + rule for rule in rule_errors)} FROM checked)
        SELECT * FROM ruled ORDER BY _row
    """
    return con.execute(sql, _bound(sql, sheet, month_end, params)).to_arrow_table()


def number_note(col: Column, raw: str, code: str) -> str:
    return _("read as {quoted}: a spreadsheet made the number {raw} of it (the template's Text cells keep "
             "{code} as typed)").format(quoted=repr(code), raw=raw, code=code)


def _notes(result: pa.Table, sheet: Sheet, file: str, label: str) -> list[Problem]:
    notes = []
    for col in sheet.columns:
        if f"note_{col.name}" not in result.column_names:
            continue
        hits = pc.indices_nonzero(pc.fill_null(result.column(f"note_{col.name}"), False))
        rows = result.take(hits)
        for row, raw, code in zip(*(rows.column(n).to_pylist() for n in ("_row", f"raw_{col.name}", col.name))):
            notes.append(Problem(file, label, row, col.name, raw, number_note(col, raw, code)))
    return sorted(notes, key=lambda p: (p.row, sheet.names.index(p.column)))


# A sheet of junk would give a million problems and take gigabytes to list: the first rows with
# problems are listed in full, then one line says how many more rows have them.
MAX_PROBLEM_ROWS = 1_000


def _collect(result: pa.Table, sheet: Sheet, file: str, label: str) -> list[Problem]:
    """Turn the error columns of the checked rows into problems, in sheet order."""
    problems: list[Problem] = []
    if not result.num_rows:
        return problems
    rules = rules_of(sheet)
    flags = [f"err_{c.name}" for c in sheet.columns] + [f"rule{i}" for i in range(len(rules))]
    faulty = pc.is_valid(result.column(flags[0]))
    for name in flags[1:]:
        faulty = pc.or_(faulty, pc.is_valid(result.column(name)))
    faulty_rows = pc.indices_nonzero(faulty)
    if not len(faulty_rows):  # a clean sheet: nothing to turn into Python objects
        return problems
    more = len(faulty_rows) - MAX_PROBLEM_ROWS
    if more > 0:
        result = result.take(faulty_rows[:MAX_PROBLEM_ROWS])
    rows = result.column("_row").to_pylist()
    raws = {c.name: result.column("raw_" + c.name).to_pylist() for c in sheet.columns}
    for col in sheet.columns:
        for r, kind in enumerate(result.column("err_" + col.name).to_pylist()):
            if kind is not None:
                value = raws[col.name][r]
                problems.append(Problem(file, label, rows[r], col.name, value, error_message(col, kind, value)))
    for i, (column, _rule, message) in enumerate(rules):
        for r, hit in enumerate(result.column(f"rule{i}").to_pylist()):
            if hit is not None:
                problems.append(Problem(file, label, rows[r], column, raws[column][r], _(message)))
    problems.sort(key=lambda p: (p.row or 0, sheet.names.index(p.column)))
    if more > 0:
        message = _("and {n} more rows have problems: fix the ones listed and upload the workbook again").format(
            n=f"{more:,}")
        problems.append(Problem.whole(file, label, message))
    return problems


def typed_values(col: Column, texts: list[str | None]) -> list:
    """Texts typed as the column types them (None where one cannot be)."""
    sql = f"SELECT {typed_sql(col, 'nullif(trim(raw), $blank)')} AS typed FROM texts"
    params = {k: v for k, v in bound_params((col,)).items() if f"${k}" in sql} | {"blank": ""}
    with scratch() as con:
        con.register("texts", pa.table({"raw": pa.array(texts, pa.string())}))
        return [typed for (typed,) in con.execute(sql, params).fetchall()]
