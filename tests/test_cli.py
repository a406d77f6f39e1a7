"""The command line: exit codes 0 loaded, 1 rejected, 2 usage error; --db anywhere; no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import workbooks

from metrics.cli import run

ROOT = Path(__file__).resolve().parent.parent
LOADED = (
    "Loaded 2019-03.xlsx: Connect Gwent MSHT Advocate 2019-03, 3 cases, 2 spend lines (upload {upload}{replacing})\n"
)
NO_DATABASE = ("Error: there is no database at {}: create it with `python -m metrics init --manager NAME`, or "
               "restore a backup into it with `python -m metrics restore DIR`\n")
GENDER = "2019-03.xlsx: Cases row 2, column gender: 'Man' is not one of: Female, Male, Other / not stated"


@pytest.fixture
def returns(tmp_path) -> dict[str, Path]:
    """A valid March return, a corrected copy, and one with a bad code, as files."""
    folder = tmp_path / "returns"
    folder.mkdir()
    corrected = workbooks.valid_return()
    corrected["activity"]["training_sessions"] = 9
    broken = workbooks.valid_return()
    broken["cases"][0]["gender"] = "Man"
    paths = {}
    for name, data in (("valid", workbooks.valid_return()), ("corrected", corrected), ("broken", broken)):
        paths[name] = folder / name / "2019-03.xlsx"
        paths[name].parent.mkdir()
        paths[name].write_bytes(workbooks.xlsx(data))
    return paths


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = run([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_ingest_loads_replaces_and_rollback_restores(returns, empty_db, capsys):
    database = empty_db
    assert _run(capsys, "ingest", returns["valid"], "--db", database, "--user", "manager") == (
        0,
        LOADED.format(upload=1, replacing=""),
        "",
    )
    assert _run(capsys, "ingest", returns["corrected"], "--user", "manager", "--db", database) == (
        0,
        LOADED.format(upload=2, replacing=", replacing upload 1"),
        "",
    )
    assert _run(capsys, "rollback", "2019-03", "--db", database) == (
        0,
        "Rolled back Connect Gwent MSHT Advocate 2019-03: upload 2 withdrawn, upload 1 is current again\n",
        "",
    )
    assert _run(capsys, "rollback", "2019-03", "--db", database) == (
        1,
        "",
        "Error: Connect Gwent MSHT Advocate 2019-03 has no earlier version to go back to\n",
    )
    code, out, err = _run(capsys, "uploads", "--json", "--db", database)
    assert (code, err) == (0, "")
    log = [
        {k: row[k] for k in ("upload_id", "uploaded_by", "file_name", "reporting_month", "cases_rows", "state")}
        for row in json.loads(out)
    ]
    assert log == [
        {
            "upload_id": 2,
            "uploaded_by": "manager",
            "file_name": "2019-03.xlsx",
            "reporting_month": "2019-03",
            "cases_rows": 3,
            "state": "rolled back",
        },
        {
            "upload_id": 1,
            "uploaded_by": "manager",
            "file_name": "2019-03.xlsx",
            "reporting_month": "2019-03",
            "cases_rows": 3,
            "state": "current",
        },
    ]


def test_a_rejected_workbook_exits_1_listing_its_problems(returns, empty_db, capsys):
    assert _run(capsys, "ingest", returns["broken"], "--db", empty_db) == (
        1,
        "",
        f"Rejected: 1 problem; nothing was changed.\n{GENDER}\n",
    )
    assert _run(capsys, "ingest", returns["valid"], returns["broken"], ROOT / "README.none", "--db", empty_db) == (
        1,
        "",
        "Rejected: 2 problems; nothing was changed.\n"
        f"{GENDER}\n"
        "README.none: cannot be read: No such file or directory\n",
    )
    assert _run(capsys, "ingest", returns["valid"].parent, "--db", empty_db) == (
        1,
        "",
        "Rejected: 1 problem; nothing was changed.\nvalid: is a folder holding no CSV file of the return's sheets "
        "(About.csv, Cases.csv, Activity.csv, Spend.csv)\n",
    )
    assert _run(capsys, "uploads", "--db", empty_db) == (0, "No uploads yet.\n", "")


def test_rollback_of_a_month_never_loaded(empty_db, capsys):
    assert _run(capsys, "rollback", "2019-03", "--db", empty_db) == (1, "", "Error: no returns are loaded yet\n")


@pytest.mark.parametrize(
    "argv, last_line",
    [
        ([], "python -m metrics: error: the following arguments are required: command"),
        (["ingest"], "python -m metrics ingest: error: the following arguments are required: paths"),
        (
            ["rollback", "2019-3"],
            "python -m metrics rollback: error: argument month: '2019-3' is not a month (YYYY-MM)",
        ),
        (["ingest", "a.xlsx", "--colour", "red"], "python -m metrics: error: unrecognized arguments: --colour red"),
        (
            ["settings", "import"],
            "python -m metrics settings import: error: the following arguments are required: files",
        ),
    ],
)
def test_usage_errors_exit_2(argv, last_line, capsys):
    with pytest.raises(SystemExit) as caught:
        run(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m metrics")
    assert err.splitlines()[-1] == last_line


def _python(*argv, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m metrics ...` in a process of its own, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "metrics", *map(str, argv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_as_a_process_exit_codes_are_0_1_2_and_nothing_raises(returns, empty_db):
    database = empty_db
    loaded = _python("ingest", returns["valid"], "--db", database)
    assert (loaded.returncode, loaded.stdout, loaded.stderr) == (0, LOADED.format(upload=1, replacing=""), "")

    rejected = _python("ingest", returns["broken"], "--db", database)
    assert (rejected.returncode, rejected.stdout) == (1, "")
    assert rejected.stderr == f"Rejected: 1 problem; nothing was changed.\n{GENDER}\n"

    usage = _python("rollback", "March", "--db", database)
    assert usage.returncode == 2
    assert "Traceback" not in usage.stderr


def test_the_database_comes_from_dashboard_db_when_no_db_is_given(returns, empty_db):
    done = _python("ingest", returns["valid"], env={"DASHBOARD_DB": str(empty_db)})
    assert (done.returncode, done.stdout, done.stderr) == (0, LOADED.format(upload=1, replacing=""), "")


def test_a_db_path_that_is_not_a_database_gets_a_clear_message(tmp_path, capsys):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database at all" * 100)
    assert _run(capsys, "uploads", "--db", tmp_path) == (
        1,
        "",
        f'Error: cannot open {tmp_path} as a database: IO Error: Could not read from file "{tmp_path}": '
        "Is a directory\n",
    )
    assert _run(capsys, "uploads", "--db", junk) == (
        1,
        "",
        f'Error: cannot open {junk} as a database: IO Error: The file "{junk}" exists, but it is not a valid DuckDB '
        "database file!\n",
    )
    inside = junk / "inside.duckdb"
    assert _run(capsys, "uploads", "--db", inside) == (1, "", NO_DATABASE.format(inside))


# Pen test finding 3: the first run fails closed. Only `init` creates a database (and its first manager);
# every other command refuses a path where none exists, so a mistyped --db or $DASHBOARD_DB creates nothing.
@pytest.mark.parametrize("command", [["ingest", "march.xlsx"], ["uploads"], ["users", "list"],
                                     ["users", "add", "mo", "--role", "manager", "--password-stdin"],
                                     ["settings", "export", "out"], ["report", "--from", "2019-03", "--to", "2019-03"],
                                     ["audit"], ["backup", "folder"], ["rollback", "2019-03"]])
def test_a_command_on_a_missing_database_refuses_and_creates_nothing(command, tmp_path, capsys):
    path = tmp_path / "mistyped.duckdb"
    assert _run(capsys, *command, "--db", path) == (1, "", NO_DATABASE.format(path))
    assert list(tmp_path.iterdir()) == []


def test_init_creates_the_database_and_its_first_manager_once(tmp_path, monkeypatch, capsys):
    import io

    from metrics.admin import setup, users
    from metrics.store import logs

    path = tmp_path / "new" / "dashboard.duckdb"
    monkeypatch.setattr("sys.stdin", io.StringIO("aaaaaaaaaaaa\n"))
    code, out, err = _run(capsys, "init", "--manager", "Mary.Manager", "--password-stdin", "--db", path)
    assert (code, out) == (1, "") and err.startswith("Error: that password is too easy to guess")
    assert not path.exists()
    answers = iter(["violet tractor harbour", "violet tractor harbor"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert _run(capsys, "init", "--manager", "mary.manager", "--db", path) == (
        1, "", "Error: the two passwords differ; nothing was created.\n")
    assert not path.exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("violet tractor harbour\n"))
    assert _run(capsys, "init", "--manager", "Mary.Manager", "--password-stdin", "--db", path, "--user", "root") == (
        0, f"Created the database at {path} with mary.manager as its first manager: start the dashboard, and "
           "sign in.\n", "")
    with setup.open_database(path) as con:
        assert [(u["name"], u["role"]) for u in users.list_users(con)] == [("mary.manager", "manager")]
        assert con.execute("SELECT count(*) FROM budget").fetchall() == [(2,)]  # the default reference data
        assert logs.audit_entries(con, 2)[["actor", "action", "detail"]].values.tolist() == [
            ["root", "user added", "mary.manager as manager"], ["root", "database created", "python -m metrics init"]]
        assert users.authenticate(con, "mary.manager", "violet tractor harbour")["role"] == "manager"
    assert _run(capsys, "init", "--manager", "mallory", "--password-stdin", "--db", path) == (
        1, "", f"Error: {path} already exists: init only creates a new database (add users to it with "
               "`python -m metrics users add`)\n")
