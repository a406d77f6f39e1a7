"""Check rows against the data contract and type them in DuckDB.

Every cell arrives as text (or NULL). For each contract column the checker derives a typed
expression and an error expression; one query types a sheet and names every problem of every row.
SQL identifiers come only from the contract; every value (codes, patterns, dates) is bound.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from metrics.contract import EARLIEST_DATE, Column, Problem, Sheet
from metrics.store.connection import scratch

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y")
# An executed result's Arrow is a copy, DuckDB warns; planning the query once (execute) rather than twice
# (con.sql) costs less than the copy of one sheet's rows.
warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning)


def _q(name: str) -> str:
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
        return f"${col.name}__codes[list_position(${col.name}__keys, lower({raw}))]"
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
    return f"CASE WHEN length({raw}) <= 500 THEN {raw} END"


def _type_error(col: Column) -> str:
    if col.type == "date":
        return "is not a date (use a date cell, YYYY-MM-DD or DD/MM/YYYY)"
    if col.type == "month":
        return "is not a month (use YYYY-MM)"
    if col.type == "code":
        return "is not one of: " + ", ".join(col.codes)
    if col.type == "int":
        return "is not a whole number of 0 or more"
    if col.type == "number":
        return "is not an amount in pounds"
    if col.pattern:
        return "is not a valid reference: " + col.pattern_hint
    return "is longer than 500 characters"


def error_sql(col: Column, raw: str, typed: str) -> str:
    """SQL naming the problem with one cell ('required', 'control', 'type', 'early'), NULL when it is fine."""
    checks = []
    if col.required:
        checks.append(f"WHEN {raw} IS NULL THEN 'required'")
    if col.type == "text":
        # Invisible in Excel, but a control character splits a service name or corrupts an export.
        checks.append(f"WHEN regexp_matches({raw}, '{_CONTROL_CHARACTERS}') THEN 'control'")
    checks.append(f"WHEN {raw} IS NOT NULL AND {typed} IS NULL THEN 'type'")
    if col.type == "date":
        checks.append(f"WHEN {typed} < DATE '{EARLIEST_DATE}' THEN 'early'")
    return "CASE " + " ".join(checks) + " END"


_CONTROL_CHARACTERS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"  # all but tab and line breaks (RE2 syntax)


def error_message(col: Column, kind: str) -> str:
    return {
        "required": "is required",
        "type": _type_error(col),
        "early": f"is before {EARLIEST_DATE}",
        "control": "contains a control character (invisible in Excel): retype it as plain text",
    }[kind]


def bound_params(columns: tuple[Column, ...]) -> dict:
    params = {}
    for col in columns:
        if col.type == "code":
            params[f"{col.name}__codes"] = list(col.codes)
            params[f"{col.name}__keys"] = [c.lower() for c in col.codes]
        elif col.pattern:
            params[f"{col.name}__pattern"] = col.pattern
    return params


class Duplicate(NamedTuple):
    """A rule: the row's key (every part of it given) appears in another row of the sheet too."""

    keys: tuple[str, ...]  # SQL over typed columns

    def given(self) -> str:
        return " AND ".join(f"{key} IS NOT NULL" for key in self.keys)

    def window(self) -> str:
        """The rule as a condition over the whole checked relation."""
        return f"{self.given()} AND count(*) OVER (PARTITION BY {', '.join(self.keys)}) > 1"


# Cross-column rules per sheet: (column reported, SQL condition over typed columns or a Duplicate, message).
# $month_end is the last day of the reporting month of the workbook (NULL for reference CSVs).
# A duplicate check skips NULL keys: cells that failed typing would otherwise all count as one value.
CROSS_RULES: dict[str, tuple[tuple[str, str | Duplicate, str], ...]] = {
    "Cases": (
        ("case_ref", Duplicate(("lower(case_ref)",)), "appears more than once in the sheet"),
        ("referral_date", "referral_date > $month_end", "is after the end of the reporting month"),
        ("first_contact_date", "first_contact_date < referral_date", "is before referral_date"),
        ("first_contact_date", "first_contact_date > $month_end", "is after the end of the reporting month"),
        ("closed_date", "closed_date < referral_date", "is before referral_date"),
        ("closed_date", "closed_date > $month_end", "is after the end of the reporting month"),
        ("closure_reason", "closed_date IS NOT NULL AND closure_reason IS NULL", "is required when closed_date is set"),
        ("closure_reason", "closed_date IS NULL AND closure_reason IS NOT NULL", "is given but closed_date is blank"),
    ),
    "Spend": (
        (
            "amount_gbp",
            "amount_gbp < 0 AND NOT contains(lower(coalesce(detail, '')), 'refund')",
            "is negative but detail does not say it is a refund",
        ),
    ),
    "budget": (
        ("end_date", "end_date < start_date", "is before start_date"),
        ("budget_line", Duplicate(('lower("grant")', "budget_line")), "appears more than once for this grant"),
    ),
    "kpi_targets": (
        ("amber_band", "amber_band < 0", "must not be negative"),
        ("measure", Duplicate(("measure",)), "appears more than once"),
        (
            "measure",
            "measure IS NOT NULL AND NOT list_contains($graded_measures, measure)",
            "is not the name of a graded measure (such as timely_contact_rate or voice_captured_rate)",
        ),
    ),
    "nrm_referrals": (("period_end", "period_end < period_start", "is before period_start"),),
    "bank_holidays": (("date", Duplicate(("date",)), "appears more than once"),),
}


def _bound(sql: str, sheet: Sheet, month_end: dt.date | None, params: dict | None) -> dict:
    """The values the checking SQL of a sheet binds; `params` are the caller's (such as the names of
    the graded measures that a KPI target may name)."""
    bound = bound_params(sheet.columns) | (params or {})
    if "$month_end" in sql:
        bound["month_end"] = month_end
    return {k: v for k, v in bound.items() if f"${k}" in sql}


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
    with scratch() as con:
        con.register("input_rows", rows.select(["_row", *sheet.names]))
        result = _checked(con, sheet, month_end, params)
    return result.select(["_row", *sheet.names]), _collect(result, sheet, file, row_label)


def _cleaned_sql(sheet: Sheet) -> str:
    return ", ".join(f"nullif(trim(CAST({_q(c.name)} AS VARCHAR)), '') AS {_q('raw_' + c.name)}" for c in sheet.columns)


def _typed_sql(sheet: Sheet) -> str:
    return ", ".join(f"{typed_sql(c, _q('raw_' + c.name))} AS {_q(c.name)}" for c in sheet.columns)


def _checked(con: duckdb.DuckDBPyConnection, sheet: Sheet, month_end: dt.date | None, params: dict | None) -> pa.Table:
    """Every row with its cleaned text (raw_*), typed columns, a problem kind per cell and a flag per rule."""
    cell_errors = [f"{error_sql(c, _q('raw_' + c.name), _q(c.name))} AS {_q('err_' + c.name)}" for c in sheet.columns]
    rule_errors = [
        f"CASE WHEN {rule.window() if isinstance(rule, Duplicate) else rule} THEN true END AS rule{i}"
        for i, (_, rule, _) in enumerate(CROSS_RULES.get(sheet.name, ()))
    ]
    sql = f"""
        WITH cleaned AS (SELECT _row, {_cleaned_sql(sheet)} FROM input_rows),
        typed AS (SELECT *, {_typed_sql(sheet)} FROM cleaned),
        checked AS (SELECT *, {", ".join(cell_errors + rule_errors)} FROM typed)
        SELECT * FROM checked ORDER BY _row
    """
    return con.execute(sql, _bound(sql, sheet, month_end, params)).to_arrow_table()


# A sheet of junk would give a million problems and take gigabytes to list: the first rows with
# problems are listed in full, then one line says how many more rows have them.
MAX_PROBLEM_ROWS = 1_000


def _collect(result: pa.Table, sheet: Sheet, file: str, row_label: str | None) -> list[Problem]:
    """Turn the error columns of the checked rows into problems, in sheet order."""
    problems: list[Problem] = []
    if not result.num_rows:
        return problems
    rules = CROSS_RULES.get(sheet.name, ())
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
                problems.append(
                    Problem(
                        file, row_label or sheet.name, rows[r], col.name, raws[col.name][r], error_message(col, kind)
                    )
                )
    for i, (column, _, message) in enumerate(rules):
        for r, hit in enumerate(result.column(f"rule{i}").to_pylist()):
            if hit is not None:
                problems.append(Problem(file, row_label or sheet.name, rows[r], column, raws[column][r], message))
    problems.sort(key=lambda p: (p.row or 0, sheet.names.index(p.column)))
    if more > 0:
        message = f"and {more:,} more rows have problems: fix the ones listed and upload the workbook again"
        problems.append(Problem.whole(file, row_label or sheet.name, message))
    return problems


def check_fields(sheet: Sheet, values: dict[str, tuple[int, str | None]], file: str) -> tuple[dict, list[Problem]]:
    """Type and check a key/value sheet: `values` maps field -> (row number, text)."""
    params = bound_params(sheet.columns)
    for c in sheet.columns:
        params[f"v_{c.name}"] = (values.get(c.name) or (None, None))[1]
    # As in check_table, each step reads the one before by name: written out in one expression, a date
    # repeats its text a dozen times and the query takes milliseconds to plan.
    cleaned = ", ".join(
        f"nullif(trim(CAST($v_{c.name} AS VARCHAR)), '') AS {_q('raw_' + c.name)}" for c in sheet.columns
    )
    checked = ", ".join(
        f"{_q(c.name)}, {error_sql(c, _q('raw_' + c.name), _q(c.name))} AS {_q('err_' + c.name)}" for c in sheet.columns
    )
    sql = (
        f"WITH cleaned AS (SELECT {cleaned}), typed AS (SELECT *, {_typed_sql(sheet)} FROM cleaned)"
        f" SELECT {checked} FROM typed"
    )
    with scratch() as con:
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        record = dict(zip(names, cursor.fetchall()[0]))
    problems = []
    typed = {}
    for c in sheet.columns:
        row, text = values.get(c.name) or (None, None)
        kind = record["err_" + c.name]
        if kind:
            message = error_message(c, kind)
            if row is None:
                message = f"is missing: add a row with {sheet.key_header} '{c.name}'"
            problems.append(Problem(file, sheet.name, row, c.name, text, message))
        typed[c.name] = record[c.name]
    return typed, problems
