"""The action log: exact rows on fixed days, audit entries, the commands, the pack's two sections, and
meetings whose pack is rebuilt byte for byte.

The demo's log (metrics/admin/sample_actions.py) is the fixture: eleven actions raised at four quarterly
meetings, the expected rows below worked out from its dates by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from metrics import cli
from metrics.admin import actions, setup
from metrics.pack import contents as pack_contents
from metrics.pack import meetings
from metrics.periods import Period
from metrics.store import logs

QUARTER = Period("2019-04", "2019-06")
MEETING = dt.date(2019, 7, 11)


@pytest.fixture(scope="module")
def log_db(sample_db_file, tmp_path_factory):
    """A private copy of the sample database (with the demo's action log), shared by this module's tests."""
    copy = tmp_path_factory.mktemp("actions") / "sample.duckdb"
    shutil.copy(sample_db_file, copy)
    return copy


@pytest.fixture
def fresh_db(sample_db_file, tmp_path):
    """A copy of the sample database for one test that changes the log."""
    copy = tmp_path / "sample.duckdb"
    shutil.copy(sample_db_file, copy)
    return copy


def _ids(rows):
    return [r["action_id"] for r in rows]


def _run(capsys, *argv):
    code = cli.run([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _text(pdf: bytes) -> str:
    """The PDF's text in the order it is drawn (cell by cell), as pdftotext -raw reads it."""
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_open_actions_by_due_date_with_overdue_flags_on_a_fixed_day(log_db):
    con = setup.open_database(log_db)
    try:
        found = actions.listing(con, "open", dt.date(2019, 7, 20))
        assert [(r["action_id"], r["due_date"], r["overdue"], r["raised_period"], r["about_label"],
                 r["latest_update_date"], r["updates"]) for r in found] == [
            (8, dt.date(2019, 5, 31), True, "Jan 2019 to Mar 2019", "Overall", dt.date(2019, 5, 9), 1),
            (7, dt.date(2019, 7, 11), True, "Jan 2019 to Mar 2019", "Victims' voices", dt.date(2019, 6, 20), 1),
            (10, dt.date(2019, 7, 31), False, "Apr 2019 to Jun 2019", "Risks and issues", None, 0),
            (11, dt.date(2019, 9, 30), False, "Apr 2019 to Jun 2019", "Referrals received", None, 0),
        ]
        # Due on the day itself is not overdue yet; the day after it is.
        assert actions.overdue_count(con, dt.date(2019, 7, 11)) == 1
        assert actions.overdue_count(con, dt.date(2019, 7, 12)) == 2
        everything = actions.listing(con, "all", dt.date(2019, 7, 20))
        assert [(r["action_id"], r["status"], r["status_date"]) for r in everything] == [
            (3, "done", dt.date(2018, 11, 14)), (2, "done", dt.date(2018, 11, 28)), (1, "done", dt.date(2019, 1, 10)),
            (5, "done", dt.date(2019, 2, 27)), (4, "done", dt.date(2019, 3, 29)), (6, "dropped", dt.date(2019, 4, 25)),
            (8, "open", None), (9, "done", dt.date(2019, 5, 30)), (7, "open", None), (10, "open", None),
            (11, "open", None)]
    finally:
        con.close()


def test_the_log_as_it_stood_at_a_moment(log_db):
    con = setup.open_database(log_db)
    try:
        then = actions.listing(con, "all", dt.date(2019, 1, 1), as_of=dt.datetime(2019, 1, 1))
        assert [(r["action_id"], r["status"], r["latest_update"]) for r in then] == [
            (3, "done", "Forecast revised: travel within the £8,000 on-costs."),
            (2, "done", "Annual leave with no cover for 9 working days; cover now agreed with the hub."),
            (1, "open", "Draft route shared with the Salvation Army's regional lead.")]
    finally:
        con.close()


def test_what_a_pack_carries_from_previous_meetings_and_from_this_one(log_db):
    con = setup.open_database(log_db)
    try:
        earlier, this = actions.for_pack(con, QUARTER)
        # Earlier periods: still open (8, 7), or closed on or after 1 April 2019 (6 dropped 25 April, 9 done 30 May).
        assert (_ids(earlier), _ids(this)) == ([6, 8, 9, 7], [10, 11])
        earlier, this = actions.for_pack(con, Period("2019-01", "2019-03"))
        # 2 and 3 were done before 1 January 2019: history, not this meeting's business.
        assert (_ids(earlier), _ids(this)) == ([1, 5, 4, 6], [8, 9, 7])
        earlier, _ = actions.for_pack(con, Period("2019-01", "2019-03"), as_of=dt.datetime(2019, 4, 11, 11))
        assert [(r["action_id"], r["status"]) for r in earlier] == [(1, "done"), (5, "done"), (4, "done"),
                                                                    (6, "open")]
    finally:
        con.close()


def test_every_change_is_audited_with_who_and_when(fresh_db):
    con = setup.open_database(fresh_db)
    try:
        before = len(logs.audit_entries(con))
        number = actions.raise_action(con, title="Check the May spend", about="spend_actual",
                                      period=QUARTER, owner="Manager", due_date=dt.date(2019, 8, 1), who="olive")
        actions.add_update(con, number, "Asked finance.", "mo", update_date=dt.date(2019, 7, 15))
        actions.add_update(con, number, "", "olive", status="done", update_date=dt.date(2019, 7, 20))
        entries = logs.audit_entries(con)
        assert len(entries) == before + 3
        assert entries[["actor", "action", "detail"]].head(3).values.tolist() == [
            ["olive", "action status changed", "action 12 set to done: Status set to done."],
            ["mo", "action updated", "action 12: Asked finance."],
            ["olive", "action raised", "action 12 (Apr 2019 to Jun 2019, due 2019-08-01): Check the May spend"]]
        assert entries["logged_at"].head(3).notna().all()
        assert [(u["update_date"], u["text"], u["who"], u["status"]) for u in actions.updates(con, number)] == [
            (dt.date(2019, 7, 15), "Asked finance.", "mo", None),
            (dt.date(2019, 7, 20), "Status set to done.", "olive", "done")]
    finally:
        con.close()


def test_a_refused_action_names_every_problem_and_changes_nothing(fresh_db):
    con = setup.open_database(fresh_db)
    try:
        before = (len(actions.listing(con, "all")), len(logs.audit_entries(con)))
        with pytest.raises(actions.ActionProblem) as refused:
            actions.raise_action(con, title=" ", about="caseload", period=QUARTER, owner="x" * 101,
                                 due_date="soon", who="olive")
        assert refused.value.problems == [
            "title: it is empty; write what it is",
            "owner: 101 characters is too long (at most 100)",
            "about: 'caseload' is not a measure's name or a topic (Overall, Risks and issues, Partnership work, "
            "Victims' voices)",
            "due date: 'soon' is not a date (YYYY-MM-DD)"]
        with pytest.raises(actions.ActionProblem) as refused:
            actions.add_update(con, 99, "a\x00b", "olive", status="closed")
        assert refused.value.problems == [
            "action 99: there is no such action",
            "update: it holds a control character; type it again as plain text",
            "status: 'closed' is not a status (use open, done, dropped)"]
        assert (len(actions.listing(con, "all")), len(logs.audit_entries(con))) == before
    finally:
        con.close()


def test_the_actions_commands(fresh_db, capsys):
    code, out, err = _run(capsys, "actions", "list", "--today", "2019-07-20", "--json", "--db", fresh_db)
    assert (code, err) == (0, "")
    assert [(r["action_id"], r["overdue"]) for r in json.loads(out)] == [(8, True), (7, True), (10, False),
                                                                         (11, False)]
    assert _run(capsys, "actions", "add", "--title", "Ask for the Q1 figures", "--about", "Overall", "--period",
                "2019-04:2019-06", "--owner", "PCC's office", "--due", "2019-08-30", "--user", "olive",
                "--db", fresh_db) == (0, "Raised action 12: Ask for the Q1 figures (due 2019-08-30)\n", "")
    assert _run(capsys, "actions", "update", "12", "--status", "dropped", "--text", "Not needed.", "--date",
                "2019-08-01", "--user", "olive", "--db", fresh_db) == (0, "Updated action 12: now dropped\n", "")
    code, out, _ = _run(capsys, "actions", "list", "--all", "--today", "2019-07-20", "--db", fresh_db)
    assert code == 0 and out.splitlines()[0].split()[:4] == ["no.", "status", "due", "overdue"]
    statuses = dict(line.split()[:2] for line in out.splitlines()[1:])
    assert (len(statuses), statuses["12"], statuses["11"]) == (12, "dropped", "open")
    assert _run(capsys, "actions", "add", "--title", "x", "--about", "Nothing", "--period", "2019-04:2019-06",
                "--owner", "o", "--due", "2019-08-30", "--db", fresh_db) == (
        1, "", "Rejected: nothing was changed. 1 problem(s):\nabout: 'Nothing' is not a measure's name or a topic "
        "(Overall, Risks and issues, Partnership work, Victims' voices)\n")
    assert _run(capsys, "actions", "update", "40", "--text", "x", "--db", fresh_db) == (
        1, "", "Rejected: nothing was changed. 1 problem(s):\naction 40: there is no such action\n")
    with pytest.raises(SystemExit) as usage:
        cli.run(["actions", "add", "--title", "x", "--about", "Overall", "--period", "2019-04:2019-06", "--owner",
                 "o", "--due", "30/08/2019", "--db", str(fresh_db)])
    assert usage.value.code == 2 and "'30/08/2019' is not a date (YYYY-MM-DD)" in capsys.readouterr().err


@pytest.fixture(scope="module")
def packs(log_db):
    """The internal and partnership packs of Apr-Jun 2019, dated the July meeting, as PDF text, and the workbook."""
    con = setup.open_database(log_db)
    try:
        return {audience: _text(pack_contents.build(con, QUARTER, None, audience, "pdf", today=MEETING))
                for audience in ("internal", "partnership")} | {
            "xlsx": pack_contents.build(con, QUARTER, None, "internal", "xlsx", today=MEETING)}
    finally:
        con.close()


def test_the_internal_pack_lists_both_sections_with_status_and_latest_update(packs):
    text = " ".join(packs["internal"].split())
    head = "No. Action About Raised on Owner Due Status Latest update "
    assert ("Actions from previous meetings " + head +
            "6 Report third-party intelligence to the partnership quarterly Partnership work Oct 2018 to Dec 2018 "
            "Connect Gwent manager 30 Apr 2019 Dropped 25 Apr 2019: Dropped: the partnership now receives the "
            "published figures instead. "
            "8 Set out the options for continuing the post after June 2019 Overall Jan 2019 to Mar 2019 PCC's office "
            "31 May 2019 Overdue 09 May 2019: Evaluation paper commissioned for the July meeting. "
            "9 Check why planned closures fell below target Planned closures Jan 2019 to Mar 2019 Connect Gwent "
            "manager 31 May 2019 Done 30 May 2019: Three disengaged clients moved out of area; no change to practice "
            "needed. "
            "7 Bring a case study to the next meeting Victims' voices Jan 2019 to Mar 2019 MSHT advocate 11 Jul 2019 "
            "Open 20 Jun 2019: Consent obtained from one client; summary being written. ") in text
    assert ("Actions raised at this meeting No. Action About Owner Due Status Latest update "
            "10 Agree cover for the advocate's leave over the summer Risks and issues Connect Gwent manager "
            "31 Jul 2019 Open No update yet "
            "11 Compare Gwent's NRM growth with the national rise in the evaluation Referrals received PCC's office "
            "30 Sep 2019 Open No update yet Actions raised on a period ending June 2019.") in text
    assert "Explain the dip in timely first contact" not in text  # done in November 2018: history


def test_the_partnership_pack_has_no_actions(packs):
    assert "Actions" not in packs["partnership"] and "Set out the options" not in packs["partnership"]


def test_the_workbook_has_the_two_action_sheets(packs):
    book = load_workbook(io.BytesIO(packs["xlsx"]))
    rows = [[c.value for c in row] for row in book["Actions before"].iter_rows()]
    assert rows[0] == ["No.", "Action", "About", "Raised on", "Owner", "Due", "Status", "Latest update"]
    assert [r[0] for r in rows[1:5]] == [6, 8, 9, 7]
    assert rows[2][5] == dt.datetime(2019, 5, 31) and rows[2][6] == "Overdue"
    assert [r[0] for r in book["Actions raised"].iter_rows(min_row=2, max_row=3, values_only=True)] == [10, 11]


def test_action_text_cannot_run_as_a_formula_in_the_workbook(fresh_db):
    con = setup.open_database(fresh_db)
    try:
        actions.raise_action(con, title='=HYPERLINK("http://x.example","y")', about="Overall", period=QUARTER,
                             owner="@owner", due_date=dt.date(2019, 8, 1), who="olive")
        book = load_workbook(io.BytesIO(pack_contents.build(con, QUARTER, None, "internal", "xlsx", today=MEETING)))
    finally:
        con.close()
    row = next(r for r in book["Actions raised"].iter_rows(min_row=2) if r[0].value == 12)
    assert (row[1].value, row[1].data_type, row[1].quotePrefix) == ('=HYPERLINK("http://x.example","y")', "s", True)
    assert (row[3].value, row[3].quotePrefix) == ("@owner", True)


def test_a_meeting_pack_is_rebuilt_byte_for_byte_after_the_log_moves_on(fresh_db, tmp_path, capsys):
    code, out, err = _run(capsys, "meeting", "record", "--date", "2019-07-11", "--period", "2019-04:2019-06",
                          "--out", tmp_path / "circulated.pdf", "--user", "olive", "--db", fresh_db)
    assert (code, err) == (0, "")
    circulated = (tmp_path / "circulated.pdf").read_bytes()
    sha = hashlib.sha256(circulated).hexdigest()
    assert f"SHA-256 {sha}" in out
    # After the meeting an action is closed and another raised: the meeting's pack shows the log as it was.
    assert _run(capsys, "actions", "update", "10", "--status", "done", "--db", fresh_db)[0] == 0
    assert _run(capsys, "actions", "add", "--title", "Later", "--about", "Overall", "--period", "2019-04:2019-06",
                "--owner", "o", "--due", "2019-09-01", "--db", fresh_db)[0] == 0
    code, out, err = _run(capsys, "meeting", "rebuild", "--date", "2019-07-11", "--out", tmp_path / "again.pdf",
                          "--db", fresh_db)
    assert (code, err) == (0, "")
    assert out.startswith(f"Rebuilt the pack of the meeting of 2019-07-11: identical, SHA-256 {sha}")
    assert "The data version moved on since" in out
    assert (tmp_path / "again.pdf").read_bytes() == circulated
    assert "Prepared on 11 July 2019" in " ".join(_text(circulated).split())
    con = setup.open_database(fresh_db)
    try:
        [row] = meetings.meetings(con)
        assert (row["meeting_date"], row["period_first"], row["period_last"], row["sha256"], row["recorded_by"]) == (
            MEETING, "2019-04", "2019-06", sha, "olive")
        assert logs.audit_entries(con).query("action == 'meeting recorded'")["actor"].tolist() == ["olive"]
        with pytest.raises(ValueError, match="a meeting on 2019-07-11 is already recorded"):
            meetings.record(con, MEETING, QUARTER, None, "olive")
    finally:
        con.close()
    # A setting changed after the meeting changes the figures' notes: the rebuild says it differs, exit 1.
    assert _run(capsys, "settings", "cost-benefit", "4", "A newer study", "--db", fresh_db)[0] == 0
    code, out, err = _run(capsys, "meeting", "rebuild", "--date", "2019-07-11", "--db", fresh_db)
    assert code == 1 and "it differs" in err and f"recorded {sha}" in err
    assert _run(capsys, "meeting", "rebuild", "--date", "2019-07-12", "--db", fresh_db) == (
        1, "", "Error: no meeting is recorded on 2019-07-12: see `meeting list`\n")
