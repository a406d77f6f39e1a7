"""The manager's pages in use: uploading returns (problems, preview, confirm, rollback) and editing settings.

Every test starts in demo mode on a private copy of the sample database, with DASHBOARD_DB naming
a real database that does not exist yet: in the demo nothing can be loaded, and nothing creates it
but `python -m metrics init` (here, setup.open_database).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from metrics.admin import reference, setup, users
from metrics.contract import ACTIVITY_MEASURES, KPI_TARGETS, Rejected
from metrics.returns import ingest
from metrics.returns.file_checks import SAVE_AS_XLSX
from sample_data.generate import SERVICE, workbook_bytes
from tests import workbooks
from tests.conftest import ROOT

D = dt.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


case = workbooks.case_row


def march(cases: list[dict], spend: list[dict], submitted=D(2019, 4, 5)) -> bytes:
    about = {"service": SERVICE, "reporting_month": "2019-03", "prepared_by": "Test", "submitted_on": submitted}
    activity = {name: 2 for name, _ in ACTIVITY_MEASURES}
    return workbook_bytes({"about": about, "cases": cases, "activity": activity, "spend": spend})


# Three referrals in March 2019 and one case continuing from February.
GOOD = march(
    [case("R-1", D(2019, 3, 4), first_contact_date=D(2019, 3, 5)),
     case("R-2", D(2019, 3, 12), first_contact_date=D(2019, 3, 12)),
     case("R-3", D(2019, 3, 28)),
     case("R-0", D(2019, 2, 20), first_contact_date=D(2019, 2, 21))],
    [{"budget_line": "Salary", "detail": "Advocate salary", "amount_gbp": 2166.67}],
)
# Three mistakes: a date that does not exist, a gender code that is not in the list, an unexplained negative.
MALFORMED = march(
    [case("R-1", "31/02/2019"), case("R-2", D(2019, 3, 12), gender="F")],
    [{"budget_line": "On-costs", "detail": "Travel", "amount_gbp": -5}],
)


@pytest.fixture
def paths(tmp_path, sample_db_file, monkeypatch):
    """(demo database, real database): the demo a private copy, the real one not created yet."""
    demo = tmp_path / "sample.duckdb"
    shutil.copy(sample_db_file, demo)
    real = tmp_path / "real" / "dashboard.duckdb"
    monkeypatch.setattr("metrics.store.connection.SAMPLE_DB", demo)
    monkeypatch.setenv("DASHBOARD_DB", str(real))
    return demo, real


def open_page(page: str, at: AppTest | None = None) -> AppTest:
    """The app on a page, as the demo's manager (the sidebar's role picker defaults to the manager)."""
    if at is None:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.run()
    at.switch_page(page)
    return at.run()


def table_with(at: AppTest, column: str) -> list[dict]:
    """The rows of the first table on the page that has this column, blanks as None."""
    frame = next(d.value for d in at.dataframe if column in d.value.columns)
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


class _Tables(HTMLParser):
    """The HTML tables of a page's markdown: each a list of rows of cell texts (headings included)."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def html_table_with(at: AppTest, heading: str) -> list[dict]:
    """The rows of the first HTML table on the page headed with this column, by heading."""
    for md in at.markdown:
        parser = _Tables()
        parser.feed(md.value)
        for head, *rows in parser.tables:
            if heading in head:
                return [dict(zip(head, row)) for row in rows]
    raise AssertionError(f"no table headed {heading!r}")


def card_value(at: AppTest, label: str) -> str:
    pattern = re.compile(rf'card-label">{re.escape(label)}</div><div class="card-value">([^<]*)<')
    return next(m.group(1) for md in at.markdown if (m := pattern.search(md.value)))


def test_a_malformed_workbook_lists_every_problem_and_loads_nothing(paths):
    at = open_page("pages/upload.py")
    # A text file named .xlsx gets as far as the checks, which find it is no workbook.
    at.file_uploader[0].set_value([("march.xlsx", MALFORMED, XLSX), ("notes.xlsx", b"case_ref\nR-1\n", XLSX)])
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "**Nothing has been loaded.** 4 problems in 2 files: fix them in the workbook and upload it again."]
    # In an HTML table (a dataframe's cell cut the Problem short: issue 17 #7); a blank cell is a dash.
    assert html_table_with(at, "Problem") == [
        {"File": "march.xlsx", "Sheet": "Cases", "Row": "2", "Column": "referral_date", "Value": "31/02/2019",
         "Problem": "is not a date (use a date cell, YYYY-MM-DD or DD/MM/YYYY)"},
        {"File": "march.xlsx", "Sheet": "Cases", "Row": "3", "Column": "gender", "Value": "F",
         "Problem": "is not one of: Female, Male, Other / not stated"},
        {"File": "march.xlsx", "Sheet": "Spend", "Row": "2", "Column": "amount_gbp", "Value": "-5",
         "Problem": "is negative but detail does not say it is a refund"},
        {"File": "notes.xlsx", "Sheet": "", "Row": "—", "Column": "", "Value": "",
         "Problem": "is not an Excel workbook (.xlsx): " + SAVE_AS_XLSX},
    ]
    assert not any(b.label.startswith("Confirm") for b in at.button)
    assert not paths[1].exists()  # still the demo: nothing was created or loaded


MANAGER_PASSWORD = "violet tractor harbour"


def signed_in_manager(real) -> AppTest:
    """The app on a real database, signed in as its manager through the form (a live session on the server)."""
    with setup.open_database(real) as con:
        if not any(u["name"] == "mary.manager" for u in users.list_users(con)):
            users.add_user(con, "mary.manager", "manager", MANAGER_PASSWORD, actor="test")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.text_input[0].input("mary.manager")
    at.text_input[1].input(MANAGER_PASSWORD)
    at.button[0].click()
    return at.run()


def test_in_the_demo_a_good_workbook_is_previewed_but_nothing_can_be_loaded_or_created(paths):
    # Pen test finding 3: with no real database, any visitor could load a return here and name themselves
    # its first manager ("Signed in as intruder (manager)"); the message gave the database's absolute path.
    demo, real = paths
    at = open_page("pages/upload.py")
    at.file_uploader[0].set_value(("2019-03.xlsx", GOOD, XLSX)).run()
    assert not at.exception and not at.error
    assert [(m.label, m.value) for m in at.metric][:2] == [("New cases", "4"), ("Updated cases", "0")]
    assert not [b for b in at.button if b.label.startswith("Confirm")]
    assert not at.text_input  # no account is offered
    assert any("`python -m metrics init --manager NAME`" in w.value for w in at.warning)
    assert not real.exists() and not real.parent.exists()
    assert "signed_in_role" not in at.session_state
    page_text = " ".join(str(e.value) for e in [*at.markdown, *at.info, *at.warning, *at.caption, *at.success])
    assert str(real.parent) not in page_text and str(ROOT) not in page_text


def test_a_good_workbook_previewed_confirmed_and_the_summary_changes(paths):
    _, real = paths
    setup.open_database(real).close()
    at = open_page("pages/upload.py", signed_in_manager(real))
    at.file_uploader[0].set_value(("2019-03.xlsx", GOOD, XLSX)).run()
    assert not at.exception and not at.error
    assert [(m.label, m.value) for m in at.metric] == [
        ("New cases", "4"), ("Updated cases", "0"), ("Closures recorded", "0"), ("Spend lines", "1"),
        ("Spend total", "£2,166.67")]
    [confirm] = [b for b in at.button if b.label.startswith("Confirm")]
    assert confirm.label == "Confirm: load 1 return" and not confirm.disabled
    confirm.click().run()
    assert not at.exception
    assert [s.value for s in at.success][0] == "Loaded 2019-03 from 2019\\-03\\.xlsx as upload 1."
    log = table_with(at, "upload_id")
    assert [(r["upload_id"], r["reporting_month"], r["state"], r["uploaded_by"], r["cases_rows"]) for r in log] == [
        ("1", "2019-03", "current", "mary.manager", "4")]  # written as text: no grey "None" (issue 17 #7)
    at = open_page("pages/summary.py", at)
    assert not at.exception
    assert card_value(at, "Referrals received") == "3"
    assert not [w for w in at.warning if "Demo mode" in w.value]


def test_rolling_back_a_month_restores_the_version_before(paths):
    _, real = paths
    with setup.open_database(real) as con:
        ingest.ingest_bytes(con, GOOD, "first.xlsx", user="mary.manager")
        ingest.ingest_bytes(con, march([case("R-1", D(2019, 3, 4))], []), "second.xlsx", user="mary.manager")
    at = open_page("pages/upload.py", signed_in_manager(real))
    assert at.selectbox(key="rollback_month").value == "2019-03"
    at.button(key="rollback-2").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Rolled back 2019-03: upload 2 withdrawn, upload 1 is current again."]
    log = table_with(at, "upload_id")
    assert [(r["upload_id"], r["state"], r["rolled_back_by"]) for r in log] == [
        ("2", "rolled back", "mary.manager"), ("1", "current", "—")]


def kpi_targets_csv(demo) -> str:
    """The demo's KPI targets and the number of audit entries, read beside the app's own connection."""
    con = duckdb.connect(str(demo))
    try:
        return reference.to_csv(con, KPI_TARGETS) + str(con.execute("SELECT count(*) FROM audit_log").fetchall())
    finally:
        con.close()


def test_a_settings_edit_with_a_bad_value_is_refused_and_changes_nothing(paths):
    demo, _ = paths
    before = kpi_targets_csv(demo)
    at = open_page("pages/settings.py")
    # The first row is median_days_to_contact (rows are sorted): make its measure one that is not graded,
    # and give the third (outcome_cope_rate) a negative amber band, typed in points as the page asks.
    at.session_state["edit-kpi_targets-0"] = {"edited_rows": {0: {"measure": "referrals_received"},
                                                              2: {"amber_band": -10}},
                                              "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="save-kpi_targets").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "**Not saved.** 2 problems in the KPI targets table: fix them and try again. Nothing has changed."]
    # Columns named as the editor heads them, the value as it was typed.
    assert html_table_with(at, "Problem") == [
        {"Row": "1", "Column": "Measure", "Value": "referrals_received",
         "Problem": "is not the name of a graded measure (such as timely_contact_rate or voice_captured_rate)"},
        {"Row": "3", "Column": "Amber band", "Value": "-10", "Problem": "must not be negative"},
    ]
    assert kpi_targets_csv(demo) == before


def test_a_good_settings_edit_is_saved(paths):
    demo, _ = paths
    at = open_page("pages/settings.py")
    at.session_state["edit-kpi_targets-0"] = {"edited_rows": {0: {"target": 3}}, "added_rows": [],
                                              "deleted_rows": []}
    at.run()
    at.button(key="save-kpi_targets").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Saved kpi_targets: 11 rows (edited on the Settings page)."]
    assert "median_days_to_contact,3,lower,1\n" in kpi_targets_csv(demo)


def test_the_csv_import_refuses_a_target_for_a_measure_that_is_not_graded():
    """The same check guards `python -m metrics settings import` (metrics.reference.read_csv)."""
    content = b"measure,target,better,amber_band\nreferrals_received,30,higher,5\ntimely_contact_rate,0.9,higher,0.1\n"
    with pytest.raises(Rejected) as caught:
        reference.read_csv(KPI_TARGETS, content, "kpi_targets.csv")
    assert [p.as_dict() for p in caught.value.problems] == [
        {"file": "kpi_targets.csv", "sheet": "kpi_targets", "row": 2, "column": "measure",
         "value": "referrals_received",
         "problem": "is not the name of a graded measure (such as timely_contact_rate or voice_captured_rate)"}]


def test_the_commissioner_sees_data_quality_for_the_demo_year(paths):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["kept_role"] = "commissioner"
    at.run()
    at = open_page("pages/data_quality.py", at)
    assert not at.exception and not at.error
    assert [(m.label, m.value) for m in at.metric] == [
        ("Months loaded", "13"), ("Months missing", "0"), ("Returns late", "1"), ("Cases vanished", "0"),
        ("Spend lines without a grant", "0")]
    late = [row for row in table_with(at, "status") if row["status"] != "on time"]
    assert [(row["reporting_month"], row["status"], row["days_after_month_end"]) for row in late] == [
        ("2019-01", "late", "27")]
    assert not at.download_button  # the backup download is for the manager only


def test_the_page_offers_next_months_return_pre_filled(paths):
    at = open_page("pages/upload.py")
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == [
        "Download the blank template (.xlsx)", "Download next month's return, pre-filled (2019-07, .xlsx)"]
    assert any(c.value.startswith("Every case open at the end of 2019-06, with its latest values") for c in at.caption)


def test_the_preview_shows_what_was_read_as_noted_and_asks_for_a_doubtful_date_to_be_confirmed(paths):
    # 65 where 65+ was typed (a note), and submitted on 4 December for March: 12 April the other way round.
    content = march([case("R-1", D(2019, 3, 4), age_band=65)], [], submitted=D(2019, 12, 4))
    _, real = paths
    setup.open_database(real).close()  # a real database: the demo loads nothing, so it asks nothing
    at = open_page("pages/upload.py", signed_in_manager(real))
    at.file_uploader[0].set_value(("2019-03.xlsx", content, XLSX)).run()
    assert not at.exception and not at.error
    assert [i.value for i in at.info if "noted" in i.value] == [
        "**Read as noted below**: nothing to do unless a note is wrong."]
    assert [w.value for w in at.warning if "dates" in w.value] == [
        "**Check these dates before you confirm**: they may have been read the wrong way round."]
    notes, checks = (d.value.to_dict("records") for d in at.dataframe if "problem" in d.value.columns)
    assert [(n["sheet"], n["row"], n["column"], n["value"]) for n in notes] == [("Cases", 2, "age_band", "65")]
    assert [(c["sheet"], c["row"], c["column"], c["value"]) for c in checks] == [
        ("About", 5, "submitted_on", "2019-12-04")]
    [confirm] = [b for b in at.button if b.label.startswith("Confirm")]
    assert confirm.disabled  # until the manager says the date is right
    [tick] = at.checkbox
    assert tick.label == "I have checked the dates above: they are right"
    tick.check().run()
    [confirm] = [b for b in at.button if b.label.startswith("Confirm")]
    assert not confirm.disabled


def test_the_preview_names_the_cases_open_the_month_before_that_the_return_leaves_out(paths):
    from openpyxl import load_workbook

    february = load_workbook(ROOT / "sample_data" / "returns" / "2019-02.xlsx")["Cases"]
    header = [c.value for c in february[1]]
    still_open = sorted(row[0] for row in february.iter_rows(min_row=2, values_only=True)
                        if row[0] and row[header.index("closed_date")] is None)
    _, real = paths
    with setup.open_database(real) as con:
        ingest.ingest_paths(con, [ROOT / "sample_data" / "returns" / "2019-02.xlsx"], user="mary.manager")
    at = open_page("pages/upload.py", signed_in_manager(real))
    at.file_uploader[0].set_value(("2019-03.xlsx", GOOD, XLSX)).run()  # none of February's cases
    assert not at.exception and not at.error
    assert [w.value for w in at.warning if "not in this return" in w.value] == [
        f"{len(still_open)} case(s) open at the end of the month before are not in this return: a case open at any "
        "time in the month needs its row (give a closed case its closed_date and closure_reason rather than "
        "deleting it), or it stays open as last listed."]
    assert [r["case_ref"] for r in table_with(at, "last_listed")] == still_open and len(still_open) > 3


def test_any_file_type_is_taken_and_one_that_is_no_return_is_refused_saying_how_to_save_it(paths):
    at = open_page("pages/upload.py")
    assert at.get("file_uploader")[0].proto.type == []  # any type: the checks, not the browser, refuse it
    at.file_uploader[0].set_value([("march.xls", b"\xd0\xcf\x11\xe0", "application/vnd.ms-excel"),
                                   ("Cases.csv", b"case_ref\nR-1\n", "text/csv")]).run()
    assert [(r["File"], r["Problem"]) for r in html_table_with(at, "Problem")] == [
        ("march.xls", "is not an Excel workbook (.xlsx): " + SAVE_AS_XLSX),
        ("Cases.csv", "is one CSV file, and a return has four sheets: put About.csv, Cases.csv, Activity.csv and "
                      "Spend.csv in one .zip and upload that, or " + SAVE_AS_XLSX)]
def test_a_settings_csv_refused_on_the_page_is_audited_once(paths):
    demo, _ = paths

    def targets_and_refusals():
        with duckdb.connect(str(demo)) as con:
            return reference.to_csv(con, KPI_TARGETS), con.execute(
                "SELECT actor, action, detail FROM audit_log WHERE action = 'settings file rejected'").fetchall()

    targets, _ = targets_and_refusals()
    at = open_page("pages/settings.py")
    bad = b"measure,target,better,amber_band\ntimely_contact_rate,1,sideways,0\n"
    at.file_uploader(key="csv-kpi_targets-0").set_value(("kpi_targets.csv", bad, "text/csv")).run()
    at.run()  # a rerun that still holds the file audits nothing more
    assert not at.exception
    assert [e.value for e in at.error][-1:] == [
        "**Not saved.** 1 problem in kpi\\_targets\\.csv: fix it and try again. Nothing has changed."]
    assert targets_and_refusals() == (
        targets, [("demo manager", "settings file rejected", "kpi_targets.csv: 1 problem(s)")])
