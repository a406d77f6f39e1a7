"""The preview of an upload, worked out by hand on a small history.

Loaded: January (A-1 and A-2 open, A-3 closed) and February (A-1 and A-4 open), every optional
field of A-1 and A-4 filled in; A-2 has no first contact yet.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from workbooks import TEST_SERVICE as SERVICE
from workbooks import case_row as case
from workbooks import month_return as workbook
from workbooks import spend_row as spend

from metrics.admin import setup
from metrics.contract import ACTIVITY_MEASURES, Problem
from metrics.returns import ingest, preview
from metrics.returns.file_checks import SAVE_AS_XLSX
from metrics.store import loading

D = dt.date


JANUARY = workbook("2019-01", D(2019, 2, 10), [
    case("A-1", D(2019, 1, 5), full=True),
    case("A-2", D(2019, 1, 10), support_level="Specialist"),
    case("A-3", D(2019, 1, 20), full=True, closed_date=D(2019, 1, 28), closure_reason="Support completed"),
], [spend("Salary", "Advocate salary", 2000), spend("On-costs", "Travel", 500)])
FEBRUARY = workbook("2019-02", D(2019, 3, 8), [
    case("A-1", D(2019, 1, 5), full=True),
    case("A-4", D(2019, 2, 3), full=True),
], [spend("Salary", "Advocate salary", 2000), spend("On-costs", "Travel", 300)])
MARCH = workbook("2019-03", D(2019, 4, 8), [
    case("A-1", D(2019, 1, 5), full=True),
    case("A-2", D(2019, 1, 10), full=True),
    case("A-4", D(2019, 2, 3), full=True, closed_date=D(2019, 3, 15), closure_reason="Disengaged"),
], [spend("Salary", "Advocate salary", 2000)])
APRIL = workbook("2019-04", D(2019, 5, 8), [
    case("A-1", D(2019, 1, 5), full=True, closed_date=D(2019, 4, 20), closure_reason="Support completed"),
    case("A-2", D(2019, 1, 10), first_contact_date=D(2019, 1, 11), support_level="Specialist"),
    case("A-5", D(2019, 4, 2), full=True),
], [spend("Salary", "Advocate salary", 2100), spend("On-costs", "Travel refund", -20)])
FEBRUARY_AGAIN = workbook("2019-02", D(2019, 3, 20), [  # A-1's support changes, A-4 dropped, A-6 added
    case("A-1", D(2019, 1, 5), full=True, support_level="Specialist"),
    case("A-6", D(2019, 2, 20), full=True),
], [spend("Salary", "Advocate salary", 2000), spend("On-costs", "Travel", 350)], count=2)


def load(path, *files: tuple[str, bytes]):
    connection = setup.open_database(path)
    for name, content in files:
        ingest.ingest_bytes(connection, content, name, user="tester")
    return connection


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """January and February loaded; previews only read, so the tests share it."""
    connection = load(tmp_path_factory.mktemp("preview") / "preview.duckdb",
                      ("2019-01.xlsx", JANUARY), ("2019-02.xlsx", FEBRUARY))
    yield connection
    connection.close()


def checked(con, name: str, content: bytes):
    result = preview.check_file(con, name, content)
    assert not isinstance(result, list), result
    return result


def cases(result: dict) -> list[dict]:
    """The case changes as plain rows: dates as ISO text, blanks as None."""
    frame = result["cases"][["case_ref", "change", "listed_in", "listed_before", "referral_date", "closed_date",
                             "closure_recorded", "changed", "detail"]]
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{k: v.strftime("%Y-%m-%d") if isinstance(v, pd.Timestamp) else v for k, v in row.items()} for row in rows]


def test_a_new_month_shows_new_and_updated_cases_and_closures(con):
    result = preview.preview(con, [checked(con, "2019-04.xlsx", APRIL)])
    assert result["counts"] == {"files": 1, "replacing": 0, "new_cases": 1, "updated_cases": 2,
                                "no_longer_listed": 0, "closures_recorded": 1, "left_out": 0, "spend_lines": 2,
                                "spend_total": 2080.0}
    assert cases(result) == [
        {"case_ref": "A-1", "change": "updated", "listed_in": "2019-04", "listed_before": "2019-02",
         "referral_date": "2019-01-05", "closed_date": "2019-04-20", "closure_recorded": True,
         "changed": "closed_date, closure_reason",
         "detail": "closed_date: blank → 2019-04-20; closure_reason: blank → Support completed"},
        {"case_ref": "A-2", "change": "updated", "listed_in": "2019-04", "listed_before": "2019-01",
         "referral_date": "2019-01-10", "closed_date": None, "closure_recorded": False,
         "changed": "first_contact_date", "detail": "first_contact_date: blank → 2019-01-11"},
        {"case_ref": "A-5", "change": "new", "listed_in": "2019-04", "listed_before": None,
         "referral_date": "2019-04-02", "closed_date": None, "closure_recorded": False, "changed": None,
         "detail": None},
    ]
    [file] = result["files"]
    assert file == {"file": "2019-04.xlsx", "service": SERVICE, "reporting_month": "2019-04",
                    "submitted_on": D(2019, 5, 8), "prepared_by": "Test", "cases_rows": 3, "spend_lines": 2,
                    "spend_total": 2080.0, "replaces": None, "same_file": False, "commentary_rows": 0,
                    "voices_rows": 0}
    assert result["spend"].to_dict("records") == [
        {"file": "2019-04.xlsx", "reporting_month": "2019-04", "row": 2, "budget_line": "Salary",
         "detail": "Advocate salary", "amount_gbp": 2100.0, "grant": None},
        {"file": "2019-04.xlsx", "reporting_month": "2019-04", "row": 3, "budget_line": "On-costs",
         "detail": "Travel refund", "amount_gbp": -20.0, "grant": None},
    ]
    activity = result["activity"]
    assert list(activity["measure"]) == [label for _, label in ACTIVITY_MEASURES]
    assert list(activity["count"]) == [1] * 7 and activity["loaded_now"].isna().all()


def test_replacing_a_month_names_the_upload_and_the_cases_it_drops(con):
    result = preview.preview(con, [checked(con, "2019-02 corrected.xlsx", FEBRUARY_AGAIN)])
    assert result["counts"] == {"files": 1, "replacing": 1, "new_cases": 1, "updated_cases": 1,
                                "no_longer_listed": 1, "closures_recorded": 0, "left_out": 1, "spend_lines": 2,
                                "spend_total": 2350.0}
    assert cases(result) == [
        {"case_ref": "A-1", "change": "updated", "listed_in": "2019-02", "listed_before": "2019-02",
         "referral_date": "2019-01-05", "closed_date": None, "closure_recorded": False, "changed": "support_level",
         "detail": "support_level: Short-term → Specialist"},
        {"case_ref": "A-4", "change": "no longer listed", "listed_in": None, "listed_before": "2019-02",
         "referral_date": "2019-02-03", "closed_date": None, "closure_recorded": False, "changed": None,
         "detail": None},
        {"case_ref": "A-6", "change": "new", "listed_in": "2019-02", "listed_before": None,
         "referral_date": "2019-02-20", "closed_date": None, "closure_recorded": False, "changed": None,
         "detail": None},
    ]
    # January lists A-2 open and February (either version) leaves it out (issue 16: named before loading).
    assert result["left_out"].to_dict("records") == [
        {"file": "2019-02 corrected.xlsx", "reporting_month": "2019-02", "case_ref": "A-2",
         "referral_date": D(2019, 1, 10), "last_listed": "2019-01"}]
    replaced = result["files"][0]["replaces"]
    assert {k: replaced[k] for k in ("upload_id", "file_name", "uploaded_by", "spend_total")} == {
        "upload_id": 2, "file_name": "2019-02.xlsx", "uploaded_by": "tester", "spend_total": 2300.0}
    assert result["files"][0]["same_file"] is False
    assert list(result["activity"]["count"]) == [2] * 7 and list(result["activity"]["loaded_now"]) == [1] * 7


def test_the_very_same_file_again_changes_no_case(con):
    result = preview.preview(con, [checked(con, "copy of February.xlsx", FEBRUARY)])
    assert result["files"][0]["same_file"] is True
    assert result["files"][0]["replaces"]["upload_id"] == 2
    assert result["cases"].empty
    assert result["counts"]["new_cases"] == result["counts"]["updated_cases"] == 0


def test_a_batch_is_previewed_as_a_whole_with_the_latest_month_winning(con):
    result = preview.preview(con, [checked(con, "2019-04.xlsx", APRIL), checked(con, "2019-03.xlsx", MARCH)])
    assert [f["reporting_month"] for f in result["files"]] == ["2019-03", "2019-04"]
    assert result["counts"] == {"files": 2, "replacing": 0, "new_cases": 1, "updated_cases": 3,
                                "no_longer_listed": 0, "closures_recorded": 2, "left_out": 0, "spend_lines": 3,
                                "spend_total": 4080.0}
    assert [(row["case_ref"], row["listed_in"], row["changed"]) for row in cases(result)] == [
        ("A-1", "2019-04", "closed_date, closure_reason"),
        ("A-2", "2019-04", "first_contact_date"),
        ("A-4", "2019-03", "closed_date, closure_reason"),
        ("A-5", "2019-04", None),
    ]


def test_the_preview_writes_nothing(con):
    def written():
        return con.execute("SELECT (SELECT count(*) FROM uploads), (SELECT count(*) FROM audit_log)").fetchall()

    before = written()
    preview.preview(con, [checked(con, "2019-04.xlsx", APRIL)])
    assert written() == before
    assert "preview_incoming" not in {r[0] for r in con.execute("SHOW TABLES").fetchall()}


def test_two_files_for_one_month_are_a_problem(con):
    batch = [checked(con, "2019-02.xlsx", FEBRUARY), checked(con, "feb copy.xlsx", FEBRUARY_AGAIN)]
    assert preview.batch_problems(batch) == [
        Problem("feb copy.xlsx", "About", None, "reporting_month", "2019-02",
                "is also the month of 2019-02.xlsx: upload one return per month")]


def test_check_file_lists_problems_instead_of_raising(con):
    assert preview.check_file(con, "return.pdf", b"%PDF") == [
        Problem("return.pdf", "", None, "", "", "is not an Excel workbook (.xlsx): " + SAVE_AS_XLSX)]
    bad = workbook("2019-04", D(2019, 5, 8), [case("A-9", D(2019, 4, 2), gender="F")], [])
    assert [p.as_dict() for p in preview.check_file(con, "bad.xlsx", bad)] == [
        {"file": "bad.xlsx", "sheet": "Cases", "row": 2, "column": "gender", "value": "F",
         "problem": "is not one of: Female, Male, Other / not stated"}]


def test_rollback_choices_name_the_upload_withdrawn_and_the_one_restored(tmp_path):
    connection = load(tmp_path / "rollback.duckdb", ("2019-01.xlsx", JANUARY), ("2019-02.xlsx", FEBRUARY),
                      ("2019-02 corrected.xlsx", FEBRUARY_AGAIN))
    try:
        choices = preview.rollback_choices(connection, SERVICE)
        assert choices[["reporting_month", "withdraw_upload", "withdraw_file", "withdraw_uploaded_by",
                        "restore_upload", "restore_file"]].to_dict("records") == [
            {"reporting_month": "2019-02", "withdraw_upload": 3, "withdraw_file": "2019-02 corrected.xlsx",
             "withdraw_uploaded_by": "tester", "restore_upload": 2, "restore_file": "2019-02.xlsx"}]
        loading.rollback(connection, "2019-02", SERVICE, user="tester")
        assert preview.rollback_choices(connection, SERVICE).empty
    finally:
        connection.close()
