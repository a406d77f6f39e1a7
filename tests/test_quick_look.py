"""The quick look of workbook_xml sends only far or oddly written cell references down the slow path.

Issue 16: every attribute whose name ended in r matched (xmlns:r on the sheet's root, which Excel,
LibreOffice and Gnumeric always write, pageOrder, a validation's operator and error), so every file
but openpyxl's own was measured cell by cell. The real-client files are tried in test_real_clients.py.
"""

from __future__ import annotations

import pytest

from metrics.returns.workbook_xml import _REACH_RE2, found

# What real clients write on a sheet, none of it a cell beyond column Z or row 50,001.
REAL_CLIENT_XML = [
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
    '<worksheet xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">',
    '<pageSetup paperSize="9" pageOrder="downThenOver" orientation="portrait"/>',
    '<sheetView showGridLines="true" defaultGridColor="true" workbookViewId="0">',
    '<dataValidation type="list" operator="between" error="Choose one of: Police" sqref="C2:C2000">',
    '<legacyDrawing r:id="rId2"/>',
    '<row r="1" spans="1:22"><c r="V1" s="1" t="s"><v>0</v></c></row>',
    '<row r="50001"><c r="Z50001" t="n"><v>1</v></c></row>',
]

# Cells that reach too far, or whose reference is written as no client writes it.
FAR_OR_ODD_XML = [
    '<c r="AA1"><v>1</v></c>',
    '<c r="XFD1048576"><v>1</v></c>',
    '<c r="A50002"><v>1</v></c>',
    '<c r="B123456789"><v>1</v></c>',
    '<c\tr="XFD1"><v>1</v></c>',
    '<c r="A1" t="n"\nr="XFD1"><v>1</v></c>',
    '<c r = "A1"><v>1</v></c>',
    "<c r='A1'><v>1</v></c>",
]


@pytest.mark.parametrize("xml", REAL_CLIENT_XML)
def test_what_real_clients_write_is_not_taken_for_a_far_cell(xml):
    assert not found(_REACH_RE2, xml.encode())


@pytest.mark.parametrize("xml", FAR_OR_ODD_XML)
def test_a_far_or_oddly_written_reference_is_still_seen(xml):
    assert found(_REACH_RE2, xml.encode())
