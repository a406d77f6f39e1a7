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

from metrics.contract import MAX_DATA_ROWS, RETURN_SHEETS, Problem, Sheet, header_key

# Beyond these a sheet is not a monthly return: refuse it before fastexcel allocates its grid
# (measured: a full 50,000-row sheet of 26 columns peaks at 350 MB, start-up included).
MAX_COLUMNS = 256
MAX_CELLS = (MAX_DATA_ROWS + 1) * 26
# Each shared string costs fastexcel about 55 bytes: 11 million tiny ones fit in a 0.5 MB file.
MAX_SHARED_STRINGS = 1_500_000
_TOO_LONG = (
    "holds more than 4 MB of text in one place (Excel allows 32,767 characters a cell): it cannot be read safely"
)

# Parts are read 1 MB at a time: larger reads are slower here (a 4 MB sheet: 4 ms to decompress
# in 1 MB chunks, 7 ms in one read, the cost of mapping fresh memory for each large buffer).
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


# The quick look: references as Excel writes them (r="V120") that go past column Z or the last
# row a return may have, and references written any other way. Only a sheet showing one of these,
# or a cell or row with no reference at all (calamine places it after the one before), is measured
# exactly, cell by cell, which takes ten times as long on a full sheet.
_FAR_REF = re.compile(f'r="(?:[A-Za-z]{{2}}|[A-Za-z](?:{_numbers_above(MAX_DATA_ROWS + 1)})")'.encode())
_ODD_REF = re.compile(rb"r(?:\s+=|=\s|=')")
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# The same looks in RE2 (pyarrow), one pass over a chunk for each instead of a dozen Python scans
# (a 4 MB sheet: about 15 ms instead of 60). Far or odd references, as _FAR_REF and _ODD_REF
# (Python's \s on bytes includes \v, RE2's does not: spelt out):
_REACH_RE2 = _FAR_REF.pattern.decode() + r"|r(?:[\t\n\x0b\x0c\r ]+=|=[\t\n\x0b\x0c\r ]|=')"
# a cell or row written without r="..." first, or with a namespace prefix (found in the chunk up to its last '<'):
_UNREFERENCED_RE2 = (
    r'<c(?:>| (?:[^r]|r[^=]|r=[^"]|r=?\z|\z))|<row(?:[^ ]| [^r]| r[^=]| r=[^"]|\z| \z| r\z| r=\z)|:c[ >]|:row'
)
# and cheap signs of an error cell or a formula (only a sheet showing one is parsed cell by cell):
_MARKERS_RE2 = r"""[<:]f[>/ ]|t="e"|t='e'"""
_REACH_OR_MARKED_RE2 = _REACH_RE2 + "|" + _MARKERS_RE2
_ANY_LOOK_RE2 = _REACH_OR_MARKED_RE2 + "|" + _UNREFERENCED_RE2


def column_index(letters: str) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _chunks(archive: zipfile.ZipFile, member: str):
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
        for _, element in ElementTree.iterparse(stream):
            if _local(element.tag) == "Relationship":
                target = element.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                targets[element.get("Id")] = path
            element.clear()
    members = {}
    with archive.open("xl/workbook.xml") as stream:
        for _, element in ElementTree.iterparse(stream):
            if _local(element.tag) == "sheet":
                rel = element.get(_REL_NS + "id") or next(
                    (v for k, v in element.attrib.items() if _local(k) == "id"), None
                )
                if rel in targets:
                    members[element.get("name", "")] = targets[rel]
            element.clear()
    return members


def _contract_members(archive: zipfile.ZipFile) -> dict[str, str]:
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
                for index, chunk in enumerate(_chunks(archive, member)):
                    bare = bare + 1 if len(chunk) >= _CHUNK and b"<si" not in chunk and b":si" not in chunk else 0
                    if bare >= _TEXT_LIMIT_CHUNKS:
                        return Problem.whole(file, "", _TOO_LONG)
                    block = chunk[_OVERLAP - 3 :] if index else chunk  # a tag cut by the last chunk, once
                    count += sum(block.count(tag) for tag in (b"<si>", b"<si ", b":si>", b":si "))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError):
        return Problem.whole(file, "", "is damaged: its text cannot be read")
    if count > MAX_SHARED_STRINGS:
        return Problem.whole(
            file,
            "",
            f"holds {count:,} different texts, more than a monthly return can: is this the right workbook?",
        )
    return None


class _TooLong(Exception):
    pass


def _found(pattern: str, text: bytes) -> bool:
    import pyarrow.compute as pc

    return pc.match_substring_regex(pa.array([text], pa.binary()), pattern=pattern)[0].as_py()


def _quick_look(archive: zipfile.ZipFile, part: str) -> tuple[bool, bool]:
    """In one streaming pass: whether a far or oddly written reference, or a cell or row without
    one, shows; and whether a sign of an error cell or formula shows."""
    reach = marked = False
    bare = 0  # chunks in a row with no cell in them
    for chunk in _chunks(archive, part):
        bare = bare + 1 if len(chunk) >= _CHUNK and b"<c" not in chunk and b":c" not in chunk else 0
        if not reach and bare >= _TEXT_LIMIT_CHUNKS:
            raise _TooLong  # a giant text before any far reference, which fastexcel would copy several times
        cut = chunk.rfind(b"<")
        # Most chunks show nothing: one search of the three looks at once over the chunk up to its
        # last '<' (no match of _REACH_RE2 or _MARKERS_RE2 holds a '<' but as its first character, so
        # each lies wholly before or wholly after it), and a search of the short rest, instead of three.
        if cut > 0 and not _found(_ANY_LOOK_RE2, chunk[:cut]) and not _found(_REACH_OR_MARKED_RE2, chunk[cut:]):
            continue
        if not reach:
            body = chunk[: chunk.rfind(b"<")]  # so that no tag is cut at the end
            # Excel and the libraries that write .xlsx put r="..." first in every cell and row.
            reach = _found(_REACH_RE2, chunk) or _found(_UNREFERENCED_RE2, body)
        marked = marked or _found(_MARKERS_RE2, chunk)
        if reach and marked:
            break
    return reach, marked


def _may_reach_far(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the quick look finds a far or oddly written reference, or a cell or row without one."""
    return _quick_look(archive, part)[0]


def _placed_cells(archive: zipfile.ZipFile, part: str):
    """(row, column, element) for each cell of a sheet, placed as calamine places them.

    A cell is yielded when its element is complete; rows already seen are dropped from memory,
    so a sheet of millions of cells costs little to walk.
    """
    row = column = 0
    sheet_data = None
    with archive.open(part) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            name = _local(element.tag)
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
    for row, column, element in _placed_cells(archive, part):
        if len(element):  # it holds a value or a formula
            rows, columns = max(rows, row), max(columns, column)
            if rows > MAX_DATA_ROWS + 1 or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
                break
    return rows, columns


def _could_be_a_sheet(name: str) -> bool:
    name = name.lower()
    return name.endswith(".xml") and not name.endswith(("sharedstrings.xml", "styles.xml"))


def extent_problem(content: bytes, file: str, sheet: str, marked: set[str] | None = None) -> Problem | None:
    """A problem when the contract sheet's cells reach too far to read safely, else None.

    When `marked` is given, the sheet's name is added to it if its part shows a sign of an error
    cell or formula, so that unreadable_cells need not decompress it again to find out.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            member = _contract_members(archive).get(sheet)
            # A sheet whose part cannot be told apart is judged by every part that could be it.
            names = archive.namelist()
            members = [member] if member in names else [n for n in names if _could_be_a_sheet(n)]
            rows = columns = 0
            for part in members:
                reach, has_markers = _quick_look(archive, part)
                if has_markers and marked is not None and part == member:
                    marked.add(sheet)
                if reach:
                    part_rows, part_columns = _exact_extent(archive, part)
                    rows, columns = max(rows, part_rows), max(columns, part_columns)
    except _TooLong:
        return Problem.whole(file, sheet, _TOO_LONG)
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, EOFError, ValueError):
        return Problem.whole(file, sheet, "is damaged: it cannot be read")
    if rows > MAX_DATA_ROWS + 1:
        return Problem.whole(
            file,
            sheet,
            f"has cells below row {MAX_DATA_ROWS + 1:,}, more than {MAX_DATA_ROWS:,} rows: delete the rows below "
            "the table (or is this the wrong workbook?)",
        )
    if columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        return Problem.whole(
            file,
            sheet,
            f"reaches cell {_letters(columns)}{rows} or beyond: delete everything right of and below the table, "
            "then upload it again",
        )
    return None


def _flagged_cells(archive: zipfile.ZipFile, member: str, looked: bool = False):
    """(row, column index, what is wrong, value) for each error cell and formula without a saved result.

    `looked`: the quick look already found a sign of one in the member.
    """
    if not looked:
        chunks = _chunks(archive, member)
        try:
            if not any(_found(_MARKERS_RE2, chunk) for chunk in chunks):
                return
        finally:
            chunks.close()
    for row, column, element in _placed_cells(archive, member):
        children = {_local(child.tag): child for child in element}
        kind = element.get("t", "n")
        value = children.get("v")
        saved = value is not None and (value.text or kind in ("str", "inlineStr"))
        if kind == "e":
            yield row, column, "error", (value.text if value is not None else None) or "#error"
        elif "f" in children and not saved:
            yield row, column, "formula", "=" + (children["f"].text or "")


def _column_name(sheet: Sheet, raw: pa.Table, row: int, column: int) -> str | None:
    """The contract column (or field) a cell belongs to, its header text, or None for an ignored column."""
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
        return known.get(header_key(header), header) or _letters(column)
    if not header_key(header):
        return None
    return known.get(header_key(header), str(header))


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def unreadable_cells(
    content: bytes, file: str, sheets: dict[str, pa.Table], marked: set[str] | None = None
) -> list[Problem]:
    """Error cells and formulas with no saved result in the return's sheets, one problem each.

    `marked`, when given, names the sheets whose quick look (extent_problem) showed a sign of one:
    the others are not looked at again.
    """
    if marked is not None and not marked:
        return []  # no sheet showed a sign of one
    by_name = {s.name: s for s in RETURN_SHEETS}
    problems = []
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name, member in _contract_members(archive).items():
                if name not in sheets or member not in archive.namelist():
                    continue
                if marked is not None and name not in marked:
                    continue
                for row, column, kind, value in _flagged_cells(archive, member, looked=marked is not None):
                    column_name = _column_name(by_name[name], sheets[name], row, column)
                    if column_name is None:
                        continue
                    message = (
                        "is an error cell: correct the formula or type the value"
                        if kind == "error"
                        else "is a formula with no saved result: open and save the workbook in Excel, or type the value"
                    )
                    problems.append(Problem(file, name, row, column_name, value, message))
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, EOFError, ValueError):
        return [Problem.whole(file, "", "is damaged: its sheets cannot be read")]
    return problems
