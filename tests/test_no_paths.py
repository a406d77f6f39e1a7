"""Pen test finding 3: no page ever shows a file-system path (the first-upload message printed the
server's absolute database path). Every page for every role, in the demo and on a real database, an
upload's preview and rejection, and a database that cannot be opened: no element holds a path."""

from __future__ import annotations

import shutil

import hostile
import pytest
from streamlit.testing.v1 import AppTest

from metrics.admin import access, setup, users
from metrics.returns import ingest
from tests.conftest import ROOT
from ui.navigation import PAGE_FILES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def shown(at: AppTest) -> str:
    """Everything the page sends to the browser, as text (each element's message)."""
    return "\n".join(str(getattr(node, "proto", "")) for node in _nodes(at._tree))


def assert_no_paths(at: AppTest, *folders) -> None:
    text = shown(at)
    for folder in (ROOT, *folders):
        assert str(folder) not in text
    assert ".duckdb" not in text


@pytest.fixture
def places(tmp_path, sample_db_file, monkeypatch):
    demo = tmp_path / "demo" / "sample.duckdb"
    demo.parent.mkdir()
    shutil.copy(sample_db_file, demo)
    monkeypatch.setattr("metrics.store.connection.SAMPLE_DB", demo)
    real = tmp_path / "real" / "dashboard.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(real))
    return tmp_path, real


def app(**session) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    for key, value in session.items():
        at.session_state[key] = value
    return at.run()


@pytest.mark.parametrize("role", access.ROLES)
def test_no_demo_page_shows_a_path(places, role):
    folder, _ = places
    at = app(kept_role=role)
    for title, path in PAGE_FILES.items():
        if access.allowed(role, title):
            at.switch_page(path).run()
            assert not at.exception, title
            assert_no_paths(at, folder)


def test_the_demo_upload_page_shows_no_path_for_a_preview_or_a_refusal(places):
    folder, real = places
    at = app(kept_role="manager")
    at.switch_page(PAGE_FILES["Upload returns"]).run()
    at.file_uploader[0].set_value([("march.xlsx", hostile.workbook(), XLSX)]).run()
    assert at.metric and not at.exception
    assert "python -m metrics init --manager NAME" in shown(at)  # what the check below reads is the page
    assert_no_paths(at, folder)
    at.file_uploader[0].set_value([("lying.xlsx", hostile.lying_workbook(), XLSX)]).run()
    assert at.error and not at.exception
    assert_no_paths(at, folder)
    assert not real.exists()


def test_no_page_of_a_real_database_shows_a_path(places):
    folder, real = places
    con = setup.open_database(real)
    ingest.ingest_bytes(con, hostile.workbook(), "march.xlsx", user="mo")
    users.add_user(con, "mo.manager", "manager", "violet tractor harbour", actor="test")
    con.close()
    at = app()
    at.text_input[0].input("mo.manager")  # signed in through the form: a live session on the server
    at.text_input[1].input("violet tractor harbour")
    at.button[0].click()
    at.run()
    for path in PAGE_FILES.values():
        at.switch_page(path).run()
        assert not at.exception, path
        assert_no_paths(at, folder)


def test_a_database_that_cannot_be_opened_is_said_so_without_its_path(places):
    folder, real = places
    real.mkdir(parents=True)  # a folder where the database should be
    at = app()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The dashboard's database cannot be opened. Whoever looks after the server can see why in its log."]
    assert_no_paths(at, folder)
