"""Backup and restore: a round trip gives the same figures, the same upload log and the same tables;
a restore runs nothing from the backup (pen test finding 2) and checks every file before it replaces anything."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import hostile
import pandas as pd
import pytest

from metrics import cli
from metrics.admin import setup
from metrics.answers.report import report
from metrics.periods import Period
from metrics.returns import ingest
from metrics.store import backup, connection, logs

ROOT = Path(__file__).resolve().parent.parent
YEAR = Period("2018-06", "2019-06")
EXPORT = [
    "action_updates.parquet",
    "actions.parquet",
    "audit_log.parquet",
    "backup.json",
    "bank_holidays.parquet",
    "budget.parquet",
    "kpi_targets.parquet",
    "meetings.parquet",
    "nrm_referrals.parquet",
    "raw_activity.parquet",
    "raw_cases.parquet",
    "raw_commentary.parquet",
    "raw_spend.parquet",
    "raw_voices.parquet",
    "schema_version.parquet",
    "settings.parquet",
    "uploads.parquet",
    "users.parquet",
]


def _state(path: Path) -> tuple[dict, pd.DataFrame, list, dict]:
    """The whole year's report, the upload log, the audit log and every other table of a database."""
    con = setup.open_database(path)
    try:
        tables = hostile.dump_tables(con)
        del tables["sequences"]  # compared on their own: what matters is the next number
        audit = con.execute("SELECT * FROM audit_log ORDER BY ALL").fetchall()
        return report(con, YEAR), logs.upload_log(con), audit, tables
    finally:
        con.close()


@pytest.fixture
def sample_backup(sample_db, tmp_path) -> Path:
    """A backup folder of the sample database."""
    con = setup.open_database(sample_db)
    try:
        backup.backup(con, tmp_path / "backup")
    finally:
        con.close()
    return tmp_path / "backup"


def test_backup_writes_every_table_as_parquet_with_a_manifest_of_checksums(sample_backup):
    assert sorted(p.name for p in sample_backup.iterdir()) == EXPORT
    manifest = json.loads((sample_backup / "backup.json").read_text())
    assert (manifest["what"], manifest["format"], manifest["uploads"]) == ("MSHT dashboard backup", 2, 13)
    assert sorted(manifest["tables"]) == sorted(n.removesuffix(".parquet") for n in EXPORT if n != "backup.json")
    assert manifest["tables"]["uploads"] == {
        "file": "uploads.parquet", "rows": 13,
        "sha256": hashlib.sha256((sample_backup / "uploads.parquet").read_bytes()).hexdigest()}


def test_every_table_is_backed_up_but_the_marts_and_the_failed_sign_ins(sample_db):
    from metrics.store import marts, schema

    con = setup.open_database(sample_db)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()
    assert schema.NOT_BACKED_UP == ("sign_in_failures",)
    assert sorted(tables - set(marts.MART_TABLES) - set(schema.NOT_BACKED_UP)) == sorted(schema.BACKED_UP)


def test_round_trip_gives_the_same_figures_upload_log_and_tables(sample_db, sample_backup, tmp_path):
    figures, log, audit, tables = _state(sample_db)
    restored = tmp_path / "restored" / "dashboard.duckdb"
    assert backup.restore(sample_backup, restored, user="test") == {
        "uploads": 13,
        "months": 13,
        "target": str(restored),
    }
    figures_after, log_after, audit_after, tables_after = _state(restored)
    assert figures_after == figures
    pd.testing.assert_frame_equal(log_after, log)
    assert tables_after == tables
    # The audit log is the same, with one more entry saying that the database was restored.
    assert audit_after[:-1] == audit
    assert audit_after[-1][1:] == ("test", "restore", "from backup")


def test_the_next_upload_is_numbered_after_every_restored_one(sample_backup, tmp_path):
    restored = tmp_path / "restored.duckdb"
    backup.restore(sample_backup, restored)
    con = setup.open_database(restored)
    try:
        loaded = ingest.ingest_bytes(con, hostile.workbook(), "2019-03.xlsx", user="after restore")
        assert (loaded["upload_id"], loaded["replaced_upload_id"]) == (14, 10)
    finally:
        con.close()


def test_restore_refuses_to_replace_returns_unless_forced(sample_db, empty_db, tmp_path):
    con = setup.open_database(empty_db)
    try:
        backup.backup(con, tmp_path / "empty-backup")
    finally:
        con.close()
    before = _state(sample_db)
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(tmp_path / "empty-backup", sample_db)
    assert str(refused.value) == (
        f"{sample_db} holds 13 uploads: restore with --force to replace them (back it up first), "
        "or restore into a new database with --db"
    )
    after = _state(sample_db)
    assert after[0] == before[0] and after[2:] == before[2:]
    assert sorted(p.name for p in sample_db.parent.iterdir() if "restoring" in p.name) == []
    assert backup.restore(tmp_path / "empty-backup", sample_db, force=True)["uploads"] == 0
    con = setup.open_database(sample_db)
    try:
        assert logs.upload_log(con).empty
    finally:
        con.close()


def test_restore_into_a_database_without_returns_needs_no_force(sample_backup, empty_db):
    assert backup.restore(sample_backup, empty_db)["uploads"] == 13


def test_backup_refuses_a_folder_that_is_not_empty(sample_db, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    con = setup.open_database(sample_db)
    try:
        with pytest.raises(backup.BackupError) as refused:
            backup.backup(con, tmp_path / "full")
    finally:
        con.close()
    assert str(refused.value) == f"{tmp_path / 'full'} is not an empty folder: back up into a new one"


def _rewrite(folder: Path, table: str, sql: str) -> None:
    """Replace a table's Parquet file with what `sql` gives, and make the manifest agree (as a forger would)."""
    path = folder / f"{table}.parquet"
    con = duckdb.connect()
    try:
        con.execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet)")
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
    finally:
        con.close()
    manifest = json.loads((folder / "backup.json").read_text())
    manifest["tables"][table] |= {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "rows": rows}
    (folder / "backup.json").write_text(json.dumps(manifest))


def _edit_manifest(folder: Path, change) -> None:
    manifest = json.loads((folder / "backup.json").read_text())
    change(manifest)
    (folder / "backup.json").write_text(json.dumps(manifest))


def _damage(folder: Path, name: str) -> None:
    path = folder / name
    path.write_bytes(path.read_bytes()[:-1] + b"!")


def _not_parquet(folder: Path) -> None:
    (folder / "settings.parquet").write_bytes(b"PAR1 not really PAR1")
    digest = hashlib.sha256(b"PAR1 not really PAR1").hexdigest()
    _edit_manifest(folder, lambda m: m["tables"]["settings"].update(sha256=digest))


BAD = {
    "missing": (lambda f: shutil.rmtree(f), "there is no backup folder at {source}"),
    "empty": (lambda f: [p.unlink() for p in f.iterdir()], "{source} is not a backup: it has no backup.json"),
    "not json": (lambda f: (f / "backup.json").write_text("{"),
                 "{source} is not a backup this dashboard made: its backup.json is not JSON"),
    "old kind": (lambda f: (f / "backup.json").write_text('{"what": "MSHT dashboard backup", "schema_version": 6}'),
                 "{source} is a backup of an older kind, whose files carry no checksums: it cannot be restored by "
                 "this version. Restore it with the version that made it, then back up again"),
    "file elsewhere": (lambda f: _edit_manifest(f, lambda m: m["tables"]["users"].update(file="../../etc/passwd")),
                       "{source} is not a backup this dashboard made: backup.json lists 'users'"),
    "unknown table": (lambda f: _edit_manifest(f, lambda m: m["tables"].update(
                          stolen={"file": "stolen.parquet", "sha256": "0" * 64, "rows": 1})),
                      "{source} is not a backup this dashboard made: backup.json lists 'stolen'"),
    "table left out": (lambda f: _edit_manifest(f, lambda m: m["tables"].pop("audit_log")),
                       "{source} cannot be restored: backup.json should list the tables schema_version, settings, "
                       "budget, kpi_targets, nrm_referrals, bank_holidays, uploads, raw_cases, raw_activity, "
                       "raw_spend, raw_commentary, raw_voices, audit_log, users"),
    "file changed": (lambda f: _damage(f, "raw_spend.parquet"),
                     "{source} cannot be restored: raw_spend.parquet is not the file that was backed up (its SHA-256 "
                     "differs from the manifest's)"),
    "rows changed": (lambda f: _edit_manifest(f, lambda m: m["tables"]["uploads"].update(rows=12)),
                     "{source} cannot be restored: uploads.parquet holds 13 rows, the manifest says 12"),
    "columns changed": (lambda f: _rewrite(f, "users", "SELECT 'mallory' AS name, 'manager' AS role"),
                        "{source} cannot be restored: users.parquet does not hold the columns of users"),
    "types changed": (lambda f: _rewrite(f, "uploads", "SELECT * REPLACE (CAST(upload_id AS VARCHAR) AS upload_id) "
                                         f"FROM read_parquet('{f / 'uploads.parquet'}')"),
                      "{source} cannot be restored: uploads.parquet does not hold the columns of uploads"),
    "not parquet": (_not_parquet, "{source} cannot be restored: settings.parquet is not readable Parquet:"),
}


@pytest.mark.parametrize("change", list(BAD))
def test_a_bad_backup_is_refused_and_leaves_nothing(sample_backup, tmp_path, change):
    alter, message = BAD[change]
    alter(sample_backup)
    target = tmp_path / "target" / "dashboard.duckdb"
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(sample_backup, target)
    assert str(refused.value).startswith(message.format(source=sample_backup))
    assert not target.exists()
    assert not target.parent.exists() or list(target.parent.iterdir()) == []


def test_a_backup_changed_after_it_was_made_replaces_nothing(sample_db, sample_backup):
    """Every file is checked before anything is replaced: the database there stays as it was."""
    before = _state(sample_db)
    _damage(sample_backup, "users.parquet")  # the last file loaded
    with pytest.raises(backup.BackupError, match="users.parquet is not the file that was backed up"):
        backup.restore(sample_backup, sample_db, force=True)
    after = _state(sample_db)
    assert after[0] == before[0] and after[2:] == before[2:]
    assert sorted(p.name for p in sample_db.parent.iterdir() if "restoring" in p.name) == []


def test_a_file_linked_in_from_elsewhere_is_not_read(sample_backup, tmp_path):
    (sample_backup / "users.parquet").unlink()
    (sample_backup / "users.parquet").symlink_to(sample_backup / "settings.parquet")
    with pytest.raises(backup.BackupError, match="users.parquet is missing"):
        backup.restore(sample_backup, tmp_path / "restored.duckdb")


# Pen test finding 2: a second statement after a CREATE of the backup's schema.sql, which the old restore
# ran through IMPORT DATABASE. One COPY wrote a file, one CREATE TABLE AS read one.
def _attack(written: Path) -> str:
    return (f"CREATE TABLE decoy (x INTEGER); COPY (SELECT 'pwned') TO '{written}';"
            " CREATE TABLE stolen AS SELECT * FROM read_text('/etc/hostname');\n")


def _tables(path: Path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()


def test_a_doctored_backup_of_the_old_kind_runs_nothing(sample_db, tmp_path):
    """A backup as the old code wrote it (DuckDB's EXPORT DATABASE and a manifest), its schema.sql doctored."""
    folder, written = tmp_path / "old-backup", tmp_path / "written-by-the-backup.csv"
    con = duckdb.connect(str(sample_db))
    try:
        con.execute(f"EXPORT DATABASE '{folder}' (FORMAT parquet)")
    finally:
        con.close()
    (folder / "backup.json").write_text('{"what": "MSHT dashboard backup", "schema_version": 6, "uploads": 13}')
    schema_sql = folder / "schema.sql"
    lines = schema_sql.read_text().split(";\n")
    first_create = next(i for i, line in enumerate(lines) if line.startswith("CREATE TABLE"))
    lines[first_create] += "; " + _attack(written).rstrip(";\n")
    schema_sql.write_text(";\n".join(lines))
    target = tmp_path / "restored.duckdb"
    with pytest.raises(backup.BackupError, match="is a backup of an older kind"):
        backup.restore(folder, target)
    assert not written.exists()
    assert not target.exists()


def test_sql_put_into_a_backup_is_never_run(sample_backup, tmp_path):
    """The scripts the old kind carried, added to a backup of today's: it restores, and they are never read."""
    written = tmp_path / "written-by-the-backup.csv"
    for name in ("schema.sql", "load.sql"):
        (sample_backup / name).write_text(_attack(written))
    target = tmp_path / "restored.duckdb"
    assert backup.restore(sample_backup, target)["uploads"] == 13
    assert not written.exists()
    assert {"stolen", "decoy"} & _tables(target) == set()


def test_cli_backup_and_restore(sample_db, tmp_path, capsys):
    folder = tmp_path / "nightly"
    assert cli.run(["backup", str(folder), "--db", str(sample_db)]) == 0
    files = len(list(folder.iterdir()))
    assert capsys.readouterr().out == f"Backed up the database to {folder} ({files} files)\n"
    new = tmp_path / "new.duckdb"
    assert cli.run(["restore", str(folder), "--db", str(new), "--user", "cli"]) == 0
    assert capsys.readouterr().out == f"Restored 13 uploads (13 months current) from {folder} into {new}\n"
    assert cli.run(["restore", str(folder), "--db", str(new)]) == 1
    assert capsys.readouterr().err == (
        f"Error: {new} holds 13 uploads: restore with --force to replace them (back it up first), "
        "or restore into a new database with --db\n"
    )
    assert cli.run(["restore", str(folder), "--db", str(new), "--force"]) == 0
    assert capsys.readouterr().out == f"Restored 13 uploads (13 months current) from {folder} into {new}\n"


def test_restore_over_a_database_in_use_is_refused(sample_backup, held):
    size = held.stat().st_size
    with pytest.raises(connection.DatabaseBusy) as busy:
        backup.restore(sample_backup, held, force=True)
    assert str(busy.value) == (
        f"the database {held} is in use by another process (is the dashboard running?): stop it, then restore"
    )
    assert held.stat().st_size == size
    shutil.rmtree(sample_backup)


def test_a_restore_its_worker_cannot_finish_replaces_nothing(sample_db, sample_backup, monkeypatch):
    """Pen test finding 1 for restores: the backup is read in a worker with limits; past them, nothing changes."""
    from metrics import isolation  # here, so that the other tests run on code without it

    real_run = isolation.run
    monkeypatch.setattr(isolation, "run", lambda function, *args, **limits: real_run(function, *args,
                                                                                      **{**limits, "seconds": 0}))
    before = _state(sample_db)
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(sample_backup, sample_db, force=True)
    assert str(refused.value) == f"{sample_backup} could not be restored safely: it took longer than a restore may"
    after = _state(sample_db)
    assert after[0] == before[0] and after[2:] == before[2:]
    assert sorted(p.name for p in sample_db.parent.iterdir() if "restoring" in p.name) == []
