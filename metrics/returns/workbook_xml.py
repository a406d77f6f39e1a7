"""Look at a workbook's sheet XML for what fastexcel cannot be trusted with.

fastexcel (calamine) builds a dense grid from the first to the last cell that holds anything, so
one stray cell at XFD1048576 in a 7 kB file asks for 512 GB and aborts the whole process: the
extent of every sheet is measured here first. It also reads an error cell (#REF!, #DIV/0!) and a
formula with no saved result as a blank, which would silently lose a value: those cells are found
here and reported. Parts are streamed in chunks, never held whole, so memory stays bounded.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

import pyarrow as pa

from metrics.contract import MAX_DATA_ROWS, RETURN_SHEETS, Problem, header_key
from metrics.i18n import N_, _

# Beyond these a sheet is not a monthly return: refuse it before fastexcel allocates its grid
# (measured: a full 50,000-row sheet of 26 columns peaks at 350 MB, start-up included).
MAX_COLUMNS = 256
MAX_CELLS = (MAX_DATA_ROWS + 1) * 26
# Each shared string costs fastexcel about 55 bytes: 11 million tiny ones fit in a 0.5 MB file.
MAX_SHARED_STRINGS = 1_500_000
_TOO_LONG = N_(
    "holds more than 4 MB of text in one place (Excel allows 32,767 characters a cell): it cannot be read safely"
)

# Parts are streamed 1 MB at a time, never held whole, so that memory stays bounded.
_CHUNK = 1024 * 1024
# Text with no tag in it for this long is not a sheet or shared strings Excel wrote (_TOO_LONG).
_TEXT_LIMIT_CHUNKS = 4
_OVERLAP = 256  # longer than any cell tag's start, so no reference is missed at a chunk boundary


def _numbers_above(limit: int) -> str:
    """A regular expression for the whole numbers above `limit` (any with more digits included)."""
    text = str(limit)
    options = [f"[0-9]{{{len(text) + 1},}}"]
    for i, digit in enumerate(text):
        if digit != "9":
            options.append(f"{text[:i]}[{int(digit) + 1}-9][0-9]{{{len(text) - i - 1}}}")
    return "|".join(options)


# The quick look, in RE2 (pyarrow), one pass over a chunk: references as Excel writes them (r="V120")
# that go past column Z or the last row a return may have, and references written any other way
# (RE2's \s lacks \v: spelt out). Only a sheet showing one of these, or a cell or row with no
# reference at all (calamine places it after the one before), is measured exactly, cell by cell.
# An attribute named r itself, after whitespace: in a sheet part only cells and rows have one. Without
# the whitespace, every attribute whose name ends in r matched (xmlns:r="http...", which Excel, LibreOffice
# and Gnumeric write on every sheet; pageOrder="downThenOver"; a validation's operator= and error=), and
# every file but openpyxl's own took the slow path.
_SPACE = r"[\t\n\x0b\x0c\r ]"
_REACH_RE2 = (f'{_SPACE}r="(?:[A-Za-z]{{2}}|[A-Za-z](?:{_numbers_above(MAX_DATA_ROWS + 1)})")'
              + f"|{_SPACE}r(?:{_SPACE}+=|={_SPACE}|=')")
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# a cell or row written without r="..." first, or with a namespace prefix (found in the chunk up to its last '<'):
_UNREFERENCED_RE2 = (
    r'<c(?:>| (?:[^r]|r[^=]|r=[^"]|r=?\z|\z))|<row(?:[^ ]| [^r]| r[^=]| r=[^"]|\z| \z| r\z| r=\z)|:c[ >]|:row'
)


def column_index(letters: str) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def chunks(archive: zipfile.ZipFile, member: str):
    """The member's bytes in overlapping chunks."""
    tail = b""
    with archive.open(member) as stream:
        while block := stream.read(_CHUNK):
            yield tail + block
            tail = block[-_OVERLAP:]


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML."""
    targets = {}
    with archive.open("xl/_rels/workbook.xml.rels") as stream:
        for _event, element in ElementTree.iterparse(stream):
            if local_name(element.tag) == "Relationship":
                target = element.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                targets[element.get("Id")] = path
            element.clear()
    members = {}
    with archive.open("xl/workbook.xml") as stream:
        for _event, element in ElementTree.iterparse(stream):
            if local_name(element.tag) == "sheet":
                rel = element.get(_REL_NS + "id") or next(
                    (v for k, v in element.attrib.items() if local_name(k) == "id"), None
                )
                if rel in targets:
                    members[element.get("name", "")] = targets[rel]
            element.clear()
    return members


def contract_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Contract sheet name -> zip member, matching names as read_sheets does."""
    by_key = {header_key(name): member for name, member in sheet_members(archive).items()}
    return {s.name: by_key[header_key(s.name)] for s in RETURN_SHEETS if header_key(s.name) in by_key}


def shared_strings_problem(content: bytes, file: str) -> Problem | None:
    """A problem when the workbook's shared strings would cost too much memory to read, else None."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            members = [n for n in names if n.lower().endswith("sharedstrings.xml")]
            count = 0
            for member in members:
                bare = 0  # chunks in a row with no string in them
                for index, chunk in enumerate(chunks(archive, member)):
                    bare = bare + 1 if len(chunk) >= _CHUNK and b"<si" not in chunk and b":si" not in chunk else 0
                    if bare >= _TEXT_LIMIT_CHUNKS:
                        return Problem.whole(file, "", _(_TOO_LONG))
                    block = chunk[_OVERLAP - 3 :] if index else chunk  # a tag cut by the last chunk, once
                    count += sum(block.count(tag) for tag in (b"<si>", b"<si ", b":si>", b":si "))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError):
        return Problem.whole(file, "", _("is damaged: its text cannot be read"))
    if count > MAX_SHARED_STRINGS:
        return Problem.whole(
            file,
            "",
            _("holds {n} different texts, more than a monthly return can: is this the right workbook?").format(
                n=f"{count:,}"),
        )
    return None


class _TooLong(Exception):
    pass


def found(pattern: str, text: bytes) -> bool:
    import pyarrow.compute as pc

    return pc.match_substring_regex(pa.array([text], pa.binary()), pattern=pattern)[0].as_py()


def _may_reach_far(archive: zipfile.ZipFile, part: str) -> bool:
    """In one streaming pass: whether a far or oddly written reference, or a cell or row without one, shows."""
    bare = 0  # chunks in a row with no cell in them
    for chunk in chunks(archive, part):
        bare = bare + 1 if len(chunk) >= _CHUNK and b"<c" not in chunk and b":c" not in chunk else 0
        if bare >= _TEXT_LIMIT_CHUNKS:
            raise _TooLong  # a giant text before any far reference, which fastexcel would copy several times
        body = chunk[: chunk.rfind(b"<")]  # so that no tag is cut at the end
        # Excel and the libraries that write .xlsx put r="..." first in every cell and row.
        if found(_REACH_RE2, chunk) or found(_UNREFERENCED_RE2, body):
            return True
    return False


def placed_cells(archive: zipfile.ZipFile, part: str):
    """(row, column, element) for each cell of a sheet, placed as calamine places them.

    A cell is yielded when its element is complete; rows already seen are dropped from memory,
    so a sheet of millions of cells costs little to walk.
    """
    row = column = 0
    sheet_data = None
    with archive.open(part) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            name = local_name(element.tag)
            if event == "start":
                if name == "sheetData":
                    sheet_data = element
                elif name == "row":
                    row, column = int(element.get("r") or row + 1), 0
                elif name == "c":
                    ref = _REF.fullmatch(element.get("r") or "")
                    column = column_index(ref.group(1).upper()) if ref else column + 1
                    row = int(ref.group(2)) if ref else row
            elif name == "c":
                yield row, column, element
            elif name == "row" and sheet_data is not None:
                sheet_data.clear()  # rows already seen are not needed again


def _exact_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """The rows and columns of the grid calamine would build; stops as soon as it is too large."""
    rows = columns = 0
    for row, column, element in placed_cells(archive, part):
        if len(element):  # it holds a value or a formula
            rows, columns = max(rows, row), max(columns, column)
            if rows > MAX_DATA_ROWS + 1 or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
                break
    return rows, columns


def _could_be_a_sheet(name: str) -> bool:
    name = name.lower()
    return name.endswith(".xml") and not name.endswith(("sharedstrings.xml", "styles.xml"))


def extent_problem(content: bytes, file: str, sheet: str) -> Problem | None:
    """A problem when the contract sheet's cells reach too far to read safely, else None."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            member = contract_members(archive).get(sheet)
            # A sheet whose part cannot be told apart is judged by every part that could be it.
            names = archive.namelist()
            members = [member] if member in names else [n for n in names if _could_be_a_sheet(n)]
            rows = columns = 0
            for part in members:
                if _may_reach_far(archive, part):
                    part_rows, part_columns = _exact_extent(archive, part)
                    rows, columns = max(rows, part_rows), max(columns, part_columns)
    except _TooLong:
        return Problem.whole(file, sheet, _(_TOO_LONG))
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, EOFError, ValueError):
        return Problem.whole(file, sheet, _("is damaged: it cannot be read"))
    if rows > MAX_DATA_ROWS + 1:
        return Problem.whole(
            file,
            sheet,
            _("has cells below row {row}, more than {n} rows: delete the rows below the table (or is this the wrong "
              "workbook?)").format(row=f"{MAX_DATA_ROWS + 1:,}", n=f"{MAX_DATA_ROWS:,}"),
        )
    if columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        return Problem.whole(
            file,
            sheet,
            _("reaches cell {cell} or beyond: delete everything right of and below the table, then upload it "
              "again").format(cell=f"{letters(columns)}{rows}"),
        )
    return None


def letters(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


