"""What real programs and people make of the return (issue 16), without a spreadsheet program: ISO date
cells, 65+ turned into 65, a total row under Spend, columns the manager adds, one CSV per sheet, settings
CSVs from Excel on Windows, and messages that help. (LibreOffice and Gnumeric themselves: test_real_clients.)

The return is workbooks.valid_return(): March 2019, cases on rows 2 to 4 (CG-1902-002 on row 3 closed on
20 March as Support completed), spend lines Salary 2,166.67 and On-costs 120.50 (2,287.17) on rows 2 and 3.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
import workbooks
from ods_files import return_rows

from metrics.admin import reference, setup
from metrics.cli import run
from metrics.contract import BUDGET, Rejected
from metrics.returns import ingest, preview

D = dt.date
FILE = "2019-03.xlsx"
VALID = workbooks.xlsx(workbooks.valid_return())
SAVE_AS = (
    "save it as an Excel workbook: in Excel, File > Save As > 'Excel Workbook (*.xlsx)'; in LibreOffice, "
    "File > Save As > 'Excel 2007-365 (.xlsx)' (or keep LibreOffice's own .ods)"
)
NOT_A_DATE = "is not a date (use a date cell, YYYY-MM-DD or DD/MM/YYYY)"
CHECK = "if they are right, confirm the upload; if not, correct them (YYYY-MM-DD reads the same everywhere)"


def returned(data: dict | None = None, edit=None) -> bytes:
    content = workbooks.xlsx(data or workbooks.valid_return())
    return workbooks.edit_xlsx(content, edit) if edit else content


def changed(**changes) -> dict:
    """valid_return() with changes: cases=(index, field, value), spend_row=dict, about=(field, value)."""
    data = workbooks.valid_return()
    if "cases" in changes:
        index, field, value = changes["cases"]
        data["cases"][index][field] = value
    if "spend_row" in changes:
        data["spend"].append(changes["spend_row"])
    if "about" in changes:
        data["about"][changes["about"][0]] = changes["about"][1]
    return data


def problems(content: bytes, file: str = FILE) -> list[str]:
    with pytest.raises(Rejected) as caught:
        ingest.check_return(content, file)
    return [str(p) for p in caught.value.problems]


def same_rows(checked: ingest.CheckedReturn, wanted: ingest.CheckedReturn) -> bool:
    return (checked.about, checked.activity) == (wanted.about, wanted.activity) and checked.cases == wanted.cases \
        and checked.spend == wanted.spend


BASELINE = ingest.check_return(VALID, FILE)


# ISO date cells (t="d"): Excel's Strict save, SheetJS, openpyxl's iso_dates.


def test_iso_date_cells_load_as_the_same_dates():
    iso = workbooks.edit_xlsx(VALID, lambda wb: setattr(wb, "iso_dates", True))
    with zipfile.ZipFile(io.BytesIO(iso)) as archive:
        assert b'<c r="B2" s="1" t="d"><v>2019-03-04T00:00:00</v></c>' in archive.read("xl/worksheets/sheet2.xml")
    checked = ingest.check_return(iso, FILE)
    assert same_rows(checked, BASELINE) and checked.notes == checked.to_confirm == []


def test_an_iso_date_cell_with_a_time_is_its_day():
    data = changed(cases=(0, "first_contact_date", dt.datetime(2019, 3, 5, 14, 30)))
    checked = ingest.check_return(workbooks.edit_xlsx(returned(data), lambda wb: setattr(wb, "iso_dates", True)), FILE)
    assert checked.cases.column("first_contact_date").to_pylist()[0] == D(2019, 3, 5)


# A code a spreadsheet turned into a number.


def test_65_read_as_a_number_is_65_plus_with_a_note():
    checked = ingest.check_return(returned(changed(cases=(0, "age_band", 65))), FILE)
    assert checked.cases.column("age_band").to_pylist() == ["65+", "18-24", "Under 18"]
    assert [str(n) for n in checked.notes] == [
        "2019-03.xlsx: Cases row 2, column age_band: '65' read as '65+': a spreadsheet made the number 65 of it "
        "(the template's Text cells keep 65+ as typed)"
    ]


@pytest.mark.parametrize("number", [-65, 18, 24])
def test_a_number_that_is_no_code_is_still_refused(number):
    assert problems(returned(changed(cases=(0, "age_band", number)))) == [
        f"2019-03.xlsx: Cases row 2, column age_band: '{number}' is not one of: Under 18, 18-24, 25-34, 35-44, "
        "45-54, 55-64, 65+, Unknown"
    ]


# A total row under the Spend lines.

TOTAL_NOTE = (
    "2019-03.xlsx: Spend row 4, column amount_gbp: '2287.17' is a total of the 2 lines above (£2,287.17): left "
    "out, as it is not a line itself"
)


@pytest.mark.parametrize("total", [
    {"budget_line": "Total", "amount_gbp": 2287.17},  # what an Excel table's Total Row writes
    {"detail": "Total spend", "amount_gbp": 2287.17},
    {"amount_gbp": 2287.17},  # a bare sum under the amounts
    {"budget_line": "TOTAL", "detail": "total", "amount_gbp": "£2,287.17"},
], ids=["Total", "Total spend", "a bare sum", "text"])
def test_a_total_row_equal_to_the_lines_above_is_left_out_and_said_so(total):
    checked = ingest.check_return(returned(changed(spend_row=total)), FILE)
    assert checked.spend == BASELINE.spend
    assert [str(n).replace("'£2,287.17'", "'2287.17'") for n in checked.notes] == [TOTAL_NOTE]


def test_a_total_that_disagrees_is_refused_saying_what_the_lines_add_up_to():
    assert problems(returned(changed(spend_row={"budget_line": "Total", "amount_gbp": 2300}))) == [
        "2019-03.xlsx: Spend row 4, column amount_gbp: '2300' looks like a total row, but the lines above add up "
        "to £2,287.17: correct the total or delete the row (a total equal to the lines above is left out)"
    ]


def test_a_last_line_with_a_budget_line_is_a_line_not_a_total():
    checked = ingest.check_return(returned(changed(spend_row={"budget_line": "Salary", "detail": "Total",
                                                              "amount_gbp": 2287.17})), FILE)
    assert checked.spend.num_rows == 3 and checked.notes == []


def test_a_total_row_with_a_saved_formula_is_read_as_its_value():
    """Excel's table Total Row: 'Total' and =SUBTOTAL(109,...) with its saved result."""
    import hostile

    base = hostile.base_return()
    lines = sum(round(row["amount_gbp"] * 100) for row in base["spend"]) / 100

    def total_row(rows):
        formula = hostile.Raw(f'<c r="{{ref}}"><f>SUBTOTAL(109,C2:C5)</f><v>{lines}</v></c>')
        rows["Spend"].append(["Total", None, formula])

    checked = ingest.check_return(hostile.workbook(change=total_row), "total.xlsx")
    assert checked.spend.num_rows == len(base["spend"])
    assert [n.problem for n in checked.notes] == [
        f"is a total of the {len(base['spend'])} lines above (£{lines:,.2f}): left out, as it is not a line itself"]


# Columns the manager adds: ignored with a note, never stored.


def _with_notes(wb):
    wb["Cases"].cell(1, 23, "notes")
    wb["Cases"].cell(2, 23, "Jane Smith, and her sister Ann")
    wb["Cases"].cell(6, 23, "Ann Smith called back")  # a row with nothing but a note is no case
    wb["Spend"].cell(3, 7, "receipt from J. Smith")  # and a cell beside the table, with no header


def test_columns_the_manager_adds_are_ignored_with_a_note_naming_them():
    checked = ingest.check_return(returned(edit=_with_notes), FILE)
    assert same_rows(checked, BASELINE)
    assert [str(n) for n in checked.notes] == [
        "2019-03.xlsx: Cases row 1, column notes: is not a column of the return: it is ignored, and nothing in it "
        "is stored",
        "2019-03.xlsx: Spend, column G: has no header: it is ignored, and nothing in it (1 filled cell) is stored",
    ]


def test_what_is_typed_in_an_added_column_is_stored_nowhere_and_previewed_nowhere(tmp_path):
    con = setup.open_database(tmp_path / "notes.duckdb")
    try:
        checked = preview.check_file(con, FILE, returned(edit=_with_notes))
        shown = preview.preview(con, [checked])
        frames = " ".join(frame.to_csv() for frame in (shown["cases"], shown["spend"], shown["activity"]))
        assert "Smith" not in frames + repr(shown["files"]) + repr(shown["counts"]) + repr(checked)
        ingest.load_checked(con, checked, user="manager")
        tables = [name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        stored = [str(row) for name in tables for row in con.execute(f'SELECT * FROM "{name}"').fetchall()]
        assert len(stored) > 100 and not [row for row in stored if "Smith" in row]
    finally:
        con.close()


def test_a_misspelt_header_is_a_problem_not_a_silent_loss():
    assert problems(returned(edit=lambda wb: wb["Cases"].cell(1, 15, "closure reasons"))) == [
        "2019-03.xlsx: Cases row 1, column closure_reason: 'closure reasons' is not the column's name: rename the "
        "header closure_reason (its cells are not read until it is)"
    ]


# One CSV per sheet, in a zip (upload) or a folder (command line).


def csv_files(data: dict, encoding: str = "utf-8", delimiter: str = ",") -> dict[str, bytes]:
    """The return as About.csv, Cases.csv, Activity.csv and Spend.csv, dates as YYYY-MM-DD."""
    def text(rows):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
            ["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row] for row in rows)
        return buffer.getvalue().encode(encoding)

    return {f"{name}.csv": text(rows) for name, rows in return_rows(data).items()}


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_of_one_csv_per_sheet_checks_as_the_workbook_does():
    checked = ingest.check_return(zipped(csv_files(workbooks.valid_return())), "2019-03.zip")
    assert same_rows(checked, BASELINE) and checked.notes == checked.to_confirm == []


def test_csv_files_named_for_the_month_in_a_folder_of_the_zip_are_the_sheets():
    files = {f"March return/2019-03 {name}": content for name, content in csv_files(workbooks.valid_return()).items()}
    assert same_rows(ingest.check_return(zipped({**files, "March return/readme.txt": b"hi"}), "r.zip"), BASELINE)


def test_csv_in_windows_1252_with_semicolons_loads_its_pound_signs_and_dashes():
    data = changed(spend_row={"budget_line": "On-costs", "detail": "Travel – Caerdydd", "amount_gbp": "£1,234.50"})
    checked = ingest.check_return(zipped(csv_files(data, "cp1252", ";")), "2019-03.zip")
    assert checked.spend.to_pylist()[-1] == {"_row": 4, "budget_line": "On-costs", "detail": "Travel – Caerdydd",
                                             "amount_gbp": Decimal("1234.50"), "grant": None}


def test_a_zip_missing_a_sheet_says_which_csv_to_add():
    files = csv_files(workbooks.valid_return())
    del files["Activity.csv"]
    assert problems(zipped(files), "2019-03.zip") == ["2019-03.zip: Activity: sheet is missing: add Activity.csv"]


def test_the_command_line_ingests_a_folder_of_csv_files(tmp_path, empty_db, capsys):
    folder = tmp_path / "2019-03"
    folder.mkdir()
    for name, content in csv_files(workbooks.valid_return(), "utf-8-sig").items():
        (folder / name).write_bytes(content)
    assert run(["ingest", str(folder), "--db", str(empty_db), "--user", "manager"]) == 0
    assert capsys.readouterr().out == (
        "Loaded 2019-03: Connect Gwent MSHT Advocate 2019-03, 3 cases, 2 spend lines (upload 1)\n")


def test_one_csv_alone_is_refused_saying_how_to_send_a_return():
    assert [str(p) for p in preview.check_file(None, "Cases.csv", b"case_ref\n")] == [
        "Cases.csv: is one CSV file, and a return has four sheets: put About.csv, Cases.csv, Activity.csv and "
        "Spend.csv in one .zip and upload that, or " + SAVE_AS
    ]


# Settings CSVs as Excel saves them: UTF-8 with a byte-order mark ("CSV UTF-8"), or Windows-1252 ("CSV").

BUDGET_CSV = "grant,budget_line,amount_gbp,start_date,end_date\nPilot 2018–19 £,Salary,26000,2018-06-13,2019-06-13\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_settings_csv_reads_the_same_in_utf8_with_or_without_bom_and_in_windows_1252(encoding):
    typed = reference.read_csv(BUDGET, BUDGET_CSV.encode(encoding), "budget.csv")
    assert typed.column("grant").to_pylist() == ["Pilot 2018–19 £"]


# Messages that help.


def test_a_date_that_cannot_be_read_is_one_problem_not_two():
    assert problems(returned(changed(cases=(1, "closed_date", "31/02/2019")))) == [
        f"2019-03.xlsx: Cases row 3, column closed_date: '31/02/2019' {NOT_A_DATE}"]
    assert problems(returned(changed(cases=(1, "closed_date", "#REF!")))) == [
        "2019-03.xlsx: Cases row 3, column closed_date: '#REF!' is an error cell: correct the formula or type the "
        "value"]
    assert problems(returned(changed(cases=(1, "closure_reason", "Completed")))) == [
        "2019-03.xlsx: Cases row 3, column closure_reason: 'Completed' is not one of: Support completed, "
        "Disengaged, Moved out of area, Transferred, Other"]


@pytest.mark.parametrize("name, message", [
    ("return.pdf", "is not an Excel workbook (.xlsx): " + SAVE_AS),
    ("return.numbers", "is not an Excel workbook (.xlsx): " + SAVE_AS),
    ("return.xls", "is not an Excel workbook (.xlsx): " + SAVE_AS),
])
def test_every_refusal_of_a_file_type_says_how_to_save_it_as_xlsx(name, message):
    assert [str(p) for p in preview.check_file(None, name, b"%PDF")] == [f"{name}: {message}"]


# Dates that may have been read the wrong way round: flagged for the manager to confirm, not refused.


def test_a_date_column_mixing_date_cells_with_typed_dates_is_flagged():
    checked = ingest.check_return(returned(changed(cases=(2, "referral_date", "13/12/2018"))), FILE)
    assert checked.cases.column("referral_date").to_pylist() == [D(2019, 3, 4), D(2019, 2, 11), D(2018, 12, 13)]
    assert [str(w) for w in checked.to_confirm] == [
        "2019-03.xlsx: Cases, column referral_date: mixes date cells with dates typed as text (row 4): a "
        "spreadsheet set to US month/day order makes a date cell of 11/07/2018 (7 November) but leaves 13/07/2018 "
        f"as text. Check the date cells that could be the wrong way round (rows 2, 3): {CHECK}"]


def test_typed_dates_that_read_either_way_round_are_flagged_unless_one_settles_it():
    data = workbooks.valid_return()
    for case in data["cases"]:
        for field in ("referral_date", "first_contact_date", "closed_date"):
            if field in case:
                case[field] = f"{case[field]:%d/%m/%Y}"
    checked = ingest.check_return(zipped(csv_files(data)), "2019-03.zip")
    assert same_rows(checked, BASELINE) and checked.to_confirm == []  # closed 20/03/2019: day first
    data["cases"][1]["closed_date"] = "08/03/2019"
    checked = ingest.check_return(zipped(csv_files(data)), "2019-03.zip")
    assert [str(w) for w in checked.to_confirm] == [
        "2019-03.zip: Cases: every date typed as text reads as a date either way round (referral_date rows 2, 3, "
        "4; first_contact_date rows 2, 3; closed_date row 3): they are read day first, as in the UK (03/04/2019 is "
        f"3 April 2019): {CHECK}"]


def test_a_submission_date_far_from_its_month_that_would_not_be_the_other_way_round_is_flagged():
    checked = ingest.check_return(returned(changed(about=("submitted_on", D(2019, 8, 4)))), FILE)
    assert [str(w) for w in checked.to_confirm] == [
        "2019-03.xlsx: About row 5, column submitted_on: '2019-08-04' is 4 August 2019, far from March 2019; the "
        "other way round it is 8 April 2019: a spreadsheet set to US month/day order reads a typed 08/04/2019 as "
        "4 August. Check it: if it is right, confirm the upload; if not, correct it (YYYY-MM-DD reads the same "
        "everywhere)"]
    late = ingest.check_return(returned(changed(about=("submitted_on", D(2019, 8, 20)))), FILE)
    assert late.to_confirm == []  # 20 August has no other way round
