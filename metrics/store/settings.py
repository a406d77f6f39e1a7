"""Settings and reference tables as stored: key-value settings and the manager's reference tables.

What makes a setting valid (its range, its CSV form) is the administration layer's (admin.reference);
this module only reads and writes, each change one write that is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metrics.contract import BUDGET, DEFAULT_COST_BENEFIT_RATIO, DEFAULT_COST_BENEFIT_SOURCE, Sheet
from metrics.store import marts
from metrics.store.connection import write
from metrics.store.logs import audit

if TYPE_CHECKING:  # a replaced table arrives as Arrow; reading settings needs no pyarrow (the command line)
    import pyarrow as pa


def setting(con, key: str, default: str | None = None) -> str | None:
    rows = con.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else default


def settings_among(con, keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """(key, value) of the settings among `keys` that are set, by key."""
    sql = "SELECT key, value FROM settings WHERE list_contains(?, key) ORDER BY key"
    return con.execute(sql, [list(keys)]).fetchall()


def put_settings(con, values: dict[str, str], actor: str | None, what: str, changes_data: bool = True) -> None:
    """Store settings in one write, with one audit entry saying `what` changed."""
    with write(con, changes_data=changes_data):
        for key, value in values.items():
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [key, value])
        audit(con, actor, "settings", what)


def cost_benefit(con) -> tuple[float, str]:
    """The cost-benefit ratio and the text of its source."""
    ratio = setting(con, "cost_benefit_ratio")
    return (float(ratio) if ratio is not None else DEFAULT_COST_BENEFIT_RATIO,
            setting(con, "cost_benefit_source", DEFAULT_COST_BENEFIT_SOURCE))


def _names(sheet: Sheet) -> str:
    return ", ".join(f'"{n}"' for n in sheet.names)


def table_frame(con, sheet: Sheet):
    """A reference table in order of its values, as a pandas frame (for the Settings page's editor)."""
    return con.execute(f"SELECT {_names(sheet)} FROM {sheet.table} ORDER BY ALL").df()


def table_rows(con, sheet: Sheet) -> list[tuple]:
    """A reference table's rows in the order they were imported."""
    # No ORDER BY: DuckDB keeps insertion order (preserve_insertion_order), which is the file's order.
    return con.execute(f"SELECT {_names(sheet)} FROM {sheet.table}").fetchall()


def replace_table(con, sheet: Sheet, typed: pa.Table, user: str | None = None, source: str = "") -> int:
    """Replace a reference table whole, in one write, with the marts that come from it."""
    with write(con):
        con.register("incoming_reference", typed)
        try:
            con.execute(f"DELETE FROM {sheet.table}")
            con.execute(f"INSERT INTO {sheet.table} ({_names(sheet)}) SELECT {_names(sheet)} FROM incoming_reference")
        finally:
            con.unregister("incoming_reference")
        marts.refresh_after_reference(con, sheet.table)
        audit(con, user, "settings", f"{sheet.name} replaced ({typed.num_rows} rows) {source}".strip())
    return typed.num_rows


def spend_lines_without_grant(con) -> list[tuple[str, str]]:
    """(month, budget line) of every loaded spend line that falls in no single grant of the budget."""
    sql = 'SELECT reporting_month, budget_line FROM spend_charged WHERE "grant" IS NULL ORDER BY ALL'
    return con.execute(sql).fetchall()


def grants_covering(con, first_day, last_day) -> list[tuple[str, str]]:
    """(budget line, grant) of the budget lines whose grant overlaps the days from first_day to last_day."""
    return con.execute(
        'SELECT budget_line, "grant" FROM budget WHERE start_date <= ? AND end_date >= ? ORDER BY ALL',
        [last_day, first_day],
    ).fetchall()


def budget_table(con) -> pa.Table:
    """The budget as an Arrow table (what a return's spend lines are checked against in a worker)."""
    return con.sql(f"SELECT {_names(BUDGET)} FROM {BUDGET.table}").to_arrow_table()


def earliest_grant_start(con, first_day, last_day):
    """The first day of the earliest grant overlapping the days from first_day to last_day, or None."""
    return con.execute(
        "SELECT min(start_date) FROM budget WHERE start_date <= ? AND end_date >= ?", [last_day, first_day]
    ).fetchall()[0][0]


def kpi_targets(con) -> dict[str, dict]:
    rows = con.execute("SELECT measure, target, better, amber_band FROM kpi_targets").fetchall()
    return {m: {"target": t, "better": b, "amber_band": a} for m, t, b, a in rows}


def nrm_areas(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT area FROM nrm_referrals ORDER BY area").fetchall()]


def nrm_extent(con, area: str) -> tuple[int, object, object]:
    """How many reference rows an area has, from when to when."""
    return tuple(con.execute(
        "SELECT count(*), min(period_start), max(period_end) FROM nrm_referrals WHERE area = ?", [area]
    ).fetchall()[0])


def grant_periods(con) -> list[tuple[str, object, object]]:
    """(grant, first day, last day) of every grant of the budget, in date order."""
    return con.execute(
        'SELECT "grant", min(start_date), max(end_date) FROM budget GROUP BY "grant" ORDER BY 2, 1'
    ).fetchall()
