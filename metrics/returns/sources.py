"""A return's sheets as all-text tables, whatever saved it: an Excel workbook (.xlsx), LibreOffice's own
.ods, or one CSV per sheet in a zip. Each is looked at for what its reader cannot be trusted with
first (reading, workbook_xml, ods); then every sheet is the same kind of table (row i = spreadsheet
row i + 1), checked the same way by ingest.
"""

from __future__ import annotations

import io
import zipfile
from typing import NamedTuple

import pyarrow as pa

from metrics.contract import RETURN_SHEETS, Problem, Rejected, header_key
from metrics.i18n import _
from metrics.returns import csv_sheets, ods
from metrics.returns.error_cells import cell_problems, unreadable_cells
from metrics.returns.file_checks import MAX_UNZIPPED_BYTES, check_file, file_problem, save_as_xlsx, too_large
from metrics.returns.reading import open_workbook, read_sheet
from metrics.returns.workbook_xml import shared_strings_problem


class Sheets(NamedTuple):
    """What was read: each contract sheet found, the problems of those missing or unreadable, and the
    cells that cannot be read (error cells, formulas with no saved result), one problem each."""

    tables: dict[str, pa.Table]
    problems: list[Problem]
    unreadable: list[Problem]


def kind_of(content: bytes) -> str:
    """'ods', 'csv', 'opendocument' (some other OpenDocument file) or 'xlsx' (which check_file judges)."""
    if not content.startswith(b"PK"):
        return "xlsx"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                with archive.open("mimetype") as stream:
                    return "ods" if stream.read(len(ods.MIMETYPE) + 1) == ods.MIMETYPE else "opendocument"
            return "csv" if csv_sheets.is_csv_zip(archive) else "xlsx"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError):
        return "xlsx"


def read_return(content: bytes, file: str, max_bytes: int) -> Sheets:
    """The return's sheets; raise Rejected when the file itself cannot be read."""
    if content and len(content) > max_bytes:
        raise too_large(file, len(content), max_bytes)
    kind = kind_of(content)
    if kind == "opendocument":
        raise file_problem(file, _("is an OpenDocument file but not a spreadsheet: {save_as}").format(
            save_as=save_as_xlsx()))
    if kind == "csv":
        tables, problems = csv_sheets.read_sheets(content, file)
        return Sheets(tables, problems, [])
    if kind == "ods":
        problem, flagged = ods.inspect(content, file, MAX_UNZIPPED_BYTES)
        if problem is not None:
            raise Rejected([problem])
        tables, problems = _read_sheets(open_workbook(content, file), content, file, measure=False)
        by_key = {header_key(name): cells for name, cells in flagged.items()}
        contract = {name: by_key.get(header_key(name), []) for name in tables}
        return Sheets(tables, problems, cell_problems(file, tables, contract))
    check_file(content, file, max_bytes)
    too_costly = shared_strings_problem(content, file)  # before fastexcel reads every shared string
    if too_costly is not None:
        raise Rejected([too_costly])
    tables, problems = _read_sheets(open_workbook(content, file), content, file)
    # fastexcel reads an error cell or an unsaved formula as blank: the cells themselves are found.
    return Sheets(tables, problems, unreadable_cells(content, file, tables))


def _read_sheets(reader, content: bytes, file: str, measure: bool = True) -> tuple[dict[str, pa.Table], list]:
    """A missing or unreadable sheet is one problem; the other sheets are still read in full."""
    tables, problems = {}, []
    for sheet in RETURN_SHEETS:
        table, problem = read_sheet(reader, content, file, sheet, measure)
        if problem is not None:
            problems.append(problem)
        elif table is not None:
            tables[sheet.name] = table
    return tables, problems
