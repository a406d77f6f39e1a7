"""Concurrent use: uploads are serialised while pages read; a second process is told the database is busy."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import hostile
import pytest

from metrics.admin import setup
from metrics.answers.report import report
from metrics.contract import Rejected
from metrics.periods import Period
from metrics.returns import ingest
from metrics.store import connection, loading, logs

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 10
BUSY = "another upload or change is being saved: try again in a moment"


def _month(month: str) -> bytes:
    """A valid return for the month: the base return's six cases, moved into that month."""
    data = hostile.base_return()
    year, number = int(month[:4]), int(month[5:])
    data["about"]["reporting_month"] = month
    data["about"]["submitted_on"] = dt.date(2019, 7, 8)
    for case in data["cases"]:
        case["case_ref"] = case["case_ref"].replace("1903", month[2:4] + month[5:])
        for column in ("referral_date", "first_contact_date", "closed_date"):
            if case[column] is not None:
                case[column] = dt.date(year, number, min(case[column].day, 28))
    return hostile.workbook(data)


def _torn_reads(cursor) -> list:
    """Uploads whose rows a reader sees only in part (none, if writes are atomic)."""
    return cursor.execute(
        """SELECT u.upload_id FROM current_uploads u
           WHERE u.cases_rows <> (SELECT count(*) FROM case_snapshots c WHERE c.upload_id = u.upload_id)
              OR u.spend_rows <> (SELECT count(*) FROM raw_spend s WHERE s.upload_id = u.upload_id)"""
    ).fetchall()


def test_two_uploads_at_once_both_land_while_pages_read(empty_db):
    con = setup.open_database(empty_db)
    months = ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02"]
    files = {month: _month(month) for month in months}
    stop, reads, errors = threading.Event(), [0], []

    def reader():
        cursor = con.cursor()
        try:
            while not stop.is_set():
                assert _torn_reads(cursor) == []
                if cursor.execute("SELECT count(*) FROM current_uploads").fetchall()[0][0]:
                    report(cursor, Period("2018-10", "2019-02"))
                reads[0] += 1
        except Exception as exc:  # noqa: BLE001 - any failure of a reader fails the test below
            errors.append(exc)
        finally:
            cursor.close()

    def upload(month: str, results: list):
        cursor = con.cursor()
        try:
            results.append(ingest.ingest_bytes(cursor, files[month], f"{month}.xlsx", user=month))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            cursor.close()

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers:
        thread.start()
    landed = []
    for round_number in range(ROUNDS):
        # Two uploads at the same moment: of two different months, or (every other round) of the same one.
        pair = (months[round_number % 5], months[(round_number + 1) % 5 if round_number % 2 else round_number % 5])
        writers = [threading.Thread(target=upload, args=(month, landed)) for month in pair]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join(60)
    stop.set()
    for thread in readers:
        thread.join(60)
    assert errors == []
    assert reads[0] > 0
    assert len(landed) == 2 * ROUNDS
    # Every upload is in the log; each month's versions form one chain, each replacing the one before.
    log = logs.upload_log(con)
    assert sorted(log.upload_id) == sorted(r["upload_id"] for r in landed) == list(range(1, 2 * ROUNDS + 1))
    for month in months:
        versions = log[log.reporting_month == month].sort_values("upload_id")
        assert list(versions.replaced_upload_id.fillna(0).astype(int)) == [0, *versions.upload_id[:-1]]
        assert list(versions.state) == ["replaced"] * (len(versions) - 1) + ["current"]
    assert _torn_reads(con) == []
    assert con.execute("SELECT reporting_month, count(*) FROM case_snapshots GROUP BY ALL ORDER BY 1").fetchall() == [
        (month, 6) for month in months
    ]
    con.close()


def test_an_upload_that_waits_too_long_is_told_to_try_again(empty_db, monkeypatch):
    con = setup.open_database(empty_db)
    monkeypatch.setattr(connection, "WRITE_WAIT_SECONDS", 0.1)
    before = hostile.dump_tables(con)
    outcome = []

    def upload():
        cursor = con.cursor()
        try:
            ingest.ingest_bytes(cursor, _month("2019-01"), "2019-01.xlsx", user="second")
        except connection.DatabaseBusy as exc:
            outcome.append(str(exc))
        finally:
            cursor.close()

    with connection.write_lock:  # a long upload in another session
        second = threading.Thread(target=upload)
        second.start()
        second.join(10)
    assert outcome == [BUSY]
    assert hostile.dump_tables(con) == before
    # Once the first write is done, the same upload goes through.
    assert ingest.ingest_bytes(con, _month("2019-01"), "2019-01.xlsx", user="second")["upload_id"] == 1
    con.close()


def test_settings_and_rollback_wait_for_the_lock_too(empty_db, monkeypatch):
    from metrics.admin import reference

    con = setup.open_database(empty_db)
    monkeypatch.setattr(connection, "WRITE_WAIT_SECONDS", 0.05)
    failures = []

    def attempt(write):
        try:
            write()
        except connection.DatabaseBusy as exc:
            failures.append(str(exc))
        except (Rejected, loading.NothingToRollBack) as exc:  # pragma: no cover - would mean it ran
            failures.append(repr(exc))

    with connection.write_lock:
        for write in (
            lambda: reference.set_cost_benefit(con.cursor(), 3.0, "test"),
            lambda: loading.rollback(con.cursor(), "2019-01", "Connect Gwent MSHT Advocate"),
        ):
            thread = threading.Thread(target=attempt, args=(write,))
            thread.start()
            thread.join(10)
    assert failures == [BUSY, BUSY]
    con.close()


def test_a_second_process_is_told_the_database_is_busy(held, tmp_path):
    month = tmp_path / "2019-01.xlsx"
    month.write_bytes(_month("2019-01"))
    message = (
        "Error: the database is busy: another program is using it (the dashboard saving a change, or a "
        "command-line upload, backup or pack). Try again in a moment.\n"
    )
    with pytest.raises(connection.DatabaseBusy):
        setup.open_database(held)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    for command in (["uploads"], ["ingest", str(month)]):
        done = subprocess.run(
            [sys.executable, "-m", "metrics", *command, "--db", str(held)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )
        assert (done.returncode, done.stdout, done.stderr) == (1, "", message)
    assert time.monotonic() - started < 30  # told after a short wait (5 s each), not left hanging


def test_five_people_signing_in_to_one_account_at_the_same_moment_all_get_in(empty_db):
    """Issue 15's load run: five sign-ins to one account at once gave "Conflict on update!" in 7 of 15
    attempts, when users.authenticate updated the user's row outside the write lock. Each thread has its
    own cursor on one connection, as the app's sessions do; the writes now queue for connection.write."""
    from metrics.admin import users

    con = setup.open_database(empty_db)
    try:
        users.add_user(con, "shared.office", "partnership", "violet tractor harbour", "admin")
        # Three rounds of the right password (each sign-in writes the user's row), then one of a wrong one.
        for password in ["violet tractor harbour"] * 3 + ["not the password at all"]:
            barrier, outcomes = threading.Barrier(5), []

            def sign_in(password=password, barrier=barrier, outcomes=outcomes):
                cursor = con.cursor()
                try:
                    barrier.wait()
                    outcomes.append(users.authenticate(cursor, "shared.office", password)["name"])
                except users.SignInFailed as exc:
                    outcomes.append(str(exc))
                except Exception as exc:  # what the old code raised
                    outcomes.append(f"{type(exc).__name__}: {exc}")
                finally:
                    cursor.close()

            threads = [threading.Thread(target=sign_in) for _ in range(5)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            expected = "shared.office" if password.startswith("violet") else users.WRONG_NAME_OR_PASSWORD
            assert outcomes == [expected] * 5
    finally:
        con.close()
