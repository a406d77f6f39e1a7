"""Data quality on a small hand-built history: months late or missing, vanished cases, blanks, unresolved spend.

The fixture: returns for January, February and April 2019 (March is missing).
    A-1  referred 5 Jan, open; listed in January, February and April
    A-2  referred 10 Jan, open; listed in January, absent from February, listed again in April: vanished
    A-3  referred 20 Jan, closed 28 Jan; listed in January only (closed: not vanished)
    A-4  referred 3 Feb, open; listed in February only (March is not loaded, so it is not flagged)
    A-5  referred 2 Apr, open; listed in April
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from workbooks import TEST_SERVICE as SERVICE
from workbooks import case_row as case
from workbooks import month_return as workbook
from workbooks import spend_row as spend

from metrics.admin import reference, setup
from metrics.answers import quality
from metrics.contract import BUDGET
from metrics.returns import ingest
from metrics.store import loading, marts

D = dt.date


RETURNS = {
    "2019-01": workbook("2019-01", D(2019, 2, 10), [
        case("A-1", D(2019, 1, 5), first_contact_date=D(2019, 1, 6)),  # support and intelligence blank
        case("A-2", D(2019, 1, 10), support_level="Specialist"),  # first contact and intelligence blank
        case("A-3", D(2019, 1, 20), full=True, closed_date=D(2019, 1, 28), closure_reason="Support completed",
             outcome_safer="Improved", outcome_cope="No change", outcome_informed="No change",
             outcome_access="No change", outcome_justice="No change", voice_captured="Yes"),  # health blank
    ], [spend("Salary", "Advocate salary", 2000, "Pilot 2018-19"), spend("On-costs", "Travel", 500)]),
    "2019-02": workbook("2019-02", D(2019, 3, 18), [  # 18 days after 28 February: late
        case("A-1", D(2019, 1, 5), full=True),
        case("A-4", D(2019, 2, 3), full=True),
    ], [spend("Salary", "Advocate salary", 2000), spend("On-costs", "Travel", 300)]),
    "2019-04": workbook("2019-04", D(2019, 5, 15), [  # exactly 15 days after: on time
        case("A-1", D(2019, 1, 5), full=True),
        case("A-2", D(2019, 1, 10), full=True),
        case("A-5", D(2019, 4, 2), full=True),
    ], [spend("Salary", "Advocate salary", 2100), spend("On-costs", "Travel refund", -20)]),
}

# After loading, the budget changes: the pilot is renamed, its on-costs end in January, and a
# bridging grant shares April's salary.
NEW_BUDGET = (b"grant,budget_line,amount_gbp,start_date,end_date\n"
              b"Pilot,Salary,26000,2018-06-13,2019-06-13\n"
              b"Pilot,On-costs,8000,2018-06-13,2019-01-31\n"
              b"Bridge,Salary,1000,2019-04-01,2019-04-30\n")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """The three returns loaded into a new database, then the budget changed under them."""
    connection = setup.open_database(tmp_path_factory.mktemp("quality") / "quality.duckdb")
    for month, content in RETURNS.items():
        ingest.ingest_bytes(connection, content, f"{month}.xlsx", user="tester")
    reference.replace_table(connection, BUDGET, reference.read_csv(BUDGET, NEW_BUDGET, "budget.csv"), "tester")
    yield connection
    connection.close()


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict]:
    """Rows as plain values: dates as ISO text, blanks as None, numbers rounded to 4 places."""
    def plain(value):
        if isinstance(value, pd.Timestamp | dt.date):
            return value.strftime("%Y-%m-%d")
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return None
        return round(float(value), 4) if isinstance(value, float) else value
    return [{k: plain(v) for k, v in row.items()} for row in frame[columns or list(frame.columns)].to_dict("records")]


def test_months_show_the_late_return_and_the_missing_month(con):
    assert records(quality.months(con, SERVICE), ["reporting_month", "status", "submitted_on",
                                                   "days_after_month_end", "upload_id", "file_name"]) == [
        {"reporting_month": "2019-01", "status": "on time", "submitted_on": "2019-02-10", "days_after_month_end": 10,
         "upload_id": 1, "file_name": "2019-01.xlsx"},
        {"reporting_month": "2019-02", "status": "late", "submitted_on": "2019-03-18", "days_after_month_end": 18,
         "upload_id": 2, "file_name": "2019-02.xlsx"},
        {"reporting_month": "2019-03", "status": "missing", "submitted_on": None, "days_after_month_end": None,
         "upload_id": None, "file_name": None},
        {"reporting_month": "2019-04", "status": "on time", "submitted_on": "2019-05-15", "days_after_month_end": 15,
         "upload_id": 3, "file_name": "2019-04.xlsx"},
    ]


def test_a_case_open_in_one_return_and_absent_from_the_next_has_vanished(con):
    assert records(quality.vanished_cases(con, SERVICE)) == [
        {"case_ref": "A-2", "referral_date": "2019-01-10", "last_listed": "2019-01", "missing_from": "2019-02",
         "listed_again": "2019-04"},
    ]


def test_vanished_cases_are_refused_to_the_partnership(con):
    with pytest.raises(PermissionError):
        quality.vanished_cases(con, SERVICE, audience="partnership")
    assert "vanished" not in quality.overview(con, SERVICE, audience="partnership")


def test_blanks_by_month_count_closure_fields_over_closed_rows(con):
    assert quality.blank_fields() == ["first_contact_date", "support_level", "intelligence_shared", "outcome_safer",
                                      "outcome_health", "outcome_cope", "outcome_informed", "outcome_access",
                                      "outcome_justice", "voice_captured"]
    closure_blank = dict.fromkeys(marts.AT_CLOSURE)
    assert records(quality.optional_blanks(con, SERVICE)) == [
        {"reporting_month": "2019-01", "cases": 3, "closed": 1, "first_contact_date": round(1 / 3, 4),
         "support_level": round(1 / 3, 4), "intelligence_shared": round(2 / 3, 4), "outcome_safer": 0.0,
         "outcome_health": 1.0, "outcome_cope": 0.0, "outcome_informed": 0.0, "outcome_access": 0.0,
         "outcome_justice": 0.0, "voice_captured": 0.0},
        {"reporting_month": "2019-02", "cases": 2, "closed": 0, "first_contact_date": 0.0, "support_level": 0.0,
         "intelligence_shared": 0.0, **closure_blank},
        {"reporting_month": "2019-04", "cases": 3, "closed": 0, "first_contact_date": 0.0, "support_level": 0.0,
         "intelligence_shared": 0.0, **closure_blank},
    ]


def test_spend_lines_whose_grant_no_longer_resolves_say_why(con):
    assert records(quality.unresolved_spend(con, SERVICE)) == [
        {"reporting_month": "2019-01", "sheet_row": 2, "budget_line": "Salary", "detail": "Advocate salary",
         "amount_gbp": 2000.0, "grant_entered": "Pilot 2018-19",
         "problem": "the grant named is not one of this line's grants covering the month"},
        {"reporting_month": "2019-02", "sheet_row": 3, "budget_line": "On-costs", "detail": "Travel",
         "amount_gbp": 300.0, "grant_entered": None, "problem": "no grant of this budget line covers the month"},
        {"reporting_month": "2019-04", "sheet_row": 2, "budget_line": "Salary", "detail": "Advocate salary",
         "amount_gbp": 2100.0, "grant_entered": None,
         "problem": "the month is shared by 2 grants and the row names none"},
        {"reporting_month": "2019-04", "sheet_row": 3, "budget_line": "On-costs", "detail": "Travel refund",
         "amount_gbp": -20.0, "grant_entered": None, "problem": "no grant of this budget line covers the month"},
    ]


def test_overview_counts(con):
    assert quality.overview(con, SERVICE) == {
        "first_month": "2019-01", "latest_month": "2019-04", "loaded": 3, "missing": 1, "late": 1,
        "unresolved_spend": 4, "late_after_days": 15, "vanished": 1,
    }


def test_a_replaced_month_is_judged_by_its_current_version(tmp_path):
    """February uploaded again, now listing A-2: nothing vanishes; rolled back, A-2 vanishes again."""


    connection = setup.open_database(tmp_path / "replaced.duckdb")
    try:
        for month, content in RETURNS.items():
            ingest.ingest_bytes(connection, content, f"{month}.xlsx", user="tester")
        february = workbook("2019-02", D(2019, 3, 5), [case("A-1", D(2019, 1, 5), full=True),
                                                       case("A-2", D(2019, 1, 10), full=True),
                                                       case("A-4", D(2019, 2, 3), full=True)],
                            [spend("Salary", "Advocate salary", 2000)])
        ingest.ingest_bytes(connection, february, "2019-02 corrected.xlsx", user="tester")
        assert quality.vanished_cases(connection, SERVICE).empty
        assert records(quality.months(connection, SERVICE), ["reporting_month", "status", "upload_id"])[1] == {
            "reporting_month": "2019-02", "status": "on time", "upload_id": 4}
        loading.rollback(connection, "2019-02", SERVICE, user="tester")
        assert list(quality.vanished_cases(connection, SERVICE)["case_ref"]) == ["A-2"]
    finally:
        connection.close()
