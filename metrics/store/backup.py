"""Backup and restore of the whole database: each table of a fixed list as a Parquet file, and a manifest.

A backup folder holds `<table>.parquet` for each table of schema.BACKED_UP (the returns, the upload
and audit logs, settings, reference data and accounts) and backup.json, which gives each file's
SHA-256 and row count. A restore runs nothing from the backup: the code creates the schema, each
table is read from its own file by name, after its checksum, row count, columns and types are
checked, and the marts are rebuilt from the code. The reading happens in a worker process
(metrics.isolation), into a new file beside the target, which is renamed into place only when all
of it has passed: a restore that fails leaves the database that was there (or none), never half.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb

from metrics import isolation
from metrics.store import schema, version
from metrics.store.connection import DatabaseBusy, connect, exclusive
from metrics.store.logs import audit

MANIFEST = "backup.json"
FORMAT = 2  # 1 was DuckDB's EXPORT DATABASE, whose schema.sql a restore ran: never read again
_WHAT = "MSHT dashboard backup"
_MANIFEST_BYTES = 1024 * 1024
RESTORE_MEMORY_MB = 4096
RESTORE_SECONDS = 30 * 60


class BackupError(ValueError):
    """A backup or restore refused, with a message for the user."""


def _literal(path: Path) -> str:
    """A path as an SQL string literal (COPY ... TO takes no bound parameter for its file)."""
    return "'" + str(path).replace("'", "''") + "'"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def backup(con, directory: str | os.PathLike) -> list[Path]:
    """Write every table to `directory` (new or empty) as Parquet, with the manifest."""
    with exclusive():
        return _backup(con, Path(directory))


def _backup(con, directory: Path) -> list[Path]:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"{directory} is not an empty folder: back up into a new one")
    directory.mkdir(parents=True, exist_ok=True)
    tables = {}
    for table in schema.BACKED_UP:
        path = directory / f"{table}.parquet"
        con.execute(f"COPY (SELECT * FROM {table}) TO {_literal(path.resolve())} (FORMAT parquet)")
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        tables[table] = {"file": path.name, "sha256": _sha256(path), "rows": rows}
    schema_version = con.execute("SELECT version FROM schema_version").fetchall()[0][0]
    manifest = {"what": _WHAT, "format": FORMAT, "schema_version": schema_version,
                "uploads": tables["uploads"]["rows"], "tables": tables}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return sorted(directory.iterdir())


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
    """Rebuild the database at `target` from a backup folder; refuse to replace returns unless forced."""
    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise BackupError(f"there is no backup folder at {source}")
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
        leftovers = [partial.with_name(partial.name + end) for end in ("", ".wal", ".version")]
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        try:
            summary = isolation.run(_rebuild, str(source), str(partial), user,
                                    memory_mb=RESTORE_MEMORY_MB, seconds=RESTORE_SECONDS)
            os.replace(partial, target)
        except isolation.Unsafe as unsafe:
            why = {"memory": "it needed more memory", "time": "it took longer"}.get(unsafe.reason, "it crashed")
            raise BackupError(f"{source} could not be restored safely: {why} than a restore may") from None
        finally:
            for leftover in leftovers:
                leftover.unlink(missing_ok=True)
        version.bump(target)
    finally:
        if existing is not None:
            existing.close()
    return summary | {"target": str(target)}


def _manifest(folder: Path) -> dict:
    """The backup's manifest, checked for shape: the tables it lists, each with its file, SHA-256 and rows."""
    path = folder / MANIFEST
    if not path.is_file() or path.is_symlink():
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}")
    if path.stat().st_size > _MANIFEST_BYTES:
        raise BackupError(f"{folder} is not a backup this dashboard made: its {MANIFEST} is too large")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{folder} is not a backup this dashboard made: its {MANIFEST} is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("what") != _WHAT:
        raise BackupError(f"{folder} is not a backup this dashboard made")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is a backup of an older kind, whose files carry no checksums: it cannot be "
                          "restored by this version. Restore it with the version that made it, then back up again")
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not isinstance(manifest.get("schema_version"), int):
        raise BackupError(f"{folder} is not a backup this dashboard made: its {MANIFEST} lists no tables")
    for table, entry in tables.items():
        if (table not in schema.BACKED_UP or not isinstance(entry, dict) or entry.get("file") != f"{table}.parquet"
                or not isinstance(entry.get("sha256"), str) or not isinstance(entry.get("rows"), int)):
            raise BackupError(f"{folder} is not a backup this dashboard made: {MANIFEST} lists {str(table)[:60]!r}")
    return manifest


def _rebuild(source: str, partial: str, user: str | None) -> dict:
    """In a worker: check the backup and load it into a new database at `partial`."""
    folder, path = Path(source), Path(partial)
    manifest = _manifest(folder)
    con = connect(path, wait=0)
    try:
        try:
            schema.create_tables(con, manifest["schema_version"])
        except ValueError as exc:
            raise BackupError(f"{folder} cannot be restored: {exc}") from None
        present = [t for t in schema.BACKED_UP if _columns(con, t)]
        if sorted(manifest["tables"]) != sorted(present):
            raise BackupError(f"{folder} cannot be restored: {MANIFEST} should list the tables "
                              + ", ".join(present))
        for table in present:
            _load(con, folder, table, manifest["tables"][table])
        loaded = con.execute("SELECT version FROM schema_version").fetchall()
        if [row[0] for row in loaded] != [manifest["schema_version"]]:
            raise BackupError(f"{folder} cannot be restored: its schema_version table does not match {MANIFEST}")
        return _finish(con, folder.name, user)
    finally:
        con.close()


def _columns(con, table: str) -> list[tuple[str, str]]:
    return con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                       "ORDER BY column_index", [table]).fetchall()


def _load(con, folder: Path, table: str, entry: dict) -> None:
    """One table from its own Parquet file, after its checksum, row count, columns and types are checked."""
    path = folder / entry["file"]
    if not path.is_file() or path.is_symlink():
        raise BackupError(f"{folder} cannot be restored: {entry['file']} is missing")
    if _sha256(path) != entry["sha256"]:
        raise BackupError(f"{folder} cannot be restored: {entry['file']} is not the file that was backed up "
                          "(its SHA-256 differs from the manifest's)")
    try:
        found = [(r[0], r[1]) for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]
        rows = con.execute("SELECT sum(row_group_num_rows) FROM parquet_metadata(?) WHERE column_id = 0",
                           [str(path)]).fetchall()[0][0] or 0
    except duckdb.Error as exc:
        raise BackupError(f"{folder} cannot be restored: {entry['file']} is not readable Parquet: "
                          f"{str(exc).splitlines()[0]}") from None
    if found != _columns(con, table):
        raise BackupError(f"{folder} cannot be restored: {entry['file']} does not hold the columns of {table}")
    if rows != entry["rows"]:
        raise BackupError(f"{folder} cannot be restored: {entry['file']} holds {rows} rows, the manifest "
                          f"says {entry['rows']}")
    con.execute(f"INSERT INTO {table} SELECT * FROM read_parquet(?)", [str(path)])


def _finish(con, source_name: str, user: str | None) -> dict:
    """Number the next upload after every restored one, rebuild views and marts from the code, audit."""
    highest = con.execute("SELECT coalesce(max(upload_id), 0) FROM uploads").fetchall()[0][0]
    con.execute("DROP SEQUENCE IF EXISTS upload_ids")
    con.execute(f"CREATE SEQUENCE upload_ids START {int(highest) + 1}")
    con.execute("UPDATE schema_version SET views_hash = NULL")
    schema.ensure_schema(con)
    audit(con, user, "restore", f"from {source_name}")
    uploads = con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
    months = con.execute("SELECT count(*) FROM current_uploads").fetchall()[0][0]
    con.execute("CHECKPOINT")
    return {"uploads": uploads, "months": months}
