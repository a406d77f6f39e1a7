"""Backup and restore: a round trip gives the same figures, the same upload log and the same tables."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

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
    "audit_log.parquet",
    "backup.json",
    "bank_holidays.parquet",
    "budget.parquet",
    "kpi_targets.parquet",
    "load.sql",
    "nrm_referrals.parquet",
    "raw_activity.parquet",
    "raw_cases.parquet",
    "raw_spend.parquet",
    "schema.sql",
    "schema_version.parquet",
    "settings.parquet",
    "uploads.parquet",
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


def test_backup_writes_every_table_as_parquet_with_the_schema(sample_backup):
    names = sorted(p.name for p in sample_backup.iterdir())
    # Tables other engineers add (accounts, derived tables) are exported too.
    assert [n for n in names if n in EXPORT] == EXPORT
    assert all(n.endswith(".parquet") for n in names if n not in EXPORT)
    assert (sample_backup / "backup.json").read_text().count('"uploads": 13') == 1


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
    # Even when the backup's sequence is behind (a backup edited by hand, or made by older DuckDB).
    schema = sample_backup / "schema.sql"
    text = schema.read_text()
    assert "START 14 " in text
    schema.write_text(text.replace("START 14 ", "START 1 "))
    restored = tmp_path / "restored.duckdb"
    backup.restore(sample_backup, restored)
    con = setup.open_database(restored)
    try:
        loaded = ingest.ingest_bytes(con, hostile.workbook(), "2019-03.xlsx", user="after restore")
        assert (loaded["upload_id"], loaded["replaced_upload_id"]) == (14, 10)
    finally:
        con.close()


def test_a_zip_backup_restores_the_same(sample_db, tmp_path):
    con = setup.open_database(sample_db)
    try:
        content = backup.backup_zip(con)
    finally:
        con.close()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert [n for n in sorted(archive.namelist()) if n in EXPORT] == EXPORT
    (tmp_path / "backup.zip").write_bytes(content)
    backup.restore(tmp_path / "backup.zip", tmp_path / "restored.duckdb")
    assert _state(tmp_path / "restored.duckdb")[0] == _state(sample_db)[0]


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


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (None, "there is no backup at {source}"),
        (b"", "{source} is not a backup: it has no schema.sql and load.sql"),
        (b"not a zip", "{source} is damaged or not a zip file"),
        (_zip({"../escape.sql": b"x"}), "{source} holds a file named '../escape.sql': it is not a backup"),
        (_zip({"/etc/schema.sql": b"x"}), "{source} holds a file named '/etc/schema.sql': it is not a backup"),
        (
            _zip({"schema.sql": b"CREATE TABLE broken (", "load.sql": b""}),
            '{source} cannot be restored: Parser Error: syntax error at or near "("',
        ),
    ],
)
def test_a_bad_backup_is_refused_and_leaves_nothing(tmp_path, source, message):
    path = tmp_path / ("backup.zip" if source else "backup")
    if source == b"":
        path.mkdir()
    elif source is not None:
        path.write_bytes(source)
    target = tmp_path / "target" / "dashboard.duckdb"
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(path, target)
    assert str(refused.value) == message.format(source=path)
    assert not target.exists()
    assert not target.parent.exists() or list(target.parent.iterdir()) == []


@pytest.mark.parametrize(
    ("script", "text", "found"),
    [
        ("load.sql", "COPY uploads TO '/tmp/stolen.csv';\n", "load.sql has \"COPY uploads TO '/tmp/stolen.csv';\""),
        ("load.sql", "COPY users FROM '/etc/passwd' (FORMAT 'parquet');\n", "load.sql has"),
        ("schema.sql", "ATTACH '/tmp/other.duckdb';\n", "schema.sql has \"ATTACH '/tmp/other.duckdb'\""),
    ],
)
def test_a_doctored_backup_is_refused(sample_backup, tmp_path, script, text, found):
    path = sample_backup / script
    path.write_text(path.read_text() + text)
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(sample_backup, tmp_path / "restored.duckdb")
    assert str(refused.value).startswith(f"{sample_backup} is not a backup this dashboard made: {found}")
    assert not (tmp_path / "restored.duckdb").exists()


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
