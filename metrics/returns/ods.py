"""An OpenDocument spreadsheet (.ods, LibreOffice's own format) looked at before fastexcel reads it.

calamine parses every table of content.xml as soon as the file is opened, and copies a cell with a
value as many times as its number-columns-repeated says (and its row, number-rows-repeated): a few
bytes can ask for billions of cells. So content.xml is walked first, as calamine walks it (element
names as written, "table:table-row", whatever namespace the prefix is bound to), measuring each
table's grid and text, and finding error cells (which calamine reads as their cached number, 0 for a
#DIV/0!) and formulas with no saved result. Streamed, so memory stays bounded.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from metrics.contract import MAX_DATA_ROWS, Problem
from metrics.i18n import _
from metrics.returns.workbook_xml import MAX_CELLS, MAX_COLUMNS, letters

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_TEXT_CHARACTERS = 25_000_000  # about 50,000 rows of 26 cells of 19 characters
_VALUES = ("office:value", "office:string-value", "office:date-value", "office:time-value", "office:boolean-value")
_CELLS = ("table:table-cell", "table:covered-table-cell")
_CHUNK = 1024 * 1024  # content.xml is parsed 1 MB at a time


class _Refused(Exception):
    def __init__(self, message: str, sheet: str = ""):
        super().__init__(message)
        self.message, self.sheet = message, sheet


def _count(text: str | None) -> int:
    try:
        return max(int(text or 1), 1)
    except ValueError:
        raise _Refused(_("is damaged: a repeat count is not a number")) from None


@dataclass
class _Table:
    name: str
    row: int = 0  # rows seen so far, repeats counted: the next row's index from 0
    first_row: int | None = None
    last_row: int = -1
    first_column: int | None = None
    last_column: int = -1
    pushed: int = 0  # cells calamine holds before it builds the grid
    flagged: list = field(default_factory=list)  # (row, column, kind, value), spreadsheet numbering from 1

    def grid(self) -> tuple[int, int]:
        if self.first_row is None:
            return 0, 0
        return self.last_row + 1, self.last_column + 1


class _Walk:
    """expat handlers that measure every table as calamine will build it."""

    def __init__(self, file: str):
        self.file, self.tables, self.table = file, [], None
        self.characters = 0
        self.row_repeats = self.column = self.row_pushed = 0
        self.row_has_content = False
        self.cell = None  # (column, repeats, kind, text parts) of the cell being read

    def start(self, name: str, attributes: dict) -> None:
        if name == "table:table" and self.table is None:
            self.table = _Table(attributes.get("table:name", ""))
        elif self.table is None:
            return
        elif name == "table:table-row":
            self.row_repeats, self.column, self.row_pushed, self.row_has_content = (
                _count(attributes.get("table:number-rows-repeated")), 0, 0, False)
        elif name in _CELLS:
            repeats = _count(attributes.get("table:number-columns-repeated"))
            kind = "error" if attributes.get("calcext:value-type") == "error" else None
            has_value = any(key in attributes for key in _VALUES)
            if kind is None and "table:formula" in attributes and not has_value:
                kind = "formula"
            content = has_value or attributes.get("office:value-type") == "string" or "table:formula" in attributes
            text = sum(len(attributes.get(key, "")) for key in _VALUES)
            self.cell = [self.column, repeats, kind, content, text, attributes.get("table:formula", ""), ""]
            self.column += repeats
        elif name == "text:s" and self.cell is not None:
            self.cell[4] += _count(attributes.get("text:c"))

    def text(self, data: str) -> None:
        if self.cell is not None:
            self.cell[4] += len(data)
            if self.cell[2] == "error" and len(self.cell[6]) < 60:  # what the error cell shows: #DIV/0!
                self.cell[6] += data[:60]

    def end(self, name: str) -> None:
        table = self.table
        if table is None:
            return
        if name in _CELLS and self.cell is not None:
            column, repeats, kind, content, text, formula, shown = self.cell
            self.cell = None
            if not content:
                return
            self.row_pushed = column + repeats
            self.row_has_content = True
            table.first_column = column if table.first_column is None else min(table.first_column, column)
            table.last_column = max(table.last_column, column + repeats - 1)
            self.characters += text * repeats * self.row_repeats
            if kind and len(table.flagged) < 1000:
                value = (shown.strip() or "#error") if kind == "error" else "=" + formula.removeprefix("of:=")
                table.flagged.append((table.row + 1, column + 1, kind, value))
            self._check(table, reading_row=True)
        elif name == "table:table-row":
            table.pushed += self.row_pushed
            if self.row_has_content:
                table.first_row = table.row if table.first_row is None else table.first_row
                table.last_row = table.row + self.row_repeats - 1
            table.row += self.row_repeats
            self._check(table)
        elif name == "table:table":
            self.tables.append(table)
            self.table = None

    def _check(self, table: _Table, reading_row: bool = False) -> None:
        rows, columns = table.grid()
        if reading_row:  # the row being read counts before it ends
            rows, columns = max(rows, table.row + 1), max(columns, table.last_column + 1)
        if rows > MAX_DATA_ROWS + 1:
            raise _Refused(_("has cells below row {row}, more than {n} rows: delete the rows below the table (or "
                             "is this the wrong workbook?)").format(row=f"{MAX_DATA_ROWS + 1:,}",
                                                                    n=f"{MAX_DATA_ROWS:,}"), table.name)
        if columns > MAX_COLUMNS or rows * columns > MAX_CELLS or table.pushed > MAX_CELLS:
            raise _Refused(_("reaches cell {cell} or beyond: delete everything right of and below the table, then "
                             "upload it again").format(cell=f"{letters(columns)}{rows}"), table.name)
        if self.characters > MAX_TEXT_CHARACTERS:
            raise _Refused(_("holds more text than a monthly return can: is this the right workbook?"), table.name)


def _refuse_doctype(*_args) -> None:
    raise _Refused(_("is damaged: its content declares a document type, which LibreOffice never writes"))


def inspect(content: bytes, file: str, max_unzipped: int) -> tuple[Problem | None, dict[str, list]]:
    """(the problem that it cannot be read safely, or None; table name -> its flagged cells)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(m.file_size for m in archive.infolist()) > max_unzipped:
                return Problem.whole(file, "", _("expands to more than {limit} MB when opened: too large to read "
                                                 "safely").format(limit=max_unzipped // 2**20)), {}
            with archive.open("META-INF/manifest.xml") as manifest:
                if b"encryption-data" in manifest.read(_CHUNK):
                    return Problem.whole(file, "", _("is password-protected: remove the password and upload it "
                                                     "again")), {}
            walk = _Walk(file)
            parser = expat.ParserCreate()  # no namespace processing: names as written, as calamine reads them
            parser.StartElementHandler, parser.EndElementHandler = walk.start, walk.end
            parser.CharacterDataHandler, parser.StartDoctypeDeclHandler = walk.text, _refuse_doctype
            with archive.open("content.xml") as stream:
                while block := stream.read(_CHUNK):
                    parser.Parse(block, False)
                parser.Parse(b"", True)
    except _Refused as refused:
        return Problem.whole(file, refused.sheet, refused.message), {}
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, expat.ExpatError):
        return Problem.whole(file, "", _("is damaged: it cannot be read as a spreadsheet")), {}
    return None, {table.name: table.flagged for table in walk.tables}
