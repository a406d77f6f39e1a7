"""The blank monthly return: its sheets, dropdowns, formats and header, and a filled-in copy that loads."""

from __future__ import annotations

import datetime as dt

import pytest
import workbooks
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from metrics.admin import setup
from metrics.cli import run
from metrics.contract import ABOUT, ACTIVITY, CASES, SPEND
from metrics.returns import ingest


@pytest.fixture(scope="module")
def template_path(tmp_path_factory):
    """The template as `python -m metrics template PATH --month 2019-03` writes it."""
    path = tmp_path_factory.mktemp("template") / "blank.xlsx"
    assert run(["template", str(path), "--month", "2019-03"]) == 0
    return path


@pytest.fixture(scope="module")
def template(template_path):
    return load_workbook(template_path)


def _validations(ws) -> dict[str, tuple]:
    """Each validated range of a sheet: (type, operator, formula1, allow_blank)."""
    return {
        str(dv.sqref): (dv.type, dv.operator, dv.formula1, dv.allow_blank) for dv in ws.data_validations.dataValidation
    }


def test_the_command_says_where_it_wrote(tmp_path, capsys):
    path = tmp_path / "new" / "return.xlsx"
    assert run(["template", str(path)]) == 0
    assert capsys.readouterr().out == f"Wrote the blank monthly return to {path}\n"
    assert load_workbook(path)["About"]["B3"].value is None


def test_sheets_headers_and_frozen_header_row(template):
    assert template.sheetnames == ["About", "Cases", "Activity", "Spend", "Commentary", "Voices", "Notes"]
    # (the cell right of a table's header is empty: the column beside the table holds only row 2,000's marker)
    headers = {ws.title: [c.value for c in ws[1] if c.value is not None] for ws in template}
    assert headers == {
        "About": ["field", "value", "what it means"],
        "Cases": CASES.names,
        "Activity": ["measure", "count", "what it means"],
        "Spend": ["budget_line", "detail", "amount_gbp", "grant"],
        "Commentary": ["topic", "text"],
        "Voices": ["theme", "quote_or_summary", "consent_to_share", "case_ref"],
        "Notes": ["sheet", "column or field", "type", "required", "allowed values", "what it means"],
    }
    for ws in template:
        assert ws.freeze_panes == "A2", ws.title
        assert ws["A1"].font.bold, ws.title
        assert ws["A1"].fill.fgColor.rgb == "001F4E79", ws.title


def test_key_value_sheets_list_every_field(template):
    assert [[c.value for c in row] for row in template["About"].iter_rows(min_row=2, max_col=2)] == [
        ["service", None],
        ["reporting_month", "2019-03"],
        ["prepared_by", None],
        ["submitted_on", None],
    ]
    assert [row[0].value for row in template["Activity"].iter_rows(min_row=2)] == [c.name for c in ACTIVITY.columns]
    assert template["About"]["B3"].number_format == "@"
    assert template["About"]["B5"].number_format == "yyyy-mm-dd"


def test_every_coded_column_has_a_dropdown_and_dates_a_date_check(template):
    cases = _validations(template["Cases"])
    expected = {}
    for i, col in enumerate(CASES.columns, start=1):
        cells = f"{get_column_letter(i)}2:{get_column_letter(i)}2000"
        if col.type == "code":
            expected[cells] = ("list", None, '"' + ",".join(col.codes) + '"', not col.required)
        elif col.type == "date":
            expected[cells] = ("date", "greaterThanOrEqual", "DATE(2000,1,1)", True)
    assert cases == expected
    assert len([v for v in cases.values() if v[0] == "list"]) == 18
    assert cases["C2:C2000"][2] == (
        '"Police,Self-referral,Local authority,Health,Voluntary sector,Salvation Army,Home Office,'
        'Third-party report,Other"'
    )
    assert _validations(template["Spend"]) == {
        "A2:A2000": ("list", None, '"Salary,On-costs"', False),
        "C2:C2000": ("decimal", "between", "-1000000", True),
    }
    assert _validations(template["About"]) == {"B5": ("date", "greaterThanOrEqual", "DATE(2000,1,1)", True)}
    assert _validations(template["Activity"]) == {
        f"B{row}": ("whole", "greaterThanOrEqual", "0", True) for row in range(2, 2 + len(ACTIVITY.columns))
    }


def test_every_column_has_its_format_for_the_whole_column(template):
    # Issue 16: LibreOffice reads a typed 65+ as the number 65 in a General cell, and keeps it in a Text cell.
    # The format is the column's, so a cell typed anywhere in it takes it, however far down.
    for sheet in (CASES, SPEND):
        ws = template[sheet.name]
        formats = {col.name: ws.column_dimensions[get_column_letter(i)].number_format
                   for i, col in enumerate(sheet.columns, start=1)}
        assert formats == {col.name: {"date": "yyyy-mm-dd", "code": "@", "text": "@"}.get(col.type, "General")
                           for col in sheet.columns}, sheet.name
    assert {c.name for c in CASES.columns if template["Cases"].column_dimensions[
        get_column_letter(CASES.names.index(c.name) + 1)].number_format == "@"} >= {"age_band", "case_ref"}
    assert [template["About"].cell(row, 2).number_format for row in range(2, 6)] == ["@", "@", "@", "yyyy-mm-dd"]


def test_a_space_in_row_2000_beside_each_table_keeps_a_libreoffice_save_to_row_2000(template):
    # LibreOffice saves validity ranges to 1,000 rows below the last cell holding anything (test_real_clients).
    for sheet in (CASES, SPEND):
        ws = template[sheet.name]
        assert [(c.coordinate, c.value) for row in ws.iter_rows(min_row=2) for c in row if c.value is not None] == [
            (f"{get_column_letter(len(sheet.columns) + 1)}2000", " ")
        ]


def test_notes_explain_every_column_and_code(template):
    rows = [[c.value for c in row] for row in template["Notes"].iter_rows(min_row=2, max_col=5)]
    described = [(sheet, name) for sheet, name, *_ in rows if sheet in ("About", "Cases", "Activity", "Spend")]
    assert described == [(s.name, c.name) for s in (ABOUT, CASES, ACTIVITY, SPEND) for c in s.columns]
    by_name = {row[1]: row for row in rows if row[0] == "Cases"}
    assert by_name["gender"] == ["Cases", "gender", "code", "yes", "Female · Male · Other / not stated"]
    assert by_name["closed_date"] == ["Cases", "closed_date", "date", "optional", None]


def test_the_optional_sheets_topics_are_the_registrys_and_consent_has_a_dropdown(template):
    from metrics.measures.registry import MEASURES

    rows = [[c.value for c in row] for row in template["Notes"].iter_rows(min_row=2, max_col=5)]
    by_name = {(row[0], row[1]): row for row in rows if row[0] in ("Commentary", "Voices")}
    assert list(by_name) == [("Commentary", "topic"), ("Commentary", "text"), ("Voices", "theme"),
                             ("Voices", "quote_or_summary"), ("Voices", "consent_to_share"), ("Voices", "case_ref")]
    topics = by_name[("Commentary", "topic")][4].split(" · ")
    assert topics[:5] == ["Overall", "Risks and issues", "Partnership work", "Victims' voices", "referrals_received"]
    assert topics[4:] == list(MEASURES) and len(topics) == 4 + len(MEASURES)
    # Too many topics for an inline list (255 characters): no drop-down, the Notes list them.
    assert _validations(template["Commentary"]) == {}
    assert _validations(template["Voices"]) == {"C2:C2000": ("list", None, '"Yes,No"', False)}


def test_a_template_filled_in_with_openpyxl_loads(template_path, empty_db):
    wb = load_workbook(template_path)
    data = workbooks.valid_return()
    about = wb["About"]
    for row in range(2, 6):
        field = about.cell(row, 1).value
        if field != "reporting_month":  # already filled in by --month
            about.cell(row, 2).value = data["about"][field]
    activity = wb["Activity"]
    for row in range(2, 9):
        activity.cell(row, 2).value = data["activity"][activity.cell(row, 1).value]
    for sheet, rows in ((CASES, data["cases"]), (SPEND, data["spend"])):
        for r, record in enumerate(rows, start=2):
            for c, name in enumerate(sheet.names, start=1):
                wb[sheet.name].cell(r, c).value = record.get(name)
    filled = empty_db.parent / "March 2019.xlsx"
    wb.save(filled)

    con = setup.open_database(empty_db)
    try:
        loaded = ingest.ingest_paths(con, [filled], user="manager")
        assert loaded == [
            {
                "upload_id": 1,
                "service": "Connect Gwent MSHT Advocate",
                "reporting_month": "2019-03",
                "replaced_upload_id": None,
                "file": "March 2019.xlsx",
                "cases_rows": 3,
                "spend_rows": 2,
                "notes": [],
                "to_confirm": [],
            }
        ]
        assert con.execute(
            "SELECT case_ref, referral_date, closed_date FROM case_snapshots ORDER BY row_number"
        ).fetchall() == [
            ("CG-1903-001", dt.date(2019, 3, 4), None),
            ("CG-1902-002", dt.date(2019, 2, 11), dt.date(2019, 3, 20)),
            ("CG-1812-003", dt.date(2018, 12, 3), None),
        ]
    finally:
        con.close()


def test_an_untouched_template_is_rejected_with_what_to_fill_in(template_path):
    with pytest.raises(ingest.Rejected) as caught:
        ingest.check_return(template_path.read_bytes(), "blank.xlsx")
    assert [str(p) for p in caught.value.problems] == [
        "blank.xlsx: About row 2, column service: is required",
        "blank.xlsx: About row 4, column prepared_by: is required",
        "blank.xlsx: About row 5, column submitted_on: is required",
        *(f"blank.xlsx: Activity row {row}, column {c.name}: is required" for row, c in enumerate(ACTIVITY.columns, 2)),
    ]
