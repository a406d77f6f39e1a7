"""Error cells (#REF!, #DIV/0!) and formulas with no saved result: fastexcel reads them as blanks,
which would silently lose a value, so they are found in the sheet XML and reported, one problem each."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import pyarrow as pa

from metrics.contract import RETURN_SHEETS, Problem, Sheet, header_key
from metrics.i18n import _
from metrics.returns.workbook_xml import chunks, contract_members, found, letters, local_name, placed_cells

# and cheap signs of an error cell or a formula (only a sheet showing one is parsed cell by cell):
_MARKERS_RE2 = r"""[<:]f[>/ ]|t="e"|t='e'"""


def _flagged_cells(archive: zipfile.ZipFile, member: str):
    """(row, column index, what is wrong, value) for each error cell and formula without a saved result."""
    parts = chunks(archive, member)
    try:
        if not any(found(_MARKERS_RE2, chunk) for chunk in parts):
            return  # no sign of one: the sheet need not be parsed cell by cell
    finally:
        parts.close()
    for row, column, element in placed_cells(archive, member):
        children = {local_name(child.tag): child for child in element}
        kind = element.get("t", "n")
        value = children.get("v")
        saved = value is not None and (value.text or kind in ("str", "inlineStr"))
        if kind == "e":
            yield row, column, "error", (value.text if value is not None else None) or "#error"
        elif "f" in children and not saved:
            yield row, column, "formula", "=" + (children["f"].text or "")


def _column_name(sheet: Sheet, raw: pa.Table, row: int, column: int) -> str | None:
    """The contract column (or field) a cell belongs to; None for a data cell of a column the return does not have
    (no header, or one that is not the contract's): such a column is ignored. A header cell is always named."""
    index = column - 1
    if sheet.kind == "keyvalue":
        if index > 1:
            return None
        key = raw.column(0)[row - 1].as_py() if row - 1 < raw.num_rows and raw.num_columns else None
        if row == 1 or not key:
            return sheet.key_header if index == 0 else sheet.value_header
        known = {header_key(c.name): c.name for c in sheet.columns}
        return known.get(header_key(key), str(key))
    header = raw.column(index)[0].as_py() if index < raw.num_columns and raw.num_rows else None
    known = {header_key(c.name): c.name for c in sheet.columns}
    if row == 1:
        return known.get(header_key(header), header) or letters(column)
    return known.get(header_key(header))  # None: no header, or a column the return does not have


def unreadable_cells(content: bytes, file: str, sheets: dict[str, pa.Table]) -> list[Problem]:
    """Error cells and formulas with no saved result in the return's sheets, one problem each."""
    flagged = {}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name, member in contract_members(archive).items():
                if name in sheets and member in archive.namelist():
                    flagged[name] = list(_flagged_cells(archive, member))
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, EOFError, ValueError):
        return [Problem.whole(file, "", _("is damaged: its sheets cannot be read"))]
    return cell_problems(file, sheets, flagged)


def cell_problems(file: str, sheets: dict[str, pa.Table], flagged: dict[str, list]) -> list[Problem]:
    """One problem for each flagged cell, (row, column, kind, value), of a contract sheet, in a column of the
    contract (a column the return does not have is ignored, formulas and all)."""
    by_name = {s.name: s for s in RETURN_SHEETS}
    problems = []
    for name, cells in flagged.items():
        for row, column, kind, value in cells:
            column_name = _column_name(by_name[name], sheets[name], row, column)
            if column_name is None:
                continue
            message = (
                _("is an error cell: correct the formula or type the value")
                if kind == "error"
                else _("is a formula with no saved result: open and save the workbook in Excel, or type the value")
            )
            problems.append(Problem(file, name, row, column_name, value, message))
    return problems
