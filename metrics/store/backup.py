"""Backup and restore of the whole database: every table as Parquet (DuckDB EXPORT DATABASE).

A backup holds the returns, the upload log, the audit log, the settings and the accounts, with
the schema to rebuild them, so that a restore gives the same figures and the same upload log.
A restore builds the new database beside its final path and renames it into place: a restore
that fails or is interrupted leaves the database that was there (or none), never half of one.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import duckdb

from metrics.store import schema, version
from metrics.store.connection import DatabaseBusy, connect, exclusive
from metrics.store.logs import audit, record

MANIFEST = "backup.json"
_EXPORT_FILES = ("schema.sql", "load.sql")
# IMPORT DATABASE runs the backup's two scripts: only what EXPORT DATABASE writes is let through
# (CREATE statements, and COPY of a Parquet file in the backup), so that a doctored backup cannot
# read or write other files.
_LOAD_LINE = re.compile(r"""COPY "?\w+"? FROM '((?:[^']|'')*)' \(FORMAT 'parquet'\);""")


class BackupError(ValueError):
    """A backup or restore refused, with a message for the user."""


def _literal(path: Path) -> str:
    """A path as an SQL string literal (EXPORT and IMPORT DATABASE take no bound parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def backup(con, directory: str | os.PathLike) -> list[Path]:
    """Write every table to `directory` (new or empty) as Parquet, with the schema and a manifest."""
    with exclusive():
        return _backup(con, Path(directory))


def _backup(con, directory: Path) -> list[Path]:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"{directory} is not an empty folder: back up into a new one")
    directory.mkdir(parents=True, exist_ok=True)
    con.execute(f"EXPORT DATABASE {_literal(directory.resolve())} (FORMAT parquet)")
    version = con.execute("SELECT version FROM schema_version").fetchall()[0][0]
    uploads = con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
    manifest = {"what": "MSHT dashboard backup", "schema_version": version, "uploads": uploads}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return sorted(directory.iterdir())


def backup_zip(con, user: str | None = None) -> bytes:
    """The whole database as one zip of a backup folder (for the Data quality page's download)."""
    # Audited first: the backup then holds the record of its own making.
    record(con, user, "backup downloaded", "the whole database as a zip")
    with tempfile.TemporaryDirectory(prefix="msht-backup-") as scratch:
        files = backup(con, Path(scratch) / "backup")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, path.name)
    return buffer.getvalue()


def _unzip(source: Path, into: Path) -> Path:
    """Extract a backup zip, refusing any name that would land outside `into`."""
    try:
        with zipfile.ZipFile(source) as archive:
            for name in archive.namelist():
                parts = PurePosixPath(name).parts
                if not parts or name.startswith(("/", "\\")) or ".." in parts or ":" in name:
                    raise BackupError(f"{source} holds a file named {name!r}: it is not a backup")
            archive.extractall(into)
    except zipfile.BadZipFile:
        raise BackupError(f"{source} is damaged or not a zip file") from None
    return into


def _check_scripts(folder: Path, source: Path) -> None:
    """Refuse a backup whose scripts do anything but create the tables and load its own files."""
    for line in (folder / "load.sql").read_text(encoding="utf-8").splitlines():
        found = _LOAD_LINE.fullmatch(line.strip())
        if line.strip() and (found is None or not (folder / Path(found.group(1).replace("''", "'")).name).is_file()):
            raise BackupError(f"{source} is not a backup this dashboard made: load.sql has {line.strip()[:80]!r}")
    for statement in (folder / "schema.sql").read_text(encoding="utf-8").split(";\n"):
        if statement.strip() and not statement.strip().upper().startswith("CREATE "):
            raise BackupError(
                f"{source} is not a backup this dashboard made: schema.sql has {statement.strip()[:80]!r}"
            )


def _without_views(folder: Path, into: Path) -> Path:
    """A copy of the backup whose schema.sql creates tables only.

    EXPORT DATABASE lists views by name, not by what they depend on, so importing them can fail
    (a mart before the view it reads); the views come from the code anyway (schema.ensure_schema).
    """
    shutil.copytree(folder, into)
    statements = (into / "schema.sql").read_text(encoding="utf-8").split(";\n")
    kept = [s for s in statements if not s.strip().upper().startswith("CREATE VIEW ")]
    (into / "schema.sql").write_text(";\n".join(kept), encoding="utf-8")
    return into


def _open_existing(target: Path) -> duckdb.DuckDBPyConnection:
    """Open the database being replaced, holding its lock until the new one is in place."""
    try:
        return connect(target, read_only=True, wait=0)
    except DatabaseBusy as exc:
        raise DatabaseBusy(
            f"the database {target} is in use by another process (is the dashboard running?): stop it, then restore"
        ) from exc
    except Exception as exc:
        raise BackupError(f"{target} is not a database this dashboard can replace: {exc}") from None


def _returns_held(con) -> int | None:
    """How many uploads the database holds; None when it is not a dashboard database at all."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "uploads" not in tables:
        return None if tables else 0
    return con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]


def restore(source: str | os.PathLike, target: str | os.PathLike, force: bool = False, user: str | None = None) -> dict:
    """Rebuild the database at `target` from a backup folder or zip; refuse to replace returns unless forced."""
    source, target = Path(source), Path(target)
    if not source.exists():
        raise BackupError(f"there is no backup at {source}")
    with tempfile.TemporaryDirectory(prefix="msht-restore-") as scratch:
        folder = _unzip(source, Path(scratch)) if source.is_file() else source
        if not all((folder / name).is_file() for name in _EXPORT_FILES):
            raise BackupError(f"{source} is not a backup: it has no schema.sql and load.sql")
        _check_scripts(folder, source)
        folder = _without_views(folder, Path(scratch) / "tables")
        existing = _open_existing(target) if target.exists() else None
        try:
            if existing is not None:
                held = _returns_held(existing)
                if held is None and not force:
                    raise BackupError(f"{target} is not a dashboard database: restore with --force to replace it")
                if held and not force:
                    raise BackupError(
                        f"{target} holds {held} uploads: restore with --force to replace them "
                        "(back it up first), or restore into a new database with --db"
                    )
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + f".restoring-{os.getpid()}")
            leftovers = (partial, partial.with_name(partial.name + ".wal"))
            for leftover in leftovers:
                leftover.unlink(missing_ok=True)
            try:
                summary = _rebuild(folder, partial, source, user)
            except BaseException:
                for leftover in leftovers:
                    leftover.unlink(missing_ok=True)
                raise
            os.replace(partial, target)
            version.bump(target)
        finally:
            if existing is not None:
                existing.close()
    return summary | {"target": str(target)}


def _rebuild(folder: Path, path: Path, source: Path, user: str | None) -> dict:
    """Import the backup into a new database file at `path`, migrate it, and close it."""
    con = connect(path, wait=0)
    try:
        try:
            con.execute(f"IMPORT DATABASE {_literal(folder.resolve())}")
        except duckdb.Error as exc:
            raise BackupError(f"{source} cannot be restored: {str(exc).splitlines()[0]}") from None
        # The next upload must be numbered after every restored one, whatever the backup's sequence says.
        highest = con.execute("SELECT coalesce(max(upload_id), 0) FROM uploads").fetchall()[0][0]
        start = con.execute("SELECT start_value FROM duckdb_sequences() WHERE sequence_name = 'upload_ids'").fetchall()
        if not start or start[0][0] <= highest:
            con.execute("DROP SEQUENCE IF EXISTS upload_ids")
            con.execute(f"CREATE SEQUENCE upload_ids START {int(highest) + 1}")
        # Views (and tables derived from the rows) come from the code, not from the backup; a backup
        # made by older code is brought up to date.
        con.execute("UPDATE schema_version SET views_hash = NULL")
        schema.ensure_schema(con)
        audit(con, user, "restore", f"from {source.name}")
        uploads = con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
        months = con.execute("SELECT count(*) FROM current_uploads").fetchall()[0][0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return {"uploads": uploads, "months": months}
