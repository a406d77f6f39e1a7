"""Shared fixtures: databases built in code from the seeded sample data or from small fixtures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from metrics.admin import setup

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def sample_db_file(tmp_path_factory) -> Path:
    """A database holding the thirteen committed sample returns, built once per test run."""
    return setup.build_sample_database(tmp_path_factory.mktemp("sample") / "sample.duckdb")


@pytest.fixture
def sample_db(sample_db_file, tmp_path) -> Path:
    """A private copy of the sample database, free to change."""
    copy = tmp_path / "sample.duckdb"
    shutil.copy(sample_db_file, copy)
    return copy


@pytest.fixture
def empty_db(tmp_path) -> Path:
    """The path of a new database holding the default reference data and no returns."""
    path = tmp_path / "empty.duckdb"
    setup.open_database(path).close()
    return path


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory, sample_db_file):
    """Point the app at a real-database path that does not exist, and at a prebuilt demo database."""
    mp = pytest.MonkeyPatch()
    mp.setenv("DASHBOARD_DB", str(tmp_path_factory.mktemp("real") / "none.duckdb"))
    mp.setattr("metrics.store.connection.SAMPLE_DB", sample_db_file)
    yield
    mp.undo()


_HOLD = """
import sys
from metrics.admin import setup
con = setup.open_database(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()  # until the test closes our input
con.close()
"""


@pytest.fixture
def held(empty_db) -> Path:
    """empty_db held open by another process, as the dashboard holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(empty_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert holder.stdout.readline() == "holding\n"
    yield empty_db
    holder.stdin.close()
    holder.wait(30)
