"""Making a database ready: its schema, its default reference data, and the demo database.

Connecting only connects (metrics.store.connection); the app and the command line call
`open_database` to get a database that is migrated and holds the default reference data.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import duckdb

from metrics.i18n import _
from metrics.store import schema
from metrics.store.connection import PROJECT_ROOT, DatabaseUnreadable, connect, memory
from metrics.store.logs import record
from metrics.store.settings import put_settings

SAMPLE_RETURNS = PROJECT_ROOT / "sample_data" / "returns"
_building = threading.Lock()  # sessions of one process that start together wait for one build


def prepare(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Migrate the database, and load the default reference data into a new one."""
    schema.ensure_schema(con)
    if schema.needs_defaults(con):
        # Checked and loaded with pyarrow: imported only for a new database, so a command on a ready one starts fast.
        from metrics.admin.reference import load_defaults

        load_defaults(con)
        schema.defaults_loaded(con)
    return con


def open_database(path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database at `path` (default: $DASHBOARD_DB), creating and migrating it as needed."""
    con = connect(path)
    try:
        return prepare(con)
    except duckdb.CatalogException as exc:
        # e.g. a CSV path, which DuckDB opens as a database of views that clash with our tables
        con.close()
        message = _("{path} is not a dashboard database: {reason}").format(path=path, reason=exc)
        raise DatabaseUnreadable(message) from exc
    except BaseException:
        con.close()
        raise


def blank_database() -> duckdb.DuckDBPyConnection:
    """A new in-memory database with the default reference data: what a real database starts as."""
    return prepare(memory())


def build_sample_database(path: str | os.PathLike) -> Path:
    """Build the demo database from the committed sample returns, if it is not there yet.

    Built in a folder of its own and linked into place, so that a crash never leaves a half-built demo;
    sessions of one process wait for one build, and of two processes building at once the first link
    wins and the other's equal copy is dropped.
    """
    target = Path(path)
    with _building:
        if not target.exists():
            _build(target)
    return target


def _build(target: Path) -> None:
    from metrics.admin.sample_actions import add_sample_actions
    from metrics.admin.users import SAMPLE_UPLOADER
    from metrics.returns.ingest import ingest_paths

    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=target.name + ".building-", dir=target.parent))
    partial = folder / target.name
    try:
        con = open_database(partial)
        try:
            # The sample's voices were read (one is listed by the identity check and identifies no one).
            ingest_paths(con, sorted(SAMPLE_RETURNS.glob("*.xlsx")), user=SAMPLE_UPLOADER, voices_checked=True)
            add_sample_actions(con)
            put_settings(con, {"database_kind": "sample"}, "system", "sample database marked", changes_data=False)
            record(con, "system", "sample database built", str(target.name))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        try:
            os.link(partial, target)
        except FileExistsError:
            pass  # another process built it first
    finally:
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()
