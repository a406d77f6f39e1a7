"""Next month's return, pre-filled (issue 16): the cases open at the end of the latest loaded month carried with
their latest values, changed by the manager where they changed, and previewed case by case.

The history: March 2019 lists A-1, A-2 (closed 20 March), A-3 and A-6; April lists A-1 (now contacted, Specialist),
A-3 (closed 15 April) and the new A-4, and leaves A-6 out. Open at the end of April, in referral order: A-1 as in
April, A-6 as in March (its latest snapshot, which the caseload measure counts too) and A-4.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from workbooks import TEST_SERVICE, month_return
from workbooks import case_row as case
from workbooks import spend_row as spend

from metrics.admin import setup
from metrics.cli import run
from metrics.contract import ACTIVITY_MEASURES, CASES, Rejected
from metrics.returns import ingest, prefill, preview

D = dt.date
A1_APRIL = case("A-1", D(2019, 3, 4), first_contact_date=D(2019, 3, 5), support_level="Specialist")
A6_MARCH = case("A-6", D(2019, 3, 12), exploitation_type="Not yet known")
A4_APRIL = case("A-4", D(2019, 4, 2), age_band="65+", nationality_group="EU/EEA")
MARCH = month_return("2019-03", D(2019, 4, 5), [
    case("A-1", D(2019, 3, 4)),
    case("A-2", D(2019, 3, 5), closed_date=D(2019, 3, 20), closure_reason="Support completed"),
    case("A-3", D(2019, 3, 10), age_band="65+"),
    A6_MARCH,
], [spend("Salary", "Advocate salary", 2166.67)])
APRIL = month_return("2019-04", D(2019, 5, 3), [
    A1_APRIL,
    case("A-3", D(2019, 3, 10), age_band="65+", closed_date=D(2019, 4, 15), closure_reason="Disengaged"),
    A4_APRIL,
], [spend("Salary", "Advocate salary", 2166.67)])


@pytest.fixture
def db(empty_db):
    """empty_db with March and April loaded."""
    con = setup.open_database(empty_db)
    try:
        for month, content in (("2019-03", MARCH), ("2019-04", APRIL)):
            ingest.ingest_bytes(con, content, f"{month}.xlsx", user="tester")
    finally:
        con.close()
    return empty_db


def sheets(content: bytes) -> dict[str, list]:
    """About and Activity as (field, value) pairs, Cases as each row's filled cells, Spend as its rows."""
    book = load_workbook(io.BytesIO(content))

    def value(cell):
        return cell.value.date() if isinstance(cell.value, dt.datetime) else cell.value

    def pairs(name):
        return [(row[0].value, value(row[1])) for row in book[name].iter_rows(min_row=2)]

    header = CASES.names  # (and not the template's marker beside the table in row 2,000)
    cases = [{name: value(c) for name, c in zip(header, row) if value(c) is not None}
             for row in book["Cases"].iter_rows(min_row=2, max_col=len(header))]
    spend_rows = [[value(c) for c in row] for row in book["Spend"].iter_rows(min_row=2, max_col=4)]
    return {"About": pairs("About"), "Activity": pairs("Activity"), "Cases": [c for c in cases if c],
            "Spend": [r for r in spend_rows if any(v is not None for v in r)]}


def prefilled(db, *args) -> bytes:
    path = db.parent / "next.xlsx"
    assert run(["template", str(path), "--prefill", "--db", str(db), *args]) == 0
    return path.read_bytes()


def test_the_command_writes_next_months_return_with_every_case_open_at_the_end_of_the_latest(db, capsys):
    content = prefilled(db)
    path = db.parent / "next.xlsx"
    assert capsys.readouterr().out == (
        f"Wrote the return for 2019-05 to {path}, pre-filled with the 3 cases open at the end of 2019-04\n")
    assert sheets(content) == {
        "About": [("service", TEST_SERVICE), ("reporting_month", "2019-05"), ("prepared_by", "Test"),
                  ("submitted_on", None)],  # the new month's own, like Activity and Spend
        "Activity": [(name, None) for name, _ in ACTIVITY_MEASURES],
        "Cases": [A1_APRIL, A6_MARCH, A4_APRIL],  # not A-2 (closed in March) nor A-3 (closed in April)
        "Spend": [],
    }


def test_the_carried_cells_keep_the_templates_formats_and_drop_downs(db):
    book = load_workbook(io.BytesIO(prefilled(db)))
    cases = book["Cases"]
    assert cases.freeze_panes == "A2"
    assert cases["B2"].number_format == "yyyy-mm-dd" and cases["F4"].value == "65+"
    assert cases["F4"].number_format == "@"  # Text: a 65+ retyped stays 65+
    assert len(cases.data_validations.dataValidation) == 21


def test_a_later_month_may_be_named_and_one_not_after_the_latest_is_refused(db, capsys):
    assert dict(sheets(prefilled(db, "--month", "2019-07"))["About"])["reporting_month"] == "2019-07"
    capsys.readouterr()
    assert run(["template", str(db.parent / "x.xlsx"), "--prefill", "--month", "2019-04", "--db", str(db)]) == 1
    assert capsys.readouterr().err == (
        "Error: 2019-04 is not after the latest month loaded, 2019-04: a pre-filled return carries the cases open "
        "at the end of 2019-04 into a later month (to correct a loaded month, upload its return again)\n")
    assert not (db.parent / "x.xlsx").exists()


def test_with_no_return_loaded_there_is_nothing_to_prefill(empty_db, capsys):
    assert run(["template", str(empty_db.parent / "x.xlsx"), "--prefill", "--db", str(empty_db)]) == 1
    assert capsys.readouterr().err == "Error: no returns are loaded yet\n"
    con = setup.open_database(empty_db)
    try:
        assert prefill.prefill_month(con) is None
    finally:
        con.close()


def filled_in(content: bytes, change=None) -> bytes:
    """The pre-filled return with the new month's own facts filled in (and `change(workbook)` made)."""
    book = load_workbook(io.BytesIO(content))
    book["About"]["B5"] = D(2019, 6, 4)
    for row in book["Activity"].iter_rows(min_row=2):
        row[1].value = 2
    if change:
        change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def previewed(db, content: bytes) -> dict:
    con = setup.open_database(db)
    try:
        checked = ingest.check_return(content, "2019-05.xlsx", con)
        assert (checked.notes, checked.to_confirm) == ([], [])
        return preview.preview(con, [checked])
    finally:
        con.close()


def test_uploaded_unchanged_it_changes_no_case(db):
    result = previewed(db, filled_in(prefilled(db)))
    assert {k: result["counts"][k] for k in ("new_cases", "updated_cases", "no_longer_listed", "closures_recorded")
            } == {"new_cases": 0, "updated_cases": 0, "no_longer_listed": 0, "closures_recorded": 0}
    assert result["cases"].empty


def test_uploaded_as_written_it_is_refused_for_the_months_own_facts_alone(db):
    # Carrying April's activity counts would load them as May's if the manager forgot: refused instead.
    with pytest.raises(Rejected) as caught:
        ingest.check_return(prefilled(db), "2019-05.xlsx")
    assert [(p.sheet, p.row, p.column, p.problem) for p in caught.value.problems] == [
        ("About", 5, "submitted_on", "is required"),
        *(("Activity", row, name, "is required") for row, (name, _) in enumerate(ACTIVITY_MEASURES, start=2)),
    ]


def test_the_preview_lists_what_changed_since_the_previous_month_case_by_case(db):
    def change(book):
        cases = book["Cases"]
        cases["N2"], cases["O2"], cases["P2"] = D(2019, 5, 20), "Support completed", "Improved"  # A-1 closed
        cases["D3"] = "Labour"  # A-6's exploitation now known
        for column, value in case("A-7", D(2019, 5, 7)).items():  # a new referral
            cases.cell(row=5, column=[c.value for c in cases[1]].index(column) + 1, value=value)

    result = previewed(db, filled_in(prefilled(db), change))
    rows = result["cases"][["case_ref", "change", "listed_in", "listed_before", "changed", "detail"]]
    assert rows.astype(object).where(rows.notna(), None).to_dict("records") == [
        {"case_ref": "A-1", "change": "updated", "listed_in": "2019-05", "listed_before": "2019-04",
         "changed": "closed_date, closure_reason, outcome_safer",
         "detail": "closed_date: blank → 2019-05-20; closure_reason: blank → Support completed; "
                   "outcome_safer: blank → Improved"},
        {"case_ref": "A-6", "change": "updated", "listed_in": "2019-05", "listed_before": "2019-03",
         "changed": "exploitation_type", "detail": "exploitation_type: Not yet known → Labour"},
        {"case_ref": "A-7", "change": "new", "listed_in": "2019-05", "listed_before": None, "changed": None,
         "detail": None},
    ]
    counts = result["counts"]
    assert (counts["new_cases"], counts["updated_cases"], counts["closures_recorded"]) == (1, 2, 1)


def test_a_case_open_last_month_whose_row_is_deleted_is_named_in_the_preview(db):
    # Deleting A-1's row instead of closing it would leave A-1 open for ever, as April listed it.
    result = previewed(db, filled_in(prefilled(db), lambda book: book["Cases"].delete_rows(2)))
    assert result["counts"]["left_out"] == 1
    assert result["left_out"].to_dict("records") == [
        {"file": "2019-05.xlsx", "reporting_month": "2019-05", "case_ref": "A-1", "referral_date": D(2019, 3, 4),
         "last_listed": "2019-04"}]
    assert previewed(db, filled_in(prefilled(db)))["counts"]["left_out"] == 0


def test_a_case_left_out_is_named_against_the_month_before_in_the_same_batch(empty_db):
    # March and April uploaded together: April leaves out A-6, which March lists open.
    con = setup.open_database(empty_db)
    try:
        checked = [ingest.check_return(content, f"{m}.xlsx", con) for m, content in (("2019-03", MARCH),
                                                                                    ("2019-04", APRIL))]
        result = preview.preview(con, checked)
    finally:
        con.close()
    assert result["left_out"][["reporting_month", "case_ref", "last_listed"]].to_dict("records") == [
        {"reporting_month": "2019-04", "case_ref": "A-6", "last_listed": "2019-03"}]
