"""Ingest of the monthly return: every rule of the contract, file checks, loading, replacing and rollback."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
import workbooks

from metrics.admin import setup
from metrics.contract import Rejected
from metrics.returns import ingest
from metrics.store import loading, logs

FILE = "2019-03.xlsx"
NOT_A_DATE = "is not a date (use a date cell, YYYY-MM-DD or DD/MM/YYYY)"
SERIAL = (
    "is a number, not a date: if it is 4 February 2019, format the cell as a date (Excel: Format Cells > Date; "
    "LibreOffice: Format > Cells > Date) and upload it again"
)
SAVE_AS = (
    "save it as an Excel workbook: in Excel, File > Save As > 'Excel Workbook (*.xlsx)'; in LibreOffice, "
    "File > Save As > 'Excel 2007-365 (.xlsx)' (or keep LibreOffice's own .ods)"
)
NO_GRANT_IN_JULY = "has no grant in the budget covering 2019-07: add it in Settings first"
BAD_REF = "is not a valid reference: use only letters, digits, '-' and '/', at most 30 characters, never a name"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """A database holding the valid March 2019 return, shared by the tests that only get rejections."""
    connection = setup.open_database(tmp_path_factory.mktemp("ingest") / "rejections.duckdb")
    ingest.ingest_bytes(connection, workbooks.xlsx(workbooks.valid_return()), FILE, user="setup")
    yield connection
    connection.close()


@pytest.fixture
def fresh(empty_db):
    """A connection to a new database: default reference data, no returns."""
    connection = setup.open_database(empty_db)
    yield connection
    connection.close()


def rejected(con, content: bytes, file: str = FILE) -> list[str]:
    """Ingest a workbook that must be rejected; check that no table changed; return its problems as lines."""
    before = workbooks.database_state(con)
    with pytest.raises(Rejected) as caught:
        ingest.ingest_bytes(con, content, file, user="tester")
    assert workbooks.database_state(con) == before
    return [str(problem) for problem in caught.value.problems]


def changed(change) -> bytes:
    """The valid return with `change(data)` applied, as .xlsx bytes."""
    data = workbooks.valid_return()
    change(data)
    return workbooks.xlsx(data)


def case(index: int, **values):
    """A change setting cells of data['cases'][index] (spreadsheet row index + 2)."""
    return lambda data: data["cases"][index].update(values)


def _delete(part: str, key: str):
    return lambda data: data[part].pop(key)


def _set(part: str, key: str, value):
    return lambda data: data[part].__setitem__(key, value)


def _spend(index: int, **values):
    return lambda data: data["spend"][index].update(values)


def _both(*changes):
    def change(data):
        for one in changes:
            one(data)

    return change


CELL_RULES = {
    # Required cells.
    "required code": (case(0, referral_source=None), ["Cases row 2, column referral_source: is required"]),
    "required date": (case(2, referral_date=None), ["Cases row 4, column referral_date: is required"]),
    "two blank case_refs are not duplicates": (
        _both(case(0, case_ref=None), case(1, case_ref="  ")),
        ["Cases row 2, column case_ref: is required", "Cases row 3, column case_ref: is required"],
    ),
    "required spend detail": (_spend(0, detail=None), ["Spend row 2, column detail: is required"]),
    "required spend amount": (_spend(1, amount_gbp=None), ["Spend row 3, column amount_gbp: is required"]),
    "blank activity count": (
        _set("activity", "partnership_meetings", None),
        ["Activity row 2, column partnership_meetings: is required"],
    ),
    # Codes.
    "unknown code": (
        case(0, gender="Man"),
        ["Cases row 2, column gender: 'Man' is not one of: Female, Male, Other / not stated"],
    ),
    "unknown optional code": (
        case(1, outcome_safer="Better"),
        ["Cases row 3, column outcome_safer: 'Better' is not one of: Improved, No change, Not known"],
    ),
    "unknown budget line": (
        _spend(1, budget_line="Travel"),
        ["Spend row 3, column budget_line: 'Travel' is not one of: Salary, On-costs"],
    ),
    # Dates.
    "impossible date": (
        case(0, referral_date="31/02/2019"),
        [f"Cases row 2, column referral_date: '31/02/2019' {NOT_A_DATE}"],
    ),
    "day and month swapped": (  # read as a UK date, 3 April, so it is after the end of March
        case(0, referral_date="03/04/2019 ", first_contact_date=None),
        ["Cases row 2, column referral_date: '03/04/2019' is after the end of the reporting month"],
    ),
    "text for a date": (
        case(2, referral_date="last Tuesday"),
        [f"Cases row 4, column referral_date: 'last Tuesday' {NOT_A_DATE}"],
    ),
    # A date serial in a General cell (issue 16): 43500 is 4 February 2019 (day 1 is 1 January 1900).
    "number for a date": (case(2, referral_date=43500), [f"Cases row 4, column referral_date: '43500' {SERIAL}"]),
    "month-day-year date": (
        case(2, referral_date="12/31/2018"),
        [f"Cases row 4, column referral_date: '12/31/2018' {NOT_A_DATE}"],
    ),
    "date before 2000": (
        case(2, referral_date=dt.date(1999, 12, 31)),
        ["Cases row 4, column referral_date: '1999-12-31' is before 2000-01-01"],
    ),
    "referral after month end": (
        case(2, referral_date=dt.date(2019, 4, 1)),
        ["Cases row 4, column referral_date: '2019-04-01' is after the end of the reporting month"],
    ),
    "first contact before referral": (
        case(0, first_contact_date=dt.date(2019, 3, 3)),
        ["Cases row 2, column first_contact_date: '2019-03-03' is before referral_date"],
    ),
    "first contact after month end": (
        case(0, first_contact_date="2019-04-02"),
        ["Cases row 2, column first_contact_date: '2019-04-02' is after the end of the reporting month"],
    ),
    "closed before referral": (
        case(1, closed_date=dt.date(2019, 2, 10)),
        ["Cases row 3, column closed_date: '2019-02-10' is before referral_date"],
    ),
    "closed after month end": (
        case(1, closed_date=dt.date(2019, 4, 1)),
        ["Cases row 3, column closed_date: '2019-04-01' is after the end of the reporting month"],
    ),
    "closed without a reason": (
        case(1, closure_reason=None),
        ["Cases row 3, column closure_reason: is required when closed_date is set"],
    ),
    "reason without closed_date": (
        case(0, closure_reason="Disengaged"),
        ["Cases row 2, column closure_reason: 'Disengaged' is given but closed_date is blank"],
    ),
    # Case references.
    "duplicate case_ref, any case": (
        case(2, case_ref="cg-1903-001"),
        [
            "Cases row 2, column case_ref: 'CG-1903-001' appears more than once in the sheet",
            "Cases row 4, column case_ref: 'cg-1903-001' appears more than once in the sheet",
        ],
    ),
    "case_ref with a space": (
        case(0, case_ref="CG 1903 001"),
        [f"Cases row 2, column case_ref: 'CG 1903 001' {BAD_REF}"],
    ),
    "a name as case_ref": (case(1, case_ref="Jane Doe"), [f"Cases row 3, column case_ref: 'Jane Doe' {BAD_REF}"]),
    "case_ref too long": (case(2, case_ref="X" * 31), [f"Cases row 4, column case_ref: '{'X' * 31}' {BAD_REF}"]),
    # Activity.
    "activity not whole": (
        _set("activity", "training_sessions", 2.5),
        ["Activity row 3, column training_sessions: '2.5' is not a whole number of 0 or more"],
    ),
    "activity negative": (
        _set("activity", "awareness_events", -1),
        ["Activity row 5, column awareness_events: '-1' is not a whole number of 0 or more"],
    ),
    "activity text": (
        _set("activity", "third_party_reports", "three"),
        ["Activity row 7, column third_party_reports: 'three' is not a whole number of 0 or more"],
    ),
    "activity missing": (
        _delete("activity", "policy_contributions"),
        ["Activity, column policy_contributions: is missing: add a row with measure 'policy_contributions'"],
    ),
    "activity unknown measure": (
        _set("activity", "coffee_mornings", 2),
        ["Activity row 9, column measure: 'coffee_mornings' is not a known measure"],
    ),
    # About.
    "about missing field": (
        _delete("about", "prepared_by"),
        ["About, column prepared_by: is missing: add a row with field 'prepared_by'"],
    ),
    "about blank service": (_set("about", "service", None), ["About row 2, column service: is required"]),
    "about month in words": (
        _set("about", "reporting_month", "March 2019"),
        ["About row 3, column reporting_month: 'March 2019' is not a month (use YYYY-MM)"],
    ),
    "about month 13": (
        _set("about", "reporting_month", "2019-13"),
        ["About row 3, column reporting_month: '2019-13' is not a month (use YYYY-MM)"],
    ),
    "about month as a mid-month date": (
        _set("about", "reporting_month", dt.date(2019, 3, 15)),
        ["About row 3, column reporting_month: '2019-03-15' is not a month (use YYYY-MM)"],
    ),
    "about bad submitted_on": (
        _set("about", "submitted_on", "soon"),
        [f"About row 5, column submitted_on: 'soon' {NOT_A_DATE}"],
    ),
    "about unknown field": (
        _set("about", "colour", "blue"),
        ["About row 6, column field: 'colour' is not a known field"],
    ),
    # Spend.
    "negative spend not a refund": (
        _spend(1, amount_gbp=-12.5),
        ["Spend row 3, column amount_gbp: '-12.5' is negative but detail does not say it is a refund"],
    ),
    "spend not an amount": (
        _spend(0, amount_gbp="lots"),
        ["Spend row 2, column amount_gbp: 'lots' is not an amount in pounds"],
    ),
    "unknown grant": (
        _spend(0, grant="Extension 2019-20"),
        ["Spend row 2, column grant: 'Extension 2019-20' is not a grant of Salary in 2019-03: Pilot 2018-19"],
    ),
    "spend in a month no grant covers": (
        _set("about", "reporting_month", "2019-07"),
        [
            f"Spend row 2, column budget_line: 'Salary' {NO_GRANT_IN_JULY}",
            f"Spend row 3, column budget_line: 'On-costs' {NO_GRANT_IN_JULY}",
        ],
    ),
}


@pytest.mark.parametrize("change, expected", list(CELL_RULES.values()), ids=list(CELL_RULES))
def test_a_broken_rule_is_rejected_naming_file_sheet_row_column_and_value(con, change, expected):
    assert rejected(con, changed(change)) == [f"{FILE}: {line}" for line in expected]


def test_the_example_message_names_the_spreadsheet_row(con):
    data = workbooks.valid_return()
    for n in range(4, 14):
        data["cases"].append(dict(data["cases"][2], case_ref=f"CG-1812-{n:03d}"))
    data["cases"][12]["referral_date"] = "31/02/2019"
    assert rejected(con, workbooks.xlsx(data)) == [
        "2019-03.xlsx: Cases row 14, column referral_date: '31/02/2019' is not a date "
        "(use a date cell, YYYY-MM-DD or DD/MM/YYYY)"
    ]


def test_every_problem_is_reported_at_once_in_sheet_order(con):
    data = workbooks.valid_return()
    data["about"]["submitted_on"] = "soon"
    data["cases"][0]["gender"] = "Man"
    data["cases"][0]["first_contact_date"] = "05/13/2019"
    data["cases"][1]["closed_date"] = dt.date(2019, 4, 1)
    data["cases"][2]["case_ref"] = "Jane Doe"
    data["activity"]["training_sessions"] = 2.5
    del data["activity"]["awareness_events"]
    data["spend"][1]["amount_gbp"] = -5
    assert rejected(con, workbooks.xlsx(data)) == [
        f"2019-03.xlsx: About row 5, column submitted_on: 'soon' {NOT_A_DATE}",
        "2019-03.xlsx: Cases row 2, column gender: 'Man' is not one of: Female, Male, Other / not stated",
        f"2019-03.xlsx: Cases row 2, column first_contact_date: '05/13/2019' {NOT_A_DATE}",
        "2019-03.xlsx: Cases row 3, column closed_date: '2019-04-01' is after the end of the reporting month",
        f"2019-03.xlsx: Cases row 4, column case_ref: 'Jane Doe' {BAD_REF}",
        "2019-03.xlsx: Activity row 3, column training_sessions: '2.5' is not a whole number of 0 or more",
        "2019-03.xlsx: Activity, column awareness_events: is missing: add a row with measure 'awareness_events'",
        "2019-03.xlsx: Spend row 3, column amount_gbp: '-5' is negative but detail does not say it is a refund",
    ]


def test_a_problem_is_structured_for_the_dashboard(con):
    with pytest.raises(Rejected) as caught:
        ingest.check_return(changed(case(0, referral_date="31/02/2019")), FILE, con)
    assert [p.as_dict() for p in caught.value.problems] == [
        {
            "file": FILE,
            "sheet": "Cases",
            "row": 2,
            "column": "referral_date",
            "value": "31/02/2019",
            "problem": NOT_A_DATE,
        }
    ]


def test_a_rejection_is_recorded_in_the_audit_log_only(fresh):
    rejected(fresh, changed(case(0, gender="Man")))
    assert fresh.execute("SELECT actor, action, detail FROM audit_log WHERE action LIKE 'upload%'").fetchall() == [
        ("tester", "upload rejected", "2019-03.xlsx: 1 problem(s)")
    ]


# Structure of the workbook: sheets and headers.
def _rename(sheet: str, cell: str, value: str):
    return lambda wb: wb[sheet].__setitem__(cell, value)


STRUCTURE_RULES = {
    "missing sheet": (lambda wb: wb.remove(wb["Activity"]), ["Activity: sheet is missing"]),
    "two missing sheets": (
        lambda wb: (wb.remove(wb["About"]), wb.remove(wb["Spend"])),
        ["About: sheet is missing", "Spend: sheet is missing"],
    ),
    "missing sheet beside a bad cell": (
        lambda wb: (wb.remove(wb["Activity"]), wb["Cases"].__setitem__("B2", "31/02/2019")),
        [f"Cases row 2, column referral_date: '31/02/2019' {NOT_A_DATE}", "Activity: sheet is missing"],
    ),
    "missing column": (
        lambda wb: wb["Cases"].delete_cols(2),
        ["Cases row 1, column referral_date: column is missing from the header row"],
    ),
    "duplicate header": (_rename("Cases", "W1", "Gender"), ["Cases row 1, column gender: heads more than one column"]),
    "header problem and cell problem together": (
        lambda wb: (wb["Spend"].cell(1, 2, "Budget Line"), wb["Cases"].__setitem__("B2", "31/02/2019")),
        [
            f"Cases row 2, column referral_date: '31/02/2019' {NOT_A_DATE}",
            "Spend row 1, column budget_line: heads more than one column",
            "Spend row 1, column detail: column is missing from the header row",
        ],
    ),
    "empty Cases sheet": (lambda wb: wb["Cases"].delete_rows(1, 10), ["Cases row 1: header row is missing"]),
    "About without its header": (
        _rename("About", "A1", "name"),
        ["About row 1: 'name | value' header should be 'field' and 'value'"],
    ),
    "Activity with one column": (
        lambda wb: wb["Activity"].delete_cols(2),
        ["Activity row 1: needs two columns headed 'measure' and 'count'"],
    ),
    "duplicate activity measure": (
        lambda wb: wb["Activity"].append(["training_sessions", 3]),
        ["Activity row 9, column measure: 'training_sessions' appears more than once"],
    ),
    "value without a field": (
        lambda wb: wb["About"].append([None, "something"]),
        ["About row 6, column field: is blank but a value is given"],
    ),
}


@pytest.mark.parametrize("edit, expected", list(STRUCTURE_RULES.values()), ids=list(STRUCTURE_RULES))
def test_a_broken_structure_is_rejected(con, edit, expected):
    content = workbooks.edit_xlsx(workbooks.xlsx(workbooks.valid_return()), edit)
    assert rejected(con, content) == [f"{FILE}: {line}" for line in expected]


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


VALID = workbooks.xlsx(workbooks.valid_return())
NOT_A_WORKBOOK = {
    "CSV renamed .xlsx": (b"case_ref,referral_date\nCG-1,2019-03-04\n", "is not an Excel workbook (.xlsx): " + SAVE_AS),
    "empty file": (b"", "is empty"),
    "zip of something else": (
        _zip({"notes.txt": b"hello"}),
        "is a zip file but not an Excel workbook (.xlsx), nor CSV files of the return's sheets: " + SAVE_AS,
    ),
    "truncated workbook": (VALID[: len(VALID) // 2], "is damaged or incomplete: it cannot be opened as a workbook"),
    "old .xls or protected": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        "is password-protected or an old .xls workbook: remove any password and " + SAVE_AS,
    ),
    "zip with a fake workbook part": (
        _zip({"xl/workbook.xml": b"not xml", "[Content_Types].xml": b"<x/>"}),
        "cannot be read as a workbook (CalamineError)",
    ),
    "over the size limit": (b"PK" + b"\0" * (20 * 1024 * 1024 - 1), "is 20.1 MB; the limit is 20 MB"),
}


@pytest.mark.parametrize("content, message", list(NOT_A_WORKBOOK.values()), ids=list(NOT_A_WORKBOOK))
def test_what_is_not_a_workbook_gets_a_clear_message(con, content, message):
    assert rejected(con, content) == [f"{FILE}: {message}"]


def test_a_file_over_the_limit_is_refused_before_it_is_read(con, tmp_path):
    big = tmp_path / "big.xlsx"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    before = workbooks.database_state(con)
    with pytest.raises(Rejected) as caught:
        ingest.ingest_paths(con, [big, tmp_path / "missing.xlsx"])
    assert [str(p) for p in caught.value.problems] == [
        "big.xlsx: is 21.0 MB; the limit is 20 MB",
        "missing.xlsx: cannot be read: No such file or directory",
    ]
    assert workbooks.database_state(con) == before


def test_one_bad_file_in_a_batch_loads_none(fresh, tmp_path):
    good, bad = tmp_path / "2019-03.xlsx", tmp_path / "2019-04.xlsx"
    good.write_bytes(VALID)
    bad.write_bytes(changed(_both(_set("about", "reporting_month", "2019-04"), case(0, gender="Man"))))
    before = workbooks.database_state(fresh)
    with pytest.raises(Rejected) as caught:
        ingest.ingest_paths(fresh, [good, bad])
    assert [str(p) for p in caught.value.problems] == [
        "2019-04.xlsx: Cases row 2, column gender: 'Man' is not one of: Female, Male, Other / not stated"
    ]
    assert workbooks.database_state(fresh) == before


# What is accepted.
def _edited(edit) -> bytes:
    return workbooks.edit_xlsx(VALID, edit)


def _case_values(checked, column: str) -> list:
    return checked.cases.column(column).to_pylist()


def test_uk_and_iso_text_dates_are_accepted(con):
    checked = ingest.check_return(
        changed(
            _both(
                case(0, referral_date="04/03/2019", first_contact_date="2019-03-05"), case(2, referral_date="3/12/2018")
            )
        ),
        FILE,
        con,
    )
    assert _case_values(checked, "referral_date") == [dt.date(2019, 3, 4), dt.date(2019, 2, 11), dt.date(2018, 12, 3)]
    assert _case_values(checked, "first_contact_date") == [dt.date(2019, 3, 5), dt.date(2019, 2, 12), None]


def test_the_first_day_of_2000_and_a_month_typed_as_a_date_are_accepted(con):
    checked = ingest.check_return(
        changed(
            _both(case(2, referral_date=dt.date(2000, 1, 1)), _set("about", "reporting_month", dt.date(2019, 3, 1)))
        ),
        FILE,
        con,
    )
    assert _case_values(checked, "referral_date")[2] == dt.date(2000, 1, 1)
    assert checked.about["reporting_month"] == "2019-03"


def test_codes_match_case_insensitively_and_are_kept_canonical(con):
    checked = ingest.check_return(
        changed(
            _both(
                case(0, referral_source="  police ", gender="MALE", nrm_status="referred to nrm"),
                case(1, closure_reason="support COMPLETED", outcome_cope="no change"),
                _spend(1, budget_line="on-costs"),
            )
        ),
        FILE,
        con,
    )
    assert _case_values(checked, "referral_source") == ["Police", "Self-referral", "Local authority"]
    assert _case_values(checked, "gender") == ["Male", "Female", "Other / not stated"]
    assert _case_values(checked, "nrm_status")[0] == "Referred to NRM"
    assert _case_values(checked, "closure_reason") == [None, "Support completed", None]
    assert _case_values(checked, "outcome_cope") == [None, "No change", None]
    assert checked.spend.column("budget_line").to_pylist() == ["Salary", "On-costs"]


def test_amounts_refunds_and_whole_numbers_in_other_forms_are_accepted(con):
    checked = ingest.check_return(
        changed(
            _both(
                _spend(0, amount_gbp="£2,166.67"),
                _spend(1, amount_gbp=-12.5, detail="Travel REFUND (cancelled course)"),
                _set("activity", "training_sessions", "2.0"),
            )
        ),
        FILE,
        con,
    )
    assert checked.spend.column("amount_gbp").to_pylist() == [Decimal("2166.67"), Decimal("-12.50")]
    assert checked.activity["training_sessions"] == 2


def test_headers_match_ignoring_case_spaces_and_underscores(con):
    def rename(wb):
        wb["Cases"]["B1"] = "Referral Date"
        wb["Cases"]["C1"] = " REFERRAL_SOURCE "
        wb["Cases"]["J1"] = "Duty To Notify"
        wb["Spend"]["C1"] = "AmountGBP"
        wb["About"]["A1"] = "Field"
        wb["Activity"]["B1"] = "COUNT"
        wb["Cases"].title = "renamed"  # in two steps: openpyxl would make 'Cases' -> 'cases' into 'cases1'
        wb["renamed"].title = "cases"

    checked = ingest.check_return(_edited(rename), FILE, con)
    assert _case_values(checked, "referral_date") == [dt.date(2019, 3, 4), dt.date(2019, 2, 11), dt.date(2018, 12, 3)]
    assert _case_values(checked, "duty_to_notify") == ["No", "Yes", "Not applicable"]
    assert checked.spend.column("amount_gbp").to_pylist() == [Decimal("2166.67"), Decimal("120.50")]


def test_an_optional_column_may_be_left_out(con):
    checked = ingest.check_return(_edited(lambda wb: wb["Cases"].delete_cols(22)), FILE, con)
    assert _case_values(checked, "voice_captured") == [None, None, None]


def test_blank_rows_in_the_middle_are_ignored_and_rows_keep_their_numbers(con):
    data = workbooks.valid_return()
    data["cases"][1:1] = [{}, {"case_ref": "   "}]
    data["spend"].insert(1, {})
    checked = ingest.check_return(workbooks.xlsx(data), FILE, con)
    assert checked.cases.column("_row").to_pylist() == [2, 5, 6]
    assert checked.spend.column("_row").to_pylist() == [2, 4]
    data["cases"][4]["gender"] = "Man"
    assert rejected(con, workbooks.xlsx(data)) == [
        "2019-03.xlsx: Cases row 6, column gender: 'Man' is not one of: Female, Male, Other / not stated"
    ]


def test_a_month_shared_by_two_grants_needs_the_grant(fresh, tmp_path):
    from metrics.admin import reference

    budget = tmp_path / "budget.csv"
    budget.write_text(
        "grant,budget_line,amount_gbp,start_date,end_date\n"
        "Pilot 2018-19,Salary,26000,2018-06-13,2019-06-13\n"
        "Pilot 2018-19,On-costs,8000,2018-06-13,2019-06-13\n"
        "Extension 2019-20,Salary,27000,2019-03-14,2020-03-13\n"
        "Extension 2019-20,On-costs,8000,2019-03-14,2020-03-13\n"
    )
    reference.import_files(fresh, [budget])
    assert rejected(fresh, VALID) == [
        "2019-03.xlsx: Spend row 2, column grant: is required: 2019-03 is shared by grants Extension 2019-20 and "
        "Pilot 2018-19",
        "2019-03.xlsx: Spend row 3, column grant: is required: 2019-03 is shared by grants Extension 2019-20 and "
        "Pilot 2018-19",
    ]
    ingest.ingest_bytes(
        fresh, changed(_both(_spend(0, grant="pilot 2018-19"), _spend(1, grant="Extension 2019-20"))), FILE
    )
    sql = 'SELECT budget_line, amount_gbp, "grant" FROM spend_charged ORDER BY row_number'
    assert fresh.execute(sql).fetchall() == [
        ("Salary", Decimal("2166.67"), "Pilot 2018-19"),
        ("On-costs", Decimal("120.50"), "Extension 2019-20"),
    ]


# Loading, replacing and rolling back.
CASE_COLUMNS = "case_ref, referral_date, referral_source, first_contact_date, closed_date, closure_reason"
MARCH_CASES = [
    ("CG-1812-003", dt.date(2018, 12, 3), "Local authority", None, None, None),
    (
        "CG-1902-002",
        dt.date(2019, 2, 11),
        "Self-referral",
        dt.date(2019, 2, 12),
        dt.date(2019, 3, 20),
        "Support completed",
    ),
    ("CG-1903-001", dt.date(2019, 3, 4), "Police", dt.date(2019, 3, 5), None, None),
]


def _month_figures(con, month: str = "2019-03") -> dict:
    """What the measures read for a month: its cases, activity and spend."""
    return {
        "cases": con.execute(
            f"SELECT {CASE_COLUMNS} FROM case_snapshots WHERE reporting_month = ? ORDER BY case_ref", [month]
        ).fetchall(),
        "activity": dict(
            con.execute("SELECT measure, count FROM activity_counts WHERE reporting_month = ?", [month]).fetchall()
        ),
        "spend": con.execute(
            "SELECT sum(amount_gbp), count(*) FROM spend_charged WHERE reporting_month = ?", [month]
        ).fetchall(),
    }


def _report_figures(con) -> tuple:
    """March's caseload at month end, victims supported and estimated saving, as the report gives them."""
    from metrics.answers.report import report
    from metrics.periods import Period

    result = report(con, Period("2019-03", "2019-03"))
    return result["caseload_end"], result["victims_supported"], result["estimated_saving"]


def _log(con) -> list[tuple]:
    frame = logs.upload_log(con)
    columns = ["upload_id", "file_name", "reporting_month", "cases_rows", "activity_rows", "spend_rows", "state"]
    return [tuple(row) for row in frame[columns].itertuples(index=False)]


def test_a_valid_month_loads_with_its_upload_log(fresh):
    before = dt.datetime.now().replace(microsecond=0)
    loaded = ingest.ingest_bytes(fresh, VALID, FILE, user="manager")
    assert loaded == {
        "upload_id": 1,
        "service": "Connect Gwent MSHT Advocate",
        "reporting_month": "2019-03",
        "replaced_upload_id": None,
        "file": FILE,
        "cases_rows": 3,
        "spend_rows": 2,
        "notes": [],
        "to_confirm": [],
    }
    assert _month_figures(fresh) == {
        "cases": MARCH_CASES,
        "activity": workbooks.valid_return()["activity"],
        "spend": [(Decimal("2287.17"), 2)],
    }
    log = logs.upload_log(fresh).to_dict("records")[0]
    assert before <= log.pop("uploaded_at").to_pydatetime() <= dt.datetime.now()
    assert {k: v for k, v in log.items() if k not in ("replaced_upload_id", "rolled_back_at")} == {
        "upload_id": 1,
        "uploaded_by": "manager",
        "file_name": FILE,
        "sha256": hashlib.sha256(VALID).hexdigest(),
        "service": "Connect Gwent MSHT Advocate",
        "reporting_month": "2019-03",
        "cases_rows": 3,
        "activity_rows": 7,
        "spend_rows": 2,
        "state": "current",
        "rolled_back_by": None,
    }
    assert fresh.execute("SELECT prepared_by, submitted_on FROM uploads").fetchall() == [
        ("Connect Gwent manager", dt.date(2019, 4, 8))
    ]


def test_codes_are_stored_canonically(fresh):
    ingest.ingest_bytes(fresh, changed(case(0, referral_source="POLICE", support_level="short-TERM")), FILE)
    assert fresh.execute(
        "SELECT referral_source, support_level FROM case_snapshots WHERE case_ref = 'CG-1903-001'"
    ).fetchall() == [("Police", "Short-term")]


def test_loading_a_month_again_replaces_it_and_rollback_restores_it(fresh):
    ingest.ingest_bytes(fresh, VALID, FILE, user="manager")
    # open at month end: CG-1903-001 and CG-1812-003; supported: those with a first contact; £2,287.17 x 3.35
    assert _report_figures(fresh) == (2, 2, 7662.02)
    correction = workbooks.valid_return()
    del correction["cases"][2]
    correction["cases"][0]["referral_source"] = "Health"
    correction["activity"]["training_sessions"] = 9
    correction["spend"][1]["amount_gbp"] = 99.5
    loaded = ingest.ingest_bytes(fresh, workbooks.xlsx(correction), "2019-03 corrected.xlsx", user="manager")
    assert loaded["upload_id"] == 2
    assert loaded["replaced_upload_id"] == 1
    assert _month_figures(fresh) == {
        "cases": [MARCH_CASES[1], ("CG-1903-001", dt.date(2019, 3, 4), "Health", dt.date(2019, 3, 5), None, None)],
        "activity": correction["activity"],
        "spend": [(Decimal("2266.17"), 2)],
    }
    assert fresh.execute("SELECT count(*), count(DISTINCT case_ref) FROM case_snapshots").fetchall() == [(2, 2)]
    assert _report_figures(fresh) == (1, 2, 7591.67)  # CG-1812-003 gone; £2,266.17 x 3.35
    assert _log(fresh) == [
        (2, "2019-03 corrected.xlsx", "2019-03", 2, 7, 2, "current"),
        (1, FILE, "2019-03", 3, 7, 2, "replaced"),
    ]

    assert loading.rollback(fresh, "2019-03", user="manager") == {
        "service": "Connect Gwent MSHT Advocate",
        "reporting_month": "2019-03",
        "withdrawn": 2,
        "current": 1,
    }
    assert _month_figures(fresh) == {
        "cases": MARCH_CASES,
        "activity": workbooks.valid_return()["activity"],
        "spend": [(Decimal("2287.17"), 2)],
    }
    assert _report_figures(fresh) == (2, 2, 7662.02)
    assert _log(fresh) == [
        (2, "2019-03 corrected.xlsx", "2019-03", 2, 7, 2, "rolled back"),
        (1, FILE, "2019-03", 3, 7, 2, "current"),
    ]
    with pytest.raises(loading.NothingToRollBack, match="^Connect Gwent MSHT Advocate 2019-03 has no earlier version"):
        loading.rollback(fresh, "2019-03")


def test_rollback_without_an_earlier_version_is_refused(fresh):
    ingest.ingest_bytes(fresh, VALID, FILE)
    before = workbooks.database_state(fresh)
    with pytest.raises(loading.NothingToRollBack) as caught:
        loading.rollback(fresh, "2019-03")
    assert str(caught.value) == "Connect Gwent MSHT Advocate 2019-03 has no earlier version to go back to"
    with pytest.raises(loading.NothingToRollBack) as caught:
        loading.rollback(fresh, "2019-04")
    assert str(caught.value) == "Connect Gwent MSHT Advocate has no return loaded for 2019-04"
    assert workbooks.database_state(fresh) == before


def test_another_month_is_kept_beside_the_first(fresh):
    ingest.ingest_bytes(fresh, VALID, FILE)
    ingest.ingest_bytes(fresh, changed(_set("about", "reporting_month", "2019-04")), "2019-04.xlsx")
    sql = "SELECT reporting_month, count(*) FROM case_snapshots GROUP BY ALL ORDER BY ALL"
    assert fresh.execute(sql).fetchall() == [
        ("2019-03", 3),
        ("2019-04", 3),
    ]
    assert fresh.execute("SELECT count(*) FROM cases_latest").fetchall() == [(3,)]


def test_a_case_ref_typed_in_another_case_is_the_same_case_next_month(fresh):
    ingest.ingest_bytes(fresh, VALID, FILE)
    april = workbooks.valid_return(month="2019-04")
    april["cases"][0].update(case_ref="cg-1903-001", support_level="Specialist")
    ingest.ingest_bytes(fresh, workbooks.xlsx(april), "2019-04.xlsx")
    assert fresh.execute(
        "SELECT case_ref, reporting_month, support_level FROM cases_latest WHERE case_ref LIKE 'CG-1903%'"
    ).fetchall() == [("CG-1903-001", "2019-04", "Specialist")]
