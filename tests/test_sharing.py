"""The database is held only while it is used: the command line works while the dashboard runs, each side
waits a few seconds for the other, the data version moves only when figures may change, and the demo is
built once however many sessions start together."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from metrics.admin import access, setup, users
from metrics.pack import contents as pack
from metrics.periods import Period
from metrics.returns import ingest
from metrics.store import backup, loading, logs, version
from tests.conftest import ROOT

RETURNS = sorted((ROOT / "sample_data" / "returns").glob("*.xlsx"))
PASSWORD = "correct horse battery"
_HOLD_FOR = """
import sys, time
from metrics.store import connection
con = connection.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", *args, "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=os.environ | {"PYTHONPATH": str(ROOT)})


def _hold(db: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_FOR, str(db), str(seconds)], cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert holder.stdout.readline() == "holding\n"
    return holder


def test_the_data_version_moves_only_when_figures_may_change(empty_db, tmp_path):
    con = setup.open_database(empty_db)
    seen = [version.data_version(empty_db)]

    def moved() -> bool:
        seen.append(version.data_version(empty_db))
        return seen[-1] != seen[-2]

    try:
        users.add_user(con, "mary.manager", "manager", PASSWORD, actor="test")
        users.authenticate(con, "mary.manager", PASSWORD)
        with pytest.raises(users.SignInFailed):
            users.authenticate(con, "mary.manager", "not the password")
        access.set_session_timeout(con, 20, "test")
        ingest.ingest_paths(con, RETURNS[:2], user="test")
        assert [moved()] == [True]  # a load
        pack.record_export(con, "mary.manager", Period("2018-06", "2018-07"), None, "internal", "pdf")
        logs.record(con, "mary.manager", "sign-out", "signed out")
        assert [moved()] == [False]  # an export and a sign-out change no figure
        ingest.ingest_paths(con, RETURNS[1:2], user="test")
        assert [moved()] == [True]  # a replacement
        loading.rollback(con, "2018-07", user="test")
        assert [moved()] == [True]
        from metrics.admin import reference

        reference.set_cost_benefit(con, 4.0, "a source", "test")
        assert [moved()] == [True]
        backup.backup(con, tmp_path / "backup")
        assert [moved()] == [False]
    finally:
        con.close()
    backup.restore(tmp_path / "backup", empty_db, force=True, user="test")
    assert [moved()] == [True]


def test_the_command_line_waits_out_a_short_hold(empty_db):
    holder = _hold(empty_db, 1.5)
    started = time.monotonic()
    done = _cli("ingest", str(RETURNS[0]), db=empty_db)
    holder.wait(30)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 1.0  # it waited for the other process, then went ahead


def test_the_command_line_says_busy_after_a_long_hold(empty_db):
    holder = _hold(empty_db, 12)
    try:
        started = time.monotonic()
        done = _cli("report", "--from", "2018-06", "--to", "2018-06", db=empty_db)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(30)
    assert done.returncode == 1
    assert "busy" in done.stderr and "Try again in a moment" in done.stderr
    assert 4 <= waited < 11


def test_the_demo_is_built_once_when_sessions_start_together(tmp_path):
    target = tmp_path / "demo" / "sample.duckdb"
    results, errors = [], []

    def build():
        try:
            results.append(setup.build_sample_database(target))
        except Exception as exc:  # noqa: BLE001 (the test reports whatever went wrong)
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [target] * 4
    assert sorted(p.name for p in target.parent.iterdir()) == ["sample.duckdb"]
    con = setup.open_database(target)
    try:
        built = con.execute("SELECT count(*) FROM audit_log WHERE action = 'sample database built'").fetchall()
        months = con.execute("SELECT count(*) FROM current_uploads").fetchall()
    finally:
        con.close()
    assert (built, months) == ([(1,)], [(13,)])


def test_two_processes_building_the_demo_at_once_both_get_it(tmp_path):
    target = tmp_path / "sample.duckdb"
    code = "import sys; from metrics.admin import setup; print(setup.build_sample_database(sys.argv[1]))"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    builders = [subprocess.Popen([sys.executable, "-c", code, str(target)], cwd=ROOT, env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outcomes = [b.communicate(timeout=180) for b in builders]
    assert [b.returncode for b in builders] == [0, 0], outcomes
    assert [out.strip() for out, _ in outcomes] == [str(target)] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample.duckdb"]
