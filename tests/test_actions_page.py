"""The Actions page in AppTest: the manager and the commissioner raise, update and close an action; the
partnership can reach neither the page nor the log; Summary's overdue line and its meeting button."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from metrics.admin import setup
from metrics.pack import meetings
from metrics.store import logs
from tests.conftest import ROOT

PAGE = "pages/actions.py"


@pytest.fixture
def demo_copy(sample_db_file, tmp_path, monkeypatch):
    """The app in demo mode on a private copy of the demo database (these tests write to it)."""
    copy = tmp_path / "sample.duckdb"
    shutil.copy(sample_db_file, copy)
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "none.duckdb"))
    monkeypatch.setenv("DASHBOARD_SAMPLE_DB", str(copy))
    return copy


def _app(role: str, page: str = PAGE) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["kept_role"] = role
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _tables(at) -> str:
    return " ".join(m.value for m in at.markdown if m.value.startswith('<table class="figures">'))


@pytest.mark.parametrize("role", ["manager", "commissioner"])
def test_raise_update_and_close_an_action(demo_copy, role):
    at = _app(role)
    assert "Set out the options for continuing the post after June 2019" in _tables(at)  # the open demo actions
    at.text_input(key="raise_title").input("Ask for <b>the</b> May spend lines")
    at.selectbox(key="raise_about").select("spend_actual")
    at.text_input(key="raise_owner").input("Connect Gwent manager")
    at.date_input(key="raise_due").set_value(dt.date(2019, 8, 1))
    at.button(key="raise_submit").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Raised action 12."]
    row = ('<tr><th scope="row" class="num">12</th><td>Ask for &lt;b&gt;the&lt;/b&gt; May spend lines</td>'
           "<td>Actual spend</td><td>Jun 2019</td><td>Connect Gwent manager</td><td>01 Aug 2019</td>")
    assert row in _tables(at)  # escaped: the title's tags are shown, not obeyed

    at.selectbox(key="update_which").select(12)
    at.text_area(key="update_text").input("Finance sent them.")
    at.date_input(key="update_date").set_value(dt.date(2019, 7, 20))
    at.button(key="update_submit").click().run()
    assert [s.value for s in at.success] == ["Saved the update of action 12."]
    assert "<td>20 Jul 2019&#58; Finance sent them&#46;</td>" in _tables(at)

    at.selectbox(key="update_which").select(12)
    at.selectbox(key="update_status").select("done")
    at.button(key="update_submit").click().run()
    assert [s.value for s in at.success] == ["Saved the update of action 12: now done."]
    assert "Ask for &lt;b&gt;the&lt;/b&gt;" not in _tables(at)  # open actions only
    at.radio(key="actions_which").set_value("all").run()
    assert "<td>Done</td>" in _tables(at).partition('class="num">12</th>')[2].partition("</tr>")[0]

    con = setup.open_database(demo_copy)
    try:
        entries = logs.audit_entries(con, 3)[["actor", "action"]].values.tolist()
    finally:
        con.close()
    who = f"demo {role}"
    assert entries == [[who, "action status changed"], [who, "action updated"], [who, "action raised"]]


def test_a_refused_action_says_why_and_saves_nothing(demo_copy):
    at = _app("commissioner")
    at.text_input(key="raise_owner").input("PCC's office")
    at.button(key="raise_submit").click().run()
    assert [e.value for e in at.error] == ["**Nothing was saved.** title: it is empty; write what it is."]
    assert not at.success


def test_the_partnership_reaches_neither_the_page_nor_the_log(demo_copy):
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    at.session_state["kept_role"] = "partnership"
    at.run()
    assert [e.value for e in at.error] == ["The Actions page is not available to you."]
    assert not _tables(at)
    summary = _app("partnership", "pages/summary.py")
    assert not summary.get("page_link") and not summary.get("expandable")
    assert "overdue" not in " ".join(m.value for m in summary.markdown)


def test_summary_flags_overdue_actions_and_records_a_meeting(demo_copy):
    at = _app("commissioner", "pages/summary.py")
    # Demo actions 7, 8, 10 and 11 are open and were due in 2019: all overdue today.
    assert [link.proto.label for link in at.get("page_link")] == [
        "4 overdue actions from earlier meetings: see Actions"]
    at.date_input(key="meeting_date").set_value(dt.date(2019, 7, 11))
    at.button(key="meeting_submit").click().run()
    assert not at.exception, at.exception
    con = setup.open_database(demo_copy)
    try:
        [row] = meetings.meetings(con)
    finally:
        con.close()
    assert (row["meeting_date"], row["period_first"], row["period_last"], row["recorded_by"]) == (
        dt.date(2019, 7, 11), "2019-06", "2019-06", "demo commissioner")
    assert [s.value for s in at.success] == [f"Recorded the meeting of 11 July 2019: SHA-256 `{row['sha256']}`."]
    assert "The meeting's pack (PDF)" in [b.label for b in at.get("download_button")]
