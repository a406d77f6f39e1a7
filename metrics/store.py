"""The DuckDB store: schema and migrations, staged views, loading, rollback and logs.

Staging follows dbt's pattern: raw rows per upload (every version ever loaded, never updated)
-> `active_uploads` (the current version of each service-month) -> typed, cleaned views
(`stg_cases`, `cases_latest`, `stg_activity`, `stg_spend`) that the measures read.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading

import duckdb
import pyarrow as pa

from metrics.contract import ACTIVITY, CASES, REFERENCE_SHEETS, SPEND, Sheet
from metrics.db import DatabaseBusy

SCHEMA_VERSION = 5


# DuckDB lets one process write. Within it (the app), every session writes through a cursor of
# one connection: writes take this lock in turn, so that two uploads of one month cannot both
# replace the same version, while pages go on reading. A write that waits longer than
# WRITE_WAIT_SECONDS is told to try again rather than hang the page.
write_lock = threading.RLock()
WRITE_WAIT_SECONDS = 30.0


def serialised(write):
    """Run `write` holding write_lock; raise DatabaseBusy when another write holds it too long."""

    @functools.wraps(write)
    def locked(*args, **kwargs):
        if not write_lock.acquire(timeout=WRITE_WAIT_SECONDS):
            raise DatabaseBusy("another upload or change is being saved: try again in a moment")
        try:
            return write(*args, **kwargs)
        finally:
            write_lock.release()

    return locked


def _columns_ddl(sheet: Sheet) -> str:
    return ", ".join(f'"{c.name}" {c.duckdb_type}' for c in sheet.columns)


def _migrations() -> list[list[str]]:
    """Each entry moves the schema one version on; never edit a released entry, append one."""
    reference = [f"CREATE TABLE {s.table} ({_columns_ddl(s)})" for s in REFERENCE_SHEETS]
    return [
        [
            "CREATE SEQUENCE upload_ids START 1",
            """CREATE TABLE uploads (
                upload_id BIGINT PRIMARY KEY, uploaded_at TIMESTAMP NOT NULL, uploaded_by VARCHAR,
                file_name VARCHAR, sha256 VARCHAR, service VARCHAR NOT NULL,
                reporting_month VARCHAR NOT NULL, prepared_by VARCHAR, submitted_on DATE,
                cases_rows INTEGER, activity_rows INTEGER, spend_rows INTEGER,
                replaced_upload_id BIGINT, rolled_back_at TIMESTAMP, rolled_back_by VARCHAR)""",
            f"CREATE TABLE {CASES.table} (upload_id BIGINT NOT NULL, row_number INTEGER, {_columns_ddl(CASES)})",
            f"CREATE TABLE {ACTIVITY.table} (upload_id BIGINT NOT NULL, measure VARCHAR, count BIGINT)",
            f"CREATE TABLE {SPEND.table} (upload_id BIGINT NOT NULL, row_number INTEGER, {_columns_ddl(SPEND)})",
            """CREATE TABLE audit_log (logged_at TIMESTAMP NOT NULL, actor VARCHAR, action VARCHAR NOT NULL,
                detail VARCHAR)""",
            "CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR)",
            *reference,
        ],
        [
            # Local accounts (metrics/users.py): only an argon2id hash of the password is kept.
            """CREATE TABLE users (
                name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL, failed_attempts INTEGER NOT NULL DEFAULT 0,
                locked_until TIMESTAMP, last_sign_in TIMESTAMP)""",
        ],
        [
            # Tables derived from the stored rows (DERIVED below): what queries would otherwise recompute.
            f"""CREATE TABLE derived_cases_latest (service VARCHAR, reporting_month VARCHAR, month_start DATE,
                month_end DATE, upload_id BIGINT, row_number INTEGER, {_columns_ddl(CASES)})""",
            "CREATE TABLE derived_working_days (day DATE, n BIGINT)",
        ],
        ["CREATE TABLE derived_referral_deadlines (day DATE, deadline DATE)"],
        [
            f"""CREATE TABLE derived_spend (service VARCHAR, reporting_month VARCHAR, month_start DATE,
                row_number INTEGER, budget_line VARCHAR, detail VARCHAR,
                amount_gbp {SPEND.column("amount_gbp").duckdb_type}, "grant" VARCHAR)""",
        ],
    ]


# A stored case row (c) with its upload's service and month (u).
_STG_CASES_COLUMNS = f"""
        SELECT u.service, u.reporting_month,
               CAST(u.reporting_month || '-01' AS DATE) AS month_start,
               CAST(last_day(CAST(u.reporting_month || '-01' AS DATE)) AS DATE) AS month_end,
               c.upload_id, c.row_number, {", ".join(f'c."{n}"' for n in CASES.names)}"""

# Views are derived from the code and recreated whenever their text changes.
VIEWS = {
    "active_uploads": """
        SELECT * FROM uploads
        WHERE rolled_back_at IS NULL
        QUALIFY row_number() OVER (PARTITION BY service, reporting_month ORDER BY upload_id DESC) = 1
    """,
    "stg_cases": f"""{_STG_CASES_COLUMNS}
        FROM {CASES.table} c JOIN active_uploads u USING (upload_id)
    """,
    # Every measure of a case uses its latest snapshot (DOMAIN.md): kept in a table, see DERIVED.
    "cases_latest": "SELECT * FROM derived_cases_latest",
    "stg_activity": f"""
        SELECT u.service, u.reporting_month, a.measure, a.count
        FROM {ACTIVITY.table} a JOIN active_uploads u USING (upload_id)
    """,
    # Spend rows with their grant: kept in a table, see DERIVED.
    "stg_spend": "SELECT * FROM derived_spend",
    "working_days": "SELECT day, n FROM derived_working_days",
    # For every day, the deadline of a referral made that day (see DERIVED).
    "referral_deadlines": "SELECT day, deadline FROM derived_referral_deadlines",
}

_LATEST_SNAPSHOT = "QUALIFY row_number() OVER (PARTITION BY service, case_ref ORDER BY reporting_month DESC) = 1"

# Tables derived from the stored rows, each defined by its query. The views above read them so that
# a measure does not recompute, on every query, a window over every snapshot row of every service
# (about 50 ms at a million rows), the grant of every spend row, or a century of working days and
# deadlines. They are rebuilt, in order, whenever the views change (ensure_schema), and kept current
# in the same transaction as every change to what they derive from: load_return and rollback
# (refresh_after_upload), and a new budget or bank_holidays table (refresh_after_reference, called
# by metrics.reference.replace_table).
DERIVED = {
    # Every measure of a case uses its latest snapshot (DOMAIN.md).
    "derived_cases_latest": f"SELECT * FROM stg_cases {_LATEST_SNAPSHOT}",
    # A spend row with no grant belongs to the one grant of its line that overlaps its month.
    "derived_spend": f"""
        WITH spend AS (
            SELECT u.service, u.reporting_month,
                   CAST(u.reporting_month || '-01' AS DATE) AS month_start,
                   s.row_number, s.budget_line, s.detail, s.amount_gbp, s."grant"
            FROM {SPEND.table} s JOIN active_uploads u USING (upload_id)
        ),
        inferred AS (
            SELECT spend.*, b."grant" AS budget_grant,
                   count(*) OVER (PARTITION BY spend.service, spend.reporting_month, spend.row_number) AS candidates
            FROM spend LEFT JOIN budget b
              ON b.budget_line = spend.budget_line
             AND b.start_date <= last_day(spend.month_start) AND b.end_date >= spend.month_start
             AND (spend."grant" IS NULL OR lower(spend."grant") = lower(b."grant"))
        )
        SELECT service, reporting_month, month_start, row_number, budget_line, detail, amount_gbp,
               CASE WHEN candidates = 1 THEN budget_grant END AS "grant"
        FROM inferred
        QUALIFY row_number() OVER (PARTITION BY service, reporting_month, row_number ORDER BY budget_grant) = 1
    """,
    # Working days (Monday to Friday less bank holidays), numbered in order, for deadlines.
    "derived_working_days": """
        SELECT CAST(d AS DATE) AS day, row_number() OVER (ORDER BY d) AS n
        FROM range(DATE '2000-01-01', DATE '2100-01-01', INTERVAL 1 DAY) t(d)
        WHERE isodow(d) <= 5 AND CAST(d AS DATE) NOT IN (SELECT date FROM bank_holidays)
    """,
    # The deadline of a referral is the second working day after it: from the last working day on
    # or before the referral, two on (a Friday or Saturday referral is due on Tuesday).
    "derived_referral_deadlines": """
        SELECT CAST(d AS DATE) AS day, due.day AS deadline
        FROM range(DATE '2000-01-01', DATE '2100-01-01', INTERVAL 1 DAY) t(d)
        ASOF JOIN derived_working_days last_day ON CAST(d AS DATE) >= last_day.day
        JOIN derived_working_days due ON due.n = last_day.n + 2
    """,
}


# The derived tables computed from each reference table, in the order they are rebuilt.
_FROM_REFERENCE = {
    "budget": ("derived_spend",),
    "bank_holidays": ("derived_working_days", "derived_referral_deadlines"),
}


def _rebuild(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(f"DELETE FROM {table}")
    con.execute(f"INSERT INTO {table} BY NAME {DERIVED[table]}")


def rebuild_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every derived table from the stored rows (inside the caller's transaction)."""
    for table in DERIVED:
        _rebuild(con, table)


def refresh_after_reference(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Recompute what is derived from a reference table just replaced (inside the caller's transaction)."""
    for derived in _FROM_REFERENCE.get(table, ()):
        _rebuild(con, derived)


def refresh_after_upload(
    con: duckdb.DuckDBPyConnection, service: str, upload_ids: list[int], loaded: int | None = None
) -> None:
    """Update the derived tables once these uploads of the service became or stopped being current;
    `loaded` is the one of them just loaded, if any."""
    # Called inside the transaction of the load, replacement or rollback.
    refresh_cases_latest(con, service, upload_ids, loaded)
    con.execute("DELETE FROM derived_spend WHERE service = ?", [service])
    con.execute(
        f"INSERT INTO derived_spend BY NAME SELECT * FROM ({DERIVED['derived_spend']}) WHERE service = ?", [service]
    )


def refresh_cases_latest(
    con: duckdb.DuckDBPyConnection, service: str, upload_ids: list[int], loaded: int | None = None
) -> None:
    """Recompute the latest snapshot of the service's cases that these uploads list."""
    # Only the cases listed by the uploads that became or stopped being current can have a new latest.
    listed = "service = $service AND case_ref IN (SELECT case_ref FROM raw_cases WHERE list_contains($ids, upload_id))"
    params = {"service": service, "ids": upload_ids}
    con.execute(f"DELETE FROM derived_cases_latest WHERE {listed}", params)
    month = None if loaded is None else _month_if_latest_of_every_case_listed(con, service, upload_ids, loaded)
    if month is not None:
        # The usual upload, next month's or a corrected latest month: its rows are the latest snapshots,
        # taken as they are, with the service and month it is loaded for (the window below and the join
        # of stg_cases cost about 10 ms more for 5,000 cases).
        con.execute(
            f"""INSERT INTO derived_cases_latest BY NAME {_STG_CASES_COLUMNS}
                FROM {CASES.table} c, (SELECT $service AS service, $month AS reporting_month) u
                WHERE c.upload_id = $loaded""",
            {"service": service, "month": month, "loaded": loaded},
        )
        return
    con.execute(
        f"INSERT INTO derived_cases_latest BY NAME SELECT * FROM stg_cases WHERE {listed} {_LATEST_SNAPSHOT}", params
    )


def _month_if_latest_of_every_case_listed(con, service: str, upload_ids: list[int], loaded: int) -> str | None:
    """The month of the upload just loaded if it is the service's latest and the upload lists every
    case the others list, else None."""
    # (A case_ref appears at most once in an upload: the checks refuse a repeated one.) The months of
    # the service's uploads not rolled back are the months of its current ones (active_uploads).
    latest, month = con.execute(
        """SELECT max(reporting_month), max(reporting_month) FILTER (WHERE upload_id = $loaded)
           FROM uploads WHERE service = $service AND rolled_back_at IS NULL""",
        {"service": service, "loaded": loaded},
    ).fetchall()[0]
    if month is None or month != latest:
        return None
    others = [upload_id for upload_id in upload_ids if upload_id != loaded]
    orphaned = (
        others
        and con.execute(
            """SELECT case_ref FROM raw_cases WHERE list_contains($others, upload_id)
           EXCEPT SELECT case_ref FROM raw_cases WHERE upload_id = $loaded LIMIT 1""",
            {"others": others, "loaded": loaded},
        ).fetchall()
    )
    return None if orphaned else month


_DEFAULTS_PENDING = "defaults pending"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or migrate the schema, and refresh the views if the code changed them."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, views_hash VARCHAR)")
    row = con.execute("SELECT version, views_hash FROM schema_version").fetchall()
    version, views_hash = row[0] if row else (0, None)
    wanted_hash = hashlib.sha256(json.dumps([VIEWS, DERIVED], sort_keys=True).encode()).hexdigest()
    if version == SCHEMA_VERSION and views_hash == wanted_hash:
        return
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"the database has schema version {version}; this code knows {SCHEMA_VERSION}")
    con.execute("BEGIN TRANSACTION")
    try:
        for statements in _migrations()[version:]:
            for statement in statements:
                con.execute(statement)
        for name, sql in VIEWS.items():
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
        rebuild_derived(con)
        con.execute("DELETE FROM schema_version")
        # A new database is marked as waiting for its default reference data until that is loaded,
        # so that a crash in between is finished on the next start rather than leaving no budget.
        fresh = version == 0 or views_hash == _DEFAULTS_PENDING
        marker = _DEFAULTS_PENDING if fresh else wanted_hash
        con.execute("INSERT INTO schema_version VALUES (?, ?)", [SCHEMA_VERSION, marker])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    if fresh:
        from metrics import reference

        reference.load_defaults(con)
        con.execute("UPDATE schema_version SET views_hash = ?", [wanted_hash])


def data_version(con) -> str:
    """Changes whenever the data does: every upload, rollback and settings change writes the audit log."""
    rows = con.execute("SELECT count(*), max(logged_at) FROM audit_log").fetchall()
    return f"{rows[0][0]}:{rows[0][1]}"


def audit(con: duckdb.DuckDBPyConnection, actor: str | None, action: str, detail: str = "") -> None:
    con.execute(
        "INSERT INTO audit_log VALUES (current_localtimestamp(), ?, ?, ?)", [actor or "unknown", action, detail]
    )


@serialised
def load_return(
    con: duckdb.DuckDBPyConnection,
    *,
    about: dict,
    cases: pa.Table,
    activity: dict[str, int],
    spend: pa.Table,
    file_name: str,
    sha256: str,
    user: str | None,
) -> dict:
    """Load one checked return in one transaction; a month already loaded is replaced."""
    service, month = about["service"], about["reporting_month"]
    con.execute("BEGIN TRANSACTION")
    try:
        # The new upload's number and the one it replaces, in one statement.
        upload_id, replaced = con.execute(
            """INSERT INTO uploads (upload_id, uploaded_at, uploaded_by, file_name, sha256, service,
                   reporting_month, prepared_by, submitted_on, cases_rows, activity_rows, spend_rows,
                   replaced_upload_id)
               SELECT nextval('upload_ids'), current_localtimestamp(), $user, $file_name, $sha256, $service,
                   $month, $prepared_by, $submitted_on, $cases_rows, $activity_rows, $spend_rows,
                   (SELECT max(upload_id) FROM uploads  -- active_uploads' row, without its window
                    WHERE service = $service AND reporting_month = $month AND rolled_back_at IS NULL)
               RETURNING upload_id, replaced_upload_id""",
            {
                "user": user,
                "file_name": file_name,
                "sha256": sha256,
                "service": service,
                "month": month,
                "prepared_by": about["prepared_by"],
                "submitted_on": about["submitted_on"],
                "cases_rows": cases.num_rows,
                "activity_rows": len(activity),
                "spend_rows": spend.num_rows,
            },
        ).fetchall()[0]
        con.register("incoming_cases", cases)
        con.register("incoming_spend", spend)
        case_columns = ", ".join(f'"{n}"' for n in CASES.names)
        spend_columns = ", ".join(f'"{n}"' for n in SPEND.names)
        con.execute(
            f"INSERT INTO {CASES.table} (upload_id, row_number, {case_columns}) "
            f"SELECT $upload_id, _row, {case_columns} FROM incoming_cases",
            {"upload_id": upload_id},
        )
        con.execute(
            f"INSERT INTO {SPEND.table} (upload_id, row_number, {spend_columns}) "
            f"SELECT $upload_id, _row, {spend_columns} FROM incoming_spend",
            {"upload_id": upload_id},
        )
        if activity:  # one statement, not one per measure (executemany costs about 3 ms here)
            con.execute(
                f"INSERT INTO {ACTIVITY.table} SELECT $upload_id, unnest($measures), unnest($counts)",
                {"upload_id": upload_id, "measures": list(activity), "counts": list(activity.values())},
            )
        refresh_after_upload(con, service, [upload_id] + ([replaced] if replaced else []), loaded=upload_id)
        audit(
            con,
            user,
            "upload",
            f"{file_name}: {service} {month} as upload {upload_id}"
            + (f", replacing upload {replaced}" if replaced else ""),
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("incoming_cases")
        con.unregister("incoming_spend")
    return {"upload_id": upload_id, "service": service, "reporting_month": month, "replaced_upload_id": replaced}


class NothingToRollBack(Exception):
    pass


@serialised
def rollback(con, month: str, service: str | None = None, user: str | None = None) -> dict:
    """Withdraw the current version of a month so that the previous version is current again."""
    service = service or only_service(con)
    con.execute("BEGIN TRANSACTION")
    try:
        versions = con.execute(
            """SELECT upload_id FROM uploads WHERE service = ? AND reporting_month = ?
               AND rolled_back_at IS NULL ORDER BY upload_id DESC""",
            [service, month],
        ).fetchall()
        if len(versions) < 2:
            raise NothingToRollBack(
                f"{service} {month} has no earlier version to go back to"
                if versions
                else f"{service} has no return loaded for {month}"
            )
        current, previous = versions[0][0], versions[1][0]
        con.execute(
            "UPDATE uploads SET rolled_back_at = current_localtimestamp(), rolled_back_by = ? WHERE upload_id = ?",
            [user, current],
        )
        refresh_after_upload(con, service, [current, previous])
        audit(con, user, "rollback", f"{service} {month}: upload {current} withdrawn, upload {previous} current")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return {"service": service, "reporting_month": month, "withdrawn": current, "current": previous}


def services(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT service FROM active_uploads ORDER BY service").fetchall()]


def only_service(con) -> str:
    """The service to use when none is named: the only one there."""
    names = services(con)
    if len(names) == 1:
        return names[0]
    if not names:
        raise LookupError("no returns are loaded yet")
    raise LookupError("several services are loaded; name one with --service: " + ", ".join(names))


def audit_entries(con, limit: int | None = None):
    """The audit log, newest first (who, when, what), as a pandas frame."""
    # Rows logged in one transaction share a timestamp: insertion order (rowid) breaks the tie.
    return con.execute(
        """SELECT logged_at, actor, action, detail FROM audit_log
           ORDER BY logged_at DESC, rowid DESC LIMIT ?""",
        [limit],
    ).df()


def upload_log(con):
    """Every upload, newest first, with its state, as a pandas frame."""
    return con.execute(
        """SELECT u.upload_id, u.uploaded_at, u.uploaded_by, u.file_name, u.sha256, u.service,
                  u.reporting_month, u.cases_rows, u.activity_rows, u.spend_rows,
                  u.replaced_upload_id,
                  CASE WHEN u.rolled_back_at IS NOT NULL THEN 'rolled back'
                       WHEN a.upload_id IS NOT NULL THEN 'current'
                       ELSE 'replaced' END AS state,
                  u.rolled_back_at, u.rolled_back_by
           FROM uploads u LEFT JOIN active_uploads a USING (upload_id)
           ORDER BY u.upload_id DESC"""
    ).df()
