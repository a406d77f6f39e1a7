"""The one place that opens DuckDB connections. Nothing connects at import time."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "dashboard.duckdb"
SAMPLE_DB = PROJECT_ROOT / "data" / "sample.duckdb"


def sample_database_path() -> Path:
    """Where the demo database lives: $DASHBOARD_SAMPLE_DB, else data/sample.duckdb."""
    return Path(os.environ.get("DASHBOARD_SAMPLE_DB") or SAMPLE_DB)


class DatabaseBusy(Exception):
    """Another process holds the database file (DuckDB allows one writer process)."""


class DatabaseUnreadable(Exception):
    """The database path is a folder, or a file that is not a DuckDB database."""


def database_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db, else $DASHBOARD_DB, else data/dashboard.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("DASHBOARD_DB")
    return Path(env) if env else DEFAULT_DB


def connect(path: str | os.PathLike | None = None, *, create: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the store read-write, creating and migrating its schema as needed."""
    from metrics import store  # imported here so that importing db stays cheap

    target = database_path(path)
    if not create and not target.exists():
        raise FileNotFoundError(f"no database at {target}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnreadable(f"cannot create a database at {target}: {exc.strerror}") from exc
    try:
        con = duckdb.connect(str(target))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(
                f"the database {target} is in use by another process (is the dashboard running?): "
                "try again in a moment, or upload through the dashboard"
            ) from exc
        raise DatabaseUnreadable(f"cannot open {target} as a database: {exc}") from exc
    # One thread per query: the store's statements are small (one service, one month's rows), and on
    # the project's 2-core machine handing a query's work between DuckDB's threads costs more than it
    # gives (measured in turn: a 5,000-case upload 140 ms -> 124 ms, the report of a service's year
    # 28.6 ms -> 27.1 ms). Sessions still run side by side, each on its own cursor. Set, not passed as
    # a connection option, so that other connections to the same file need no matching option.
    con.execute("SET threads = 1")
    try:
        store.ensure_schema(con)
    except duckdb.CatalogException as exc:
        # e.g. a CSV path, which DuckDB opens as a database of views that clash with our tables
        con.close()
        raise DatabaseUnreadable(f"{target} is not a dashboard database: {exc}") from exc
    return con


SAMPLE_RETURNS = PROJECT_ROOT / "sample_data" / "returns"


def build_sample_database(path: str | os.PathLike = SAMPLE_DB) -> Path:
    """Build the demo database from the committed sample returns, if it is not there yet.

    Built under a temporary name and renamed, so that a crash never leaves a half-built demo.
    """
    target = Path(path)
    if target.exists():
        return target
    from metrics import ingest, store

    partial = target.with_name(target.name + f".building-{os.getpid()}")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):  # a crashed build's, if the pid is reused
        leftover.unlink(missing_ok=True)
    con = connect(partial)
    try:
        ingest.ingest_paths(con, sorted(SAMPLE_RETURNS.glob("*.xlsx")), user="sample data")
        con.execute("INSERT OR REPLACE INTO settings VALUES ('database_kind', 'sample')")
        store.audit(con, "system", "sample database built", str(target))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(partial, target)
    return target
