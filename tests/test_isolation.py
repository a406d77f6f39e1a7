"""Pen test finding 1: no upload can stop the server. Files from outside are read in a worker process
with limits on memory and time (metrics.isolation), and the pre-checks no longer trust declared sizes.

The lying workbook (tests.hostile.lying_workbook) aborted the whole process on the starting commit;
the tests that read it do so in a process of their own, so that such an abort fails the test rather
than ending the test run.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import time

import hostile
import pytest

from metrics import cli, isolation
from metrics.admin import setup
from metrics.contract import Rejected
from metrics.returns import ingest, isolated
from metrics.store import logs
from tests.conftest import ROOT

LYING = ("lying.xlsx: has been altered: its part xl/worksheets/sheet2.xml holds more than the file declares, "
         "so it cannot be read safely")
NEEDS_MEMORY = "could not be read safely: it needs more memory than a monthly return can"


def read_unchecked(content: bytes) -> int:
    """fastexcel on a workbook with none of the pre-checks: what a missed hostile file would reach."""
    import fastexcel

    return fastexcel.read_excel(content).load_sheet("Cases", header_row=None, dtypes="string").to_arrow().num_rows


def test_the_lying_workbook_passes_pythons_zipfile_but_holds_a_far_cell():
    import io
    import zipfile

    content = hostile.lying_workbook()
    assert len(content) < 7_000
    with zipfile.ZipFile(io.BytesIO(content)) as archive:  # the declared bytes, checksum and all
        assert b"XFD1048576" not in archive.read("xl/worksheets/sheet2.xml")


_CHECK = """
import sys
from metrics.contract import Rejected
from metrics.returns import ingest
try:
    ingest.check_return(sys.stdin.buffer.read(), "lying.xlsx")
    print("loaded")
except Rejected as exc:
    print(exc)
"""


def test_the_pre_checks_refuse_the_lying_workbook_in_process():
    # On the starting commit this process aborted: "memory allocation of 549755813888 bytes failed".
    done = subprocess.run([sys.executable, "-c", _CHECK], input=hostile.lying_workbook(), capture_output=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (done.returncode, done.stdout.decode().strip()) == (0, LYING), done.stderr.decode()[-500:]


def test_a_reader_that_runs_out_of_memory_stops_only_its_worker():
    """Past the pre-checks (as a file they missed would be), the reader aborts in the worker, not here."""
    with pytest.raises(isolation.Unsafe) as unsafe:
        isolation.run(read_unchecked, hostile.lying_workbook())
    assert unsafe.value.reason == "memory"
    assert isolated.refusal("lying.xlsx", unsafe.value).problems[0].problem == NEEDS_MEMORY
    assert isolation.run(sum, [1, 2, 3]) == 6  # the next task gets a new worker


def fill_duckdb(megabytes: int) -> int:
    """A DuckDB query that needs more than its memory allows, as a reader under the cap may meet."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": f"{megabytes}MB", "temp_directory": ""})
    return con.sql("SELECT count(DISTINCT range::VARCHAR || repeat('x', 50)) FROM range(5_000_000)").fetchall()[0][0]


def test_duckdb_running_out_of_memory_in_the_worker_is_a_memory_refusal():
    # It came back as RuntimeError ("the worker failed: OutOfMemoryException ... not allowed back"), which the
    # Upload page does not catch: an error box instead of a refusal.
    with pytest.raises(isolation.Unsafe) as unsafe:
        isolation.run(fill_duckdb, 16)
    assert unsafe.value.reason == "memory"
    assert str(unsafe.value).startswith("memory: OutOfMemoryException: Out of Memory Error"), unsafe.value


def test_a_memory_error_and_an_overlong_task_are_refusals():
    with pytest.raises(isolation.Unsafe) as unsafe:
        isolation.run(bytearray, 64 * 2**30, memory_mb=256)
    assert unsafe.value.reason == "memory"
    started = time.monotonic()
    with pytest.raises(isolation.Unsafe) as unsafe:
        isolation.run(time.sleep, 30, seconds=1)
    assert unsafe.value.reason == "time"
    assert time.monotonic() - started < 10


def test_exceptions_come_back_as_they_were_raised_and_results_only_as_plain_data():
    with pytest.raises(Rejected) as rejected:
        isolation.run(ingest.check_return, b"", "empty.xlsx")
    assert [str(p) for p in rejected.value.problems] == ["empty.xlsx: is empty"]
    with pytest.raises(ValueError, match="invalid literal"):
        isolation.run(int, "x")
    # A class that is not on the allow-list never reaches the caller's unpickler.
    with pytest.raises(RuntimeError, match="PosixPath is not allowed back from a worker"):
        isolation.run(pathlib.Path, "/")


def test_the_isolated_check_gives_what_the_check_in_process_gives(empty_db):
    con = setup.open_database(empty_db)
    try:
        valid = hostile.workbook()
        here, there = ingest.check_return(valid, "valid.xlsx", con), isolated.check_return(valid, "valid.xlsx", con)
        assert (there.about, there.activity, there.sha256) == (here.about, here.activity, here.sha256)
        assert there.cases.equals(here.cases) and there.spend.equals(here.spend)
        # The spend lines' grants are checked against the budget, sent to the worker as data.
        con.execute("DELETE FROM budget")
        for check in (ingest.check_return, isolated.check_return):
            with pytest.raises(Rejected) as rejected:
                check(valid, "valid.xlsx", con)
            assert {p.problem for p in rejected.value.problems} == {
                "has no grant in the budget covering 2019-03: add it in Settings first"}
    finally:
        con.close()


def test_the_command_line_refuses_and_audits_the_lying_workbook(empty_db, tmp_path, capsys):
    path = tmp_path / "lying.xlsx"
    path.write_bytes(hostile.lying_workbook())
    assert cli.run(["ingest", str(path), "--db", str(empty_db), "--user", "mo"]) == 1
    assert capsys.readouterr().err.splitlines() == ["Rejected: 1 problem; nothing was changed.", LYING]
    with setup.open_database(empty_db) as con:
        assert logs.audit_entries(con, 1)[["actor", "action", "detail"]].values.tolist() == [
            ["mo", "upload rejected", "lying.xlsx: 1 problem(s)"]]


def test_the_worst_files_leave_the_workers_and_this_process_standing():
    """Every hostile file checked through the worker: each a rejection, none a crash."""
    for name in hostile.WORST:
        with pytest.raises(Rejected):
            isolated.check_return(hostile.corpus()[name], name)
    assert json.loads(isolation.run(json.dumps, {"alive": True})) == {"alive": True}
