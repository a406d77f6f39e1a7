"""LibreOffice's own format (.ods) is a return like any other (issue 16), looked at first for what calamine
cannot be trusted with: repeated cells that ask for billions of copies, error cells it reads as 0.

The files are written by hand (tests/ods_files.py) as LibreOffice lays them out; the sample returns saved
as .ods by LibreOffice itself are tried in test_real_clients.py.
"""

from __future__ import annotations

import pytest
import workbooks
from ods_files import MANIFEST, Raw, from_return, ods, return_rows

from metrics.contract import Rejected
from metrics.returns import ingest

FILE = "2019-03.ods"
SAVE_AS = (
    "save it as an Excel workbook: in Excel, File > Save As > 'Excel Workbook (*.xlsx)'; in LibreOffice, "
    "File > Save As > 'Excel 2007-365 (.xlsx)' (or keep LibreOffice's own .ods)"
)


def problems(content: bytes) -> list[str]:
    with pytest.raises(Rejected) as caught:
        ingest.check_return(content, FILE)
    return [str(p).removeprefix(f"{FILE}: ") for p in caught.value.problems]


def with_tables(**extra) -> bytes:
    """The valid return as .ods, its sheets changed or others added (name -> rows)."""
    return ods({**return_rows(workbooks.valid_return()), **extra})


def test_a_return_saved_as_ods_checks_as_the_workbook_does():
    wanted = ingest.check_return(workbooks.xlsx(workbooks.valid_return()), "2019-03.xlsx")
    checked = ingest.check_return(from_return(workbooks.valid_return()), FILE)
    assert (checked.about, checked.activity, checked.cases, checked.spend) == (
        wanted.about, wanted.activity, wanted.cases, wanted.spend)


def _cases_with(cell: Raw, column: int = 13) -> bytes:
    rows = return_rows(workbooks.valid_return())
    rows["Cases"][2][column] = cell  # row 3, CG-1902-002 (column 13 is closed_date)
    return with_tables(Cases=rows["Cases"])


def test_an_error_cell_is_reported_not_read_as_its_cached_zero():
    error = Raw('<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" '
                'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>')
    assert problems(_cases_with(error)) == [
        "Cases row 3, column closed_date: '#DIV/0!' is an error cell: correct the formula or type the value"]


def test_a_formula_with_no_saved_result_is_reported():
    assert problems(_cases_with(Raw('<table:table-cell table:formula="of:=[.B3]+7"/>'))) == [
        "Cases row 3, column closed_date: '=[.B3]+7' is a formula with no saved result: open and save the workbook "
        "in Excel, or type the value"]


# calamine copies a repeated cell that holds anything as often as it says, in every table, on opening.
BOMBS = {
    "a billion columns": (  # column CFDGSXL is the billionth
        [[Raw('<table:table-cell office:value-type="float" office:value="1" '
              'table:number-columns-repeated="1000000000"/>')]],
        "Lookups: reaches cell CFDGSXL1 or beyond: delete everything right of and below the table, then upload it "
        "again"),
    "a million rows": (
        [Raw('<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" '
             'office:value="1"/></table:table-row>')],
        "Lookups: has cells below row 50,001, more than 50,000 rows: delete the rows below the table (or is this "
        "the wrong workbook?)"),
    "a billion spaces": (
        [[Raw('<table:table-cell office:value-type="string"><text:p><text:s text:c="1000000000"/></text:p>'
              "</table:table-cell>")]],
        "Lookups: holds more text than a monthly return can: is this the right workbook?"),
}


@pytest.mark.parametrize("rows, message", list(BOMBS.values()), ids=list(BOMBS))
def test_repeats_that_would_take_too_much_memory_are_refused_before_calamine_opens_the_file(rows, message):
    content = with_tables(Lookups=rows)
    assert len(content) < 10_000
    assert problems(content) == [message]


def test_a_password_protected_ods_says_so():
    manifest = MANIFEST.replace('media-type="text/xml"/>', 'media-type="text/xml"><manifest:encryption-data/>'
                                '</manifest:file-entry>')
    assert problems(ods(return_rows(workbooks.valid_return()), manifest=manifest)) == [
        "is password-protected: remove the password and upload it again"]


def test_an_opendocument_text_is_refused_saying_how_to_save_as_xlsx():
    content = ods(return_rows(workbooks.valid_return()), mimetype="application/vnd.oasis.opendocument.text")
    assert problems(content) == ["is an OpenDocument file but not a spreadsheet: " + SAVE_AS]


def test_a_document_type_declaration_is_refused():
    content = ods({}, content_xml='<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    assert problems(content) == ["is damaged: its content declares a document type, which LibreOffice never writes"]
