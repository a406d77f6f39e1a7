"""Crash safety: an ingest killed (SIGKILL) at any moment leaves every month whole or absent.

The ingest runs in processes forked from a server that has already imported the code, so that a
kill costs a fork rather than a Python start-up, and the kill lands while the database is in use.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from pathlib import Path

import pytest

from metrics.admin import setup
from metrics.returns import ingest
from metrics.store import logs

ROOT = Path(__file__).resolve().parent.parent
MONTHS = ("2019-01", "2019-02", "2019-03", "2019-04")
FILES = [ROOT / "sample_data" / "returns" / f"{month}.xlsx" for month in MONTHS]
KILLS = 30


def _ingest(path: str) -> None:
    """A victim: check the four files, then load the four months, each in its own transaction."""
    con = setup.open_database(path)
    ingest.ingest_paths(con, FILES, user="crash test")
    con.close()


def _load(path: str, checked: list) -> None:
    """A victim that spends all its time writing: load four months already checked."""
    con = setup.open_database(path)
    for month in checked:
        ingest.load_checked(con, month, user="crash test")
    con.close()


def _build_sample(path: str, returns: str) -> None:
    setup.SAMPLE_RETURNS = Path(returns)  # in this child only: a short demo of a few months
    setup.build_sample_database(path)


@pytest.fixture(scope="module")
def forkserver():
    """A multiprocessing context whose children fork from a process that has imported metrics."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["metrics.store.connection", "metrics.returns.ingest", "metrics.admin.setup"])
    return context


@pytest.fixture(scope="module")
def checked() -> list:
    """The four months, checked."""
    return [ingest.check_return(path.read_bytes(), path.name) for path in FILES]


@pytest.fixture(scope="module")
def expected(checked) -> dict[str, tuple[int, int, int]]:
    """Each month's (cases, activity, spend) rows."""
    return {c.about["reporting_month"]: (c.cases.num_rows, len(c.activity), c.spend.num_rows) for c in checked}


def consistent_months(path: Path, expected: dict) -> tuple[list[str], int]:
    """Open the database, check that it is consistent; return the months it holds and its uploads."""
    con = setup.open_database(path)
    try:
        # Every upload has exactly the rows it says it has; no row belongs to no upload.
        stored = con.execute(
            """SELECT u.upload_id, u.reporting_month, u.cases_rows, u.activity_rows, u.spend_rows,
                      (SELECT count(*) FROM raw_cases c WHERE c.upload_id = u.upload_id),
                      (SELECT count(*) FROM raw_activity a WHERE a.upload_id = u.upload_id),
                      (SELECT count(*) FROM raw_spend s WHERE s.upload_id = u.upload_id)
               FROM uploads u ORDER BY u.upload_id"""
        ).fetchall()
        for upload_id, month, *counts in stored:
            assert counts[:3] == counts[3:], f"upload {upload_id} is half-written"
            assert tuple(counts[:3]) == expected[month], f"upload {upload_id} of {month}"
        orphans = con.execute(
            """SELECT count(*) FROM (SELECT upload_id FROM raw_cases UNION ALL SELECT upload_id FROM raw_activity
               UNION ALL SELECT upload_id FROM raw_spend) WHERE upload_id NOT IN (SELECT upload_id FROM uploads)"""
        ).fetchall()
        assert orphans == [(0,)]
        # Each month held has all its rows.
        months = [r[0] for r in con.execute("SELECT reporting_month FROM current_uploads ORDER BY 1").fetchall()]
        per_month = dict(con.execute("SELECT reporting_month, count(*) FROM case_snapshots GROUP BY ALL").fetchall())
        assert per_month == {month: expected[month][0] for month in months}
        # The latest snapshot of each case agrees with the rows it is derived from.
        assert (
            con.execute("SELECT count(*) FROM cases_latest").fetchall()
            == con.execute(
                """SELECT count(*) FROM (SELECT 1 FROM case_snapshots QUALIFY row_number() OVER
               (PARTITION BY service, case_ref ORDER BY reporting_month DESC) = 1)"""
            ).fetchall()
        )
        # The reference data a new database starts with is there (a crash while creating it must not lose it).
        assert con.execute("SELECT count(*) FROM budget").fetchall() == [(2,)]
        # The upload log lists every upload, with one current version per month held.
        log = logs.upload_log(con)
        assert len(log) == len(stored)
        assert sorted(log.loc[log.state == "current", "reporting_month"]) == months
        return months, len(stored)
    finally:
        con.close()


def _run(context, target, args: tuple, kill_after: float | None) -> bool:
    """Run target(*args) in a forked child; kill it after `kill_after` seconds. True if the kill hit it alive."""
    child = context.Process(target=target, args=args)
    child.start()
    if kill_after is None:
        child.join(60)
        assert child.exitcode == 0
        return False
    child.join(kill_after)
    alive = child.is_alive()
    child.kill()  # SIGKILL
    child.join(10)
    return alive


def test_ingest_killed_at_random_moments_leaves_each_month_whole_or_absent(forkserver, checked, expected, tmp_path):
    rng = random.Random(8)
    # How long a whole run takes, on a new database and on one that holds the months already.
    timing = tmp_path / "timing.duckdb"
    window = {}
    for kind in ("new", "existing"):
        started = time.monotonic()
        _run(forkserver, _load, (str(timing), checked), None)
        window[kind] = time.monotonic() - started
    kills = attempts = uploads = 0
    landed = dict.fromkeys(range(5), 0)  # how many of the run's four uploads landed before its kill
    path = tmp_path / "crash-0.duckdb"
    stretch = 1.0
    while kills < KILLS:
        attempts += 1
        assert attempts < KILLS * 3, "the kills keep landing after the run ended"
        if attempts % 10 == 0:  # now and then a new database, so that kills land while it is created too
            path = tmp_path / f"crash-{attempts}.duckdb"
        before = uploads if path.exists() else 0
        kill_after = rng.uniform(0, 0.9 * window["existing" if before else "new"]) * stretch
        # Mostly the writing alone; now and then the whole ingest, checks and all.
        victim, args = (_ingest, (str(path),)) if attempts % 10 == 5 else (_load, (str(path), checked))
        killed = _run(forkserver, victim, args, kill_after)
        kills += killed
        uploads = consistent_months(path, expected)[1] if path.exists() else 0
        landed[uploads - before] += 1
        # The machine's load moves a run's length away from the one timed above: kills that keep landing
        # before the first upload stretch the window, runs that end before their kill shrink it.
        stretch *= 1.25 if killed and uploads == before else 0.8 if not killed else 1
    print("crash test:", kills, "kills in", attempts, "runs; uploads landed per killed run:", landed)
    # After all of that, the next ingest works and every month is whole.
    _run(forkserver, _ingest, (str(path),), None)
    assert consistent_months(path, expected)[0] == list(MONTHS)
    # The kills landed before the first upload and after some landed. Between uploads is likely on a quiet
    # machine, not certain: on a loaded one a run is mostly its start, and its four writes take an instant.
    assert landed[0] > 0 and sum(landed[n] for n in (1, 2, 3, 4)) > 0, landed


def _demo_months(path: Path) -> list[tuple]:
    con = setup.open_database(path)
    try:
        return con.execute("SELECT reporting_month FROM current_uploads ORDER BY 1").fetchall()
    finally:
        con.close()


def test_killed_sample_build_never_leaves_a_half_built_demo(forkserver, tmp_path):
    returns = tmp_path / "returns"
    returns.mkdir()
    for path in FILES[:3]:
        (returns / path.name).write_bytes(path.read_bytes())
    whole = [("2019-01",), ("2019-02",), ("2019-03",)]
    rng = random.Random(13)
    started = time.monotonic()
    _run(forkserver, _build_sample, (str(tmp_path / "timing" / "sample.duckdb"), str(returns)), None)
    whole_build = time.monotonic() - started
    target = tmp_path / "demo" / "sample.duckdb"
    kills = 0
    for _ in range(4):
        kills += _run(forkserver, _build_sample, (str(target), str(returns)), rng.uniform(0.1, 0.9) * whole_build)
        # Either the build had finished and the demo is whole, or only its partial file was left.
        if target.exists():
            assert _demo_months(target) == whole
            target.unlink()
    assert kills >= 2
    # The next build after the crashes completes, and the demo is whole.
    _run(forkserver, _build_sample, (str(target), str(returns)), None)
    assert _demo_months(target) == whole
