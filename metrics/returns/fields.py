"""Type and check a key/value sheet (About, Activity): one field a row, checked as checks.py checks a table."""

from __future__ import annotations

from metrics.contract import Problem, Sheet
from metrics.i18n import _
from metrics.returns.checks import bound_params, error_message, error_sql, quoted, typed_columns_sql
from metrics.store.connection import scratch


def check_fields(sheet: Sheet, values: dict[str, tuple[int, str | None]], file: str) -> tuple[dict, list[Problem]]:
    """Type and check a key/value sheet: `values` maps field -> (row number, text)."""
    params = bound_params(sheet.columns)
    for c in sheet.columns:
        params[f"v_{c.name}"] = (values.get(c.name) or (None, None))[1]
    # As in check_table, each step reads the one before by name: written out in one expression, a date
    # repeats its text a dozen times and the query takes milliseconds to plan.
    cleaned = ", ".join(
        f"nullif(trim(CAST($v_{c.name} AS VARCHAR)), '') AS {quoted('raw_' + c.name)}" for c in sheet.columns
    )
    checked = ", ".join(
        f"{quoted(c.name)}, {error_sql(c, quoted('raw_' + c.name), quoted(c.name))} AS {quoted('err_' + c.name)}"
        for c in sheet.columns
    )
    sql = (
        f"WITH cleaned AS (SELECT {cleaned}), typed AS (SELECT *, {typed_columns_sql(sheet)} FROM cleaned)"
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
            message = error_message(c, kind, text)
            if row is None:
                message = _("is missing: add a row with {key} '{name}'").format(key=sheet.key_header, name=c.name)
            problems.append(Problem(file, sheet.name, row, c.name, text, message))
        typed[c.name] = record[c.name]
    return typed, problems
