"""Pen test finding 5: every download is audited under the signed-in user, whole-database backups are not
served by any page (they are made on the server: `python -m metrics backup`, the nightly timer), and nothing
a page can download holds a password hash.

Streamlit makes a deferred download's data after the page has run, where no session is signed in: each
download button's data is captured here as the page draws it, then made as a click would make it.
"""

from __future__ import annotations

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from metrics.admin import access, setup, users
from metrics.returns import ingest
from metrics.store import logs
from tests.conftest import ROOT
from ui.navigation import PAGE_FILES

PASSWORD = "violet tractor harbour"


@pytest.fixture
def real_db(tmp_path, monkeypatch):
    path = tmp_path / "dashboard.duckdb"
    con = setup.open_database(path)
    ingest.ingest_paths(con, [ROOT / "sample_data" / "returns" / "2019-03.xlsx"], user="mary.manager")
    users.add_user(con, "mary.manager", "manager", PASSWORD, "test")
    users.add_user(con, "chris.commissioner", "commissioner", PASSWORD, "test")
    con.close()
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


@pytest.fixture
def buttons(monkeypatch):
    """(label, data) of every download button drawn, in order."""
    drawn = []
    original = streamlit.download_button

    def recording(label, data=None, *args, **kwargs):
        drawn.append((label, data))
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return drawn


def signed_in(name: str, role: str) -> AppTest:
    """The app signed in through its form (a live session on the server), as `name`, whose role is `role`."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.run()
    at.text_input[0].input(name)
    at.text_input[1].input(PASSWORD)
    at.button[0].click()
    at.run()
    assert at.session_state["signed_in_role"] == role
    return at


def _bytes(data) -> bytes:
    made = data() if callable(data) else data
    return made.encode() if isinstance(made, str) else bytes(made)


@pytest.mark.parametrize(("name", "role"), [("mary.manager", "manager"), ("chris.commissioner", "commissioner")])
def test_every_download_is_audited_under_its_user_and_holds_no_password_hash(real_db, buttons, name, role):
    at = signed_in(name, role)
    for title, path in PAGE_FILES.items():
        if access.allowed(role, title):
            at.switch_page(path).run()
            assert not at.exception, title
    drawn = list(dict(buttons).items())  # each button once, by label
    labels = [label for label, _ in drawn]
    assert not [label for label in labels if "backup" in label.lower()]
    expected = {"Scrutiny pack (PDF)", "Scrutiny pack (Excel)", "Published figures (figures.csv)",
                "End-of-grant evaluation: Pilot 2018-19 (PDF)"} | (
        {"Download the blank template (.xlsx)", "Download next month's return, pre-filled (2019-04, .xlsx)",
         "Export budget.csv", "Export kpi_targets.csv", "Export nrm_referrals.csv", "Export bank_holidays.csv"}
        if role == "manager" else set())
    assert set(labels) == expected
    with setup.open_database(real_db) as con:
        before = len(logs.audit_entries(con))
    for label, data in drawn:
        content = _bytes(data)  # what a click gets, made after the page has run
        assert b"$argon2" not in content and PASSWORD.encode() not in content, label
    with setup.open_database(real_db) as con:
        log = logs.audit_entries(con)
        made = log[["actor", "action"]].values.tolist()[: len(log) - before]
    assert len(made) == len(drawn)
    assert {actor for actor, _ in made} == {name}
    assert {action for _, action in made} <= {"download", "pack exported"}


def test_no_page_serves_a_backup_and_the_data_quality_page_says_where_backups_come_from(real_db, buttons):
    at = signed_in("mary.manager", "manager")
    at.switch_page(PAGE_FILES["Data quality"]).run()
    assert not at.download_button
    assert any("`python -m metrics backup DIR`" in c.value for c in at.caption)
