"""The one place that opens DuckDB: the store's file, and the scratch database the checks type rows in.

DuckDB lets one process hold a database file at a time, so nothing here holds it for long: the
command line opens it for one command, and the app shares one connection among the reruns that
are using it at the same moment and closes it when the last of them is done (`shared`). Whoever
finds the file held by another process waits and retries for a few seconds (the cross-process
lock with retries of DuckDB's documentation), then says "busy, try again".

Within one process, writers take `write_lock` in turn, each write in one transaction (`write`).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

import duckdb

from metrics.store import version

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "dashboard.duckdb"
SAMPLE_DB = PROJECT_ROOT / "data" / "sample.duckdb"
BUSY_WAIT_SECONDS = 5.0
WRITE_WAIT_SECONDS = 30.0


class DatabaseBusy(Exception):
    """The database is held by another process, or by another write, for longer than we wait."""


class DatabaseUnreadable(Exception):
    """The database path is a folder, or a file that is not a DuckDB database."""


def database_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db, else $DASHBOARD_DB, else data/dashboard.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("DASHBOARD_DB")
    return Path(env) if env else DEFAULT_DB


def sample_database_path() -> Path:
    """Where the demo database lives: $DASHBOARD_SAMPLE_DB, else data/sample.duckdb."""
    return Path(os.environ.get("DASHBOARD_SAMPLE_DB") or SAMPLE_DB)


def _is_lock_error(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower()


def connect(
    path: str | os.PathLike | None = None, *, wait: float = BUSY_WAIT_SECONDS, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the database file (a new file is created empty), waiting up to `wait` seconds while another
    process holds it."""
    target = database_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnreadable(f"cannot create a database at {target}: {exc.strerror}") from exc
    deadline = time.monotonic() + wait
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(target), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise DatabaseUnreadable(f"cannot open {target} as a database: {exc}") from exc
            if time.monotonic() + pause > deadline:
                raise DatabaseBusy(
                    "the database is busy: another program is using it (the dashboard saving a change, or a "
                    "command-line upload, backup or pack). Try again in a moment."
                ) from exc
        except duckdb.Error as exc:
            raise DatabaseUnreadable(f"cannot open {target} as a database: {exc}") from exc
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


_scratch: duckdb.DuckDBPyConnection | None = None
_scratch_lock = threading.Lock()


@contextlib.contextmanager
def scratch():
    """A cursor of its own on the in-memory database that the checks type rows in.

    One database for the process, opened on first use (opening one costs far more than a cursor);
    what a check registers and computes stays on its own cursor.
    """
    global _scratch
    with _scratch_lock:
        if _scratch is None:
            _scratch = duckdb.connect(":memory:")
        cursor = _scratch.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def memory() -> duckdb.DuckDBPyConnection:
    """A new, empty in-memory database (the demo's stand-in for a real database that does not exist yet)."""
    return duckdb.connect(":memory:")


_shared: dict[str, list] = {}  # path -> [connection, number of users]
_shared_lock = threading.Lock()


@contextlib.contextmanager
def shared(path: str | os.PathLike):
    """A cursor for this thread on the database at `path`, from one connection per process that stays
    open only while somebody is using it (so that the command line can use the file in between)."""
    key = str(Path(path).resolve())
    with _shared_lock:
        entry = _shared.get(key)
        if entry is None:
            entry = _shared[key] = [connect(path), 0]
        entry[1] += 1
    try:
        cursor = entry[0].cursor()
    except BaseException:
        _release(key, entry)
        raise
    try:
        yield cursor
    finally:
        cursor.close()
        _release(key, entry)


def _release(key: str, entry: list) -> None:
    with _shared_lock:
        entry[1] -= 1
        if entry[1] == 0:
            del _shared[key]
            entry[0].close()


def is_held(path: str | os.PathLike) -> bool:
    """Whether this process has the database at `path` open through `shared` right now."""
    return str(Path(path).resolve()) in _shared


# Writers in this process take this lock in turn, so that two uploads of one month cannot both
# replace the same version while pages go on reading; a writer that waits longer than
# WRITE_WAIT_SECONDS is told to try again rather than hang the page.
write_lock = threading.RLock()
_writing = threading.local()


@contextlib.contextmanager
def exclusive():
    """Hold the write lock, no transaction: a backup must not see half of a write."""
    if not write_lock.acquire(timeout=WRITE_WAIT_SECONDS):
        raise DatabaseBusy("another upload or change is being saved: try again in a moment")
    try:
        yield
    finally:
        write_lock.release()


@contextlib.contextmanager
def write(con: duckdb.DuckDBPyConnection, *, changes_data: bool = True):
    """One write in one transaction, holding the write lock; when it commits and `changes_data`, the
    data version moves on, so that every cached figure is computed afresh. A write inside a write
    joins the outer one's transaction."""
    if getattr(_writing, "depth", 0):
        _writing.depth += 1
        _writing.changes = _writing.changes or changes_data
        try:
            yield con
        finally:
            _writing.depth -= 1
        return
    with exclusive():
        _writing.depth, _writing.changes = 1, changes_data
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            if _writing.changes:
                version.bump(file_of(con))
        finally:
            _writing.depth = 0


def file_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file of the connection's database, None for an in-memory one."""
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None
