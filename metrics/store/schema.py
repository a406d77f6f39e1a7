"""The store's schema: numbered migrations of the raw tables, and the staged views and marts on top.

The raw tables (one per sheet of the return, the upload and audit logs, settings, reference data
and accounts) are changed only by migrations, appended, never edited once released. Views and mart
tables come from the code (marts.py) and are recreated whenever their definitions change.
"""

from __future__ import annotations

import hashlib
import json

import duckdb

from metrics.contract import ACTIVITY, CASES, COMMENTARY, REFERENCE_SHEETS, SPEND, VOICES, Sheet
from metrics.store import marts
from metrics.store.connection import write

SCHEMA_VERSION = 9
# What a backup holds, in the order a restore loads it: every table a migration creates. The marts
# are not among them: they come from the code and are rebuilt from these.
BACKED_UP = ("schema_version", "settings", *(s.table for s in REFERENCE_SHEETS), "uploads", CASES.table,
             ACTIVITY.table, SPEND.table, COMMENTARY.table, VOICES.table, "audit_log", "users",
             "actions", "action_updates", "meetings")
# Failed sign-ins are counted only to slow guessing: a restored database starts with none.
NOT_BACKED_UP = ("sign_in_failures",)
# A new database is marked as waiting for its default reference data until that is loaded, so that
# a crash in between is finished on the next start rather than leaving a database with no budget.
_DEFAULTS_PENDING = "defaults pending"


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
            # Local accounts (admin.users): only an argon2id hash of the password is kept.
            """CREATE TABLE users (
                name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL, failed_attempts INTEGER NOT NULL DEFAULT 0,
                locked_until TIMESTAMP, last_sign_in TIMESTAMP)""",
        ],
        [
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
        [
            # The marts (marts.py) replace the derived tables and the views of version 5; they are
            # created from the code, like every view.
            *(f"DROP VIEW IF EXISTS {view}" for view in ("active_uploads", "stg_cases", "cases_latest",
                                                        "stg_activity", "stg_spend", "working_days",
                                                        "referral_deadlines")),
            *(f"DROP TABLE IF EXISTS {table}" for table in ("derived_cases_latest", "derived_working_days",
                                                           "derived_referral_deadlines", "derived_spend")),
        ],
        [
            # Sign-in slows with failures counted per name and per address (admin.users), never locking
            # an account: the lock's columns go.
            "ALTER TABLE users DROP COLUMN failed_attempts",
            "ALTER TABLE users DROP COLUMN locked_until",
            "CREATE TABLE sign_in_failures (key VARCHAR PRIMARY KEY, failures INTEGER NOT NULL, "
            "last_failure TIMESTAMP NOT NULL)",
        ],
        [
            # The optional sheets of the return (issue 18), per upload like the others; only voices with
            # consent to share are stored.
            f"CREATE TABLE {COMMENTARY.table} (upload_id BIGINT NOT NULL, row_number INTEGER, "
            f"{_columns_ddl(COMMENTARY)})",
            f"CREATE TABLE {VOICES.table} (upload_id BIGINT NOT NULL, row_number INTEGER, {_columns_ddl(VOICES)})",
        ],
        [
            # The action log (admin.actions): an action's status is that of its latest update that set one,
            # so that its state at any moment (a meeting's pack rebuilt later) can be read back.
            """CREATE TABLE actions (
                action_id BIGINT PRIMARY KEY, title VARCHAR NOT NULL, about VARCHAR NOT NULL,
                raised_from VARCHAR NOT NULL, raised_to VARCHAR NOT NULL, owner VARCHAR NOT NULL,
                due_date DATE NOT NULL, raised_at TIMESTAMP NOT NULL, raised_by VARCHAR NOT NULL)""",
            """CREATE TABLE action_updates (
                action_id BIGINT NOT NULL, update_date DATE NOT NULL, text VARCHAR NOT NULL, who VARCHAR NOT NULL,
                status VARCHAR, logged_at TIMESTAMP NOT NULL)""",
            # Each meeting's pack (pack.meetings): enough to build it again and prove it the same.
            """CREATE TABLE meetings (
                meeting_date DATE PRIMARY KEY, period_first VARCHAR NOT NULL, period_last VARCHAR NOT NULL,
                service VARCHAR, sha256 VARCHAR NOT NULL, data_version VARCHAR NOT NULL,
                built_at TIMESTAMP NOT NULL, recorded_by VARCHAR NOT NULL)""",
        ],
    ]


def _definitions_hash() -> str:
    return hashlib.sha256(json.dumps([marts.STAGING, marts.MART_VIEWS, marts.MART_TABLES]).encode()).hexdigest()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or migrate the schema, and recreate the views and marts if the code changed them."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, views_hash VARCHAR)")
    row = con.execute("SELECT version, views_hash FROM schema_version").fetchall()
    version, views_hash = row[0] if row else (0, None)
    wanted = _definitions_hash()
    if version == SCHEMA_VERSION and views_hash == wanted:
        return
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"the database has schema version {version}; this code knows {SCHEMA_VERSION}")
    with write(con):
        for statements in _migrations()[version:]:
            for statement in statements:
                con.execute(statement)
        marts.create(con)
        con.execute("DELETE FROM schema_version")
        pending = version == 0 or views_hash == _DEFAULTS_PENDING
        marker = _DEFAULTS_PENDING if pending else wanted
        con.execute("INSERT INTO schema_version VALUES (?, ?)", [SCHEMA_VERSION, marker])


def create_tables(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Create the raw tables as migration `version` left them, empty (a restore fills them, then migrates)."""
    if not 0 < version <= SCHEMA_VERSION:
        raise ValueError(f"schema version {version} is not one this code knows (1 to {SCHEMA_VERSION})")
    with write(con):
        con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, views_hash VARCHAR)")
        for statements in _migrations()[:version]:
            for statement in statements:
                con.execute(statement)


def needs_defaults(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database was created but its default reference data is not loaded yet."""
    rows = con.execute("SELECT views_hash FROM schema_version").fetchall()
    return bool(rows) and rows[0][0] == _DEFAULTS_PENDING


def defaults_loaded(con: duckdb.DuckDBPyConnection) -> None:
    """Mark the default reference data as loaded (the schema is then complete)."""
    with write(con):
        con.execute("UPDATE schema_version SET views_hash = ?", [_definitions_hash()])


def rebuild_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every mart from the stored rows (inside the caller's write)."""
    marts.create(con)
