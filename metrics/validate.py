"""Check rows against the data contract and type them in DuckDB.

Every cell arrives as text (or NULL). For each contract column the checker derives a typed
expression and an error expression; rows come back typed, problems come back as one list. A
clean sheet takes one query (two side by side for a wide one); a sheet with a problem one more.
SQL identifiers come only from the contract; every value (codes, patterns, dates) is bound.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from metrics.contract import EARLIEST_DATE, Column, Problem, Sheet

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y")


# Opening an in-memory DuckDB costs about 40 ms, a cursor on an open one under 1 ms: every check
# takes a cursor of its own (its registrations and results are its own) on one scratch database.
_scratch: duckdb.DuckDBPyConnection | None = None
_scratch_lock = threading.Lock()


def _checker() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the scratch in-memory database that typing and checking run in."""
    global _scratch
    with _scratch_lock:
        if _scratch is None:
            _scratch = duckdb.connect(config={"threads": 1})  # as the store's (metrics.db.connect): small queries
            # See _arrow: the copy it warns of is the cheaper way here.
            warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning, r"metrics\.validate")
        return _scratch.cursor()


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pa.Table:
    """The query's rows as Arrow.

    `con.sql(...).to_arrow_table()` plans a query twice (once to make the relation, again to run it),
    which is about 7 ms of a sheet's check; `execute` plans it once. DuckDB warns that the Arrow of
    an executed result is a copy: for one sheet's rows the copy costs far less than the second plan.
    """
    return con.execute(sql, params).to_arrow_table()


def _q(name: str) -> str:
    """Quote a contract identifier (never user input)."""
    return '"' + name.replace('"', '""') + '"'


def typed_sql(col: Column, raw: str) -> str:
    """SQL turning the text expression `raw` into the column's type, NULL when it cannot."""
    if col.type == "date":
        # The formats' literal characters tell which one text can match: one strptime per cell, not three
        # in turn (the same dates as the first format that parses, about 2 ms less for 5,000 rows).
        with_time, plain, day_first = _DATE_FORMATS
        return (
            f"CAST(CASE WHEN contains({raw}, '/') THEN try_strptime({raw}, '{day_first}')"
            f" WHEN contains({raw}, ':') THEN try_strptime({raw}, '{with_time}')"
            f" ELSE try_strptime({raw}, '{plain}') END AS DATE)"
        )
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

    def key(self) -> str:
        """The key as one value, NULL unless every part of it is given."""
        key = self.keys[0] if len(self.keys) == 1 else f"to_json([{', '.join(self.keys)}])"
        return f"CASE WHEN {self.given()} THEN {key} END"

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


def _bound(sql: str, sheet: Sheet, month_end: dt.date | None) -> dict:
    """The values the checking SQL of a sheet binds."""
    params = bound_params(sheet.columns)
    if "$month_end" in sql:
        params["month_end"] = month_end
    if "$graded_measures" in sql:
        from metrics.measures import graded  # imported here: measures needs only the contract

        params["graded_measures"] = [m.name for m in graded()]
    return params


def check_table(
    sheet: Sheet,
    rows: pa.Table,
    file: str,
    month_end: dt.date | None = None,
    row_label: str | None = None,
) -> tuple[pa.Table, list[Problem]]:
    """Type and check a table sheet.

    `rows` holds one text column per contract column (NULL where absent) and `_row`, the
    spreadsheet's own row number. Returns the typed rows (with `_row`) and every problem.
    """
    # Most sheets are clean: the first look returns only the typed columns and whether each row has a
    # problem (a window over every column, the text cells and a flag per check cost about as much
    # again); only a sheet with a problem is checked again in full to say what and where.
    typed = _typed_and_faulty(sheet, rows, month_end)
    if not pc.any(typed.column("_faulty")).as_py():
        return typed.select(["_row", *sheet.names]), []
    con = _checker()
    try:
        con.register("input_rows", rows)
        result = _checked_in_full(con, sheet, month_end)
    finally:
        con.close()
    problems = _collect(result, sheet, file, row_label)
    typed_rows = result.select(["_row", *sheet.names])
    return typed_rows, problems


def _cleaned_sql(sheet: Sheet) -> str:
    return ", ".join(f"nullif(trim(CAST({_q(c.name)} AS VARCHAR)), '') AS {_q('raw_' + c.name)}" for c in sheet.columns)


def _typed_sql(sheet: Sheet) -> str:
    return ", ".join(f"{typed_sql(c, _q('raw_' + c.name))} AS {_q(c.name)}" for c in sheet.columns)


# Planning a sheet's query costs about as much as running it on 5,000 rows, and grows with its
# columns: a wide sheet is typed in two queries side by side, each on a cursor of its own (DuckDB
# lets go of the GIL), about 8 ms less than one query for the 22 columns of Cases.
_COLUMNS_PER_QUERY = 12


def _typed_and_faulty(sheet: Sheet, rows: pa.Table, month_end: dt.date | None) -> pa.Table:
    """The typed rows in sheet order and `_faulty`: whether any cell or rule of the row has a problem."""
    first, second = _halves(sheet)
    if not second:
        return _typed_and_faulty_part(replace(sheet, columns=first), rows, month_end, rules=True)
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(_typed_and_faulty_part, replace(sheet, columns=second), rows, None, rules=False)
        typed = _typed_and_faulty_part(replace(sheet, columns=first), rows, month_end, rules=True)
        other = later.result()
    columns = {name: (typed if name in typed.column_names else other).column(name) for name in ["_row", *sheet.names]}
    return pa.table(columns | {"_faulty": pc.or_(typed.column("_faulty"), other.column("_faulty"))})


def _halves(sheet: Sheet) -> tuple[tuple[Column, ...], tuple[Column, ...]]:
    """A wide sheet's columns in two parts of about the same cost to plan, the first holding every
    column the sheet's rules name; a narrow sheet's columns in one."""
    if len(sheet.columns) <= _COLUMNS_PER_QUERY:
        return sheet.columns, ()
    rules = " ".join(
        " ".join(rule.keys) if isinstance(rule, Duplicate) else rule for _, rule, _ in CROSS_RULES.get(sheet.name, ())
    )

    def cost(column: Column) -> int:
        return 3 if column.type == "date" else 1  # a date is tried in three formats

    first = [c for c in sheet.columns if re.search(rf"\b{re.escape(c.name)}\b", rules)]
    rest = [c for c in sheet.columns if c not in first]
    while rest and sum(map(cost, first)) + cost(rest[0]) <= sum(map(cost, sheet.columns)) / 2:
        first.append(rest.pop(0))
    return tuple(first), tuple(rest)


def _typed_and_faulty_part(sheet: Sheet, rows: pa.Table, month_end: dt.date | None, rules: bool) -> pa.Table:
    """_typed_and_faulty for the sheet's columns (the rows may hold more), with its rules or without."""
    flags = [f"{error_sql(c, _q('raw_' + c.name), _q(c.name))} IS NOT NULL" for c in sheet.columns]
    key_sql = []
    for i, (_, rule, _) in enumerate(CROSS_RULES.get(sheet.name, ()) if rules else ()):
        if isinstance(rule, Duplicate):
            key_sql.append(f"{rule.key()} AS _key{i}")  # the repeated keys are found in Arrow, below
        else:
            flags.append(f"coalesce({rule}, false)")
    sql = f"""
        WITH cleaned AS (SELECT _row, {_cleaned_sql(sheet)} FROM input_rows),
        typed AS (SELECT *, {_typed_sql(sheet)} FROM cleaned)
        SELECT _row, {", ".join([_q(c.name) for c in sheet.columns] + key_sql)}, {" OR ".join(flags)} AS _faulty
        FROM typed
    """
    con = _checker()
    try:
        con.register("input_rows", rows.select(["_row", *sheet.names]))
        result = _arrow(con, sql, _bound(sql, sheet, month_end))
    finally:
        con.close()
    # A second look at the rows for each duplicate rule (a GROUP BY and a join) costs DuckDB about 5 ms
    # for 5,000 rows; counting the key column in Arrow, well under 1 ms.
    keys = [name for name in result.column_names if name.startswith("_key")]
    faulty = result.column("_faulty")
    for key in keys:
        faulty = pc.or_(faulty, _repeated(result.column(key)))
    return result.drop_columns(keys + ["_faulty"]).append_column("_faulty", faulty)


def _repeated(keys: pa.ChunkedArray) -> pa.ChunkedArray:
    """Whether each row's key appears in another row too (a NULL key repeats nothing)."""
    counts = pc.value_counts(keys)
    values = counts.field("values")
    repeated = values.filter(pc.and_(pc.greater(counts.field("counts"), 1), pc.is_valid(values)))
    return pc.is_in(keys, value_set=repeated)


def _checked_in_full(con: duckdb.DuckDBPyConnection, sheet: Sheet, month_end: dt.date | None) -> pa.Table:
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
    return _arrow(con, sql, _bound(sql, sheet, month_end))


# A sheet of junk would give a million problems and take gigabytes to list: the first rows with
# problems are listed in full, then one line says how many more rows have them.
MAX_PROBLEM_ROWS = 1_000


def _collect(result: pa.Table, sheet: Sheet, file: str, row_label: str | None) -> list[Problem]:
    """Turn the error columns of the checked rows into problems, in sheet order."""
    import pyarrow.compute as pc

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
    con = _checker()
    try:
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        record = dict(zip(names, cursor.fetchall()[0]))
    finally:
        con.close()
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
