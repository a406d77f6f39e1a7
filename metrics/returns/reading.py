"""Reading a workbook's sheets as text, before any check: the file itself, its sheets, their header rows.

A workbook is first checked as a file (metrics.returns.file_checks: size, type, zip bomb), then read
with fastexcel with every cell as text (row i of a sheet is spreadsheet row i + 1). A table sheet's
header is mapped to the contract's columns; a key/value sheet is read as field -> (row, text). Nothing
is typed here: the checks (metrics.returns.checks) type and check the text in DuckDB.
"""

from __future__ import annotations

import difflib
import re

import pyarrow as pa
import pyarrow.compute as pc

from metrics.contract import MAX_DATA_ROWS, Problem, Sheet, header_key
from metrics.i18n import _, ngettext
from metrics.returns.file_checks import file_problem
from metrics.returns.workbook_xml import extent_problem, letters

# A date cell as fastexcel gives it ('2019-03-01 00:00:00'), or an ISO date cell (t="d", which Excel's Strict
# save, SheetJS and openpyxl's iso_dates write) at midnight ('2019-03-01T00:00:00', '...T00:00:00.000').
_MIDNIGHT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]00:00:00(?:\.0+)?")
# The same in RE2 for Arrow: Python's \d on text is any Unicode decimal digit (category Nd).
_ARROW_MIDNIGHT = r"^\p{Nd}{4}-\p{Nd}{2}-\p{Nd}{2}[ T]00:00:00(?:\.0+)?$"
# Any character str.isspace() is false for, so that a cell of only such whitespace counts as blank.
_NOT_WHITESPACE = (
    r"[^\x{9}-\x{d}\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
)


def open_workbook(content: bytes, file: str):
    """fastexcel's reader of a workbook whose shared strings are known to be affordable (ingest.check_return)."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(content)
        reader.sheet_names  # noqa: B018 (a damaged workbook fails here, not later)
    except Exception as exc:  # fastexcel raises its own error types for damaged files
        raise file_problem(file, _("cannot be read as a workbook ({error})").format(error=type(exc).__name__)) from None
    return reader


def read_sheet(
    reader, content: bytes, file: str, sheet: Sheet, measure: bool = True
) -> tuple[pa.Table | None, Problem | None]:
    """A sheet of the return as an all-text table (row i = row i+1), or the problem that it is missing
    or cannot be read. `measure`: look at the .xlsx sheet's extent first (an .ods is measured whole, by ods.py)."""
    twins = [name for name in reader.sheet_names if header_key(name) == header_key(sheet.name)]
    if not twins:  # an optional sheet left out is no sheet, and no problem
        return None, None if sheet.optional else Problem.whole(file, sheet.name, _("sheet is missing"))
    if len(twins) > 1:  # which one is the return? Reading either could load the wrong rows
        return None, Problem.whole(file, sheet.name, _("is more than one sheet: {sheets}").format(
            sheets=", ".join(map(repr, twins))))
    too_far = extent_problem(content, file, sheet.name) if measure else None  # before fastexcel allocates its grid
    if too_far is not None:
        return None, too_far
    try:
        # skip_rows=0 keeps blank leading rows, so that index i is spreadsheet row i + 1.
        loaded = reader.load_sheet(
            twins[0], header_row=None, dtypes="string", skip_rows=0, n_rows=MAX_DATA_ROWS + 2
        ).to_arrow()
    except Exception as exc:
        return None, Problem.whole(file, sheet.name, _("cannot be read ({error})").format(error=type(exc).__name__))
    if loaded.num_rows > MAX_DATA_ROWS + 1:
        return None, Problem.whole(
            file, sheet.name, _("has more than {n} rows: is this the right workbook?").format(n=f"{MAX_DATA_ROWS:,}")
        )
    return pa.Table.from_batches([loaded]) if isinstance(loaded, pa.RecordBatch) else loaded, None


def _texts(column: pa.ChunkedArray) -> list[str | None]:
    """A column's cells as text, a date cell as 2019-03-01 rather than fastexcel's '2019-03-01 00:00:00'."""
    return [value[:10] if value and _MIDNIGHT.fullmatch(value) else value for value in column.to_pylist()]


def _arrow_texts(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """`_texts` kept in Arrow: a date cell '2019-03-01 00:00:00' becomes '2019-03-01'."""
    column = column.cast(pa.string())
    midnight = pc.match_substring_regex(column, pattern=_ARROW_MIDNIGHT)
    return pc.if_else(midnight, pc.utf8_slice_codeunits(column, 0, 10), column)


def table_rows(sheet: Sheet, raw: pa.Table, file: str) -> tuple[pa.Table, list[Problem], list[Problem]]:
    """Map a sheet's header (row 1) to the contract: its data rows as text (text_table's, in Arrow), the
    header's problems, and notes naming the columns left out (never read into the rows, so never stored)."""
    if raw.num_rows == 0:
        missing = Problem(file, sheet.name, 1, "", "", _("header row is missing"))
        return text_table(sheet, [], [], file)[0], [missing], []
    header = [_texts(raw.column(i).slice(0, 1))[0] for i in range(raw.num_columns)]
    positions, problems, extras = header_positions(sheet, header, file)
    texts = [raw.column(i).slice(1).cast(pa.string()) for i in range(raw.num_columns)]
    # A row is a row of the return when a column of the contract holds more than whitespace (str.strip's)
    # in it: its cells joined end to end hold a character that is not whitespace. A note typed beside the
    # table, in a column the manager added, does not make a row.
    keep = _filled(texts[pos] for pos in positions.values())
    data = {"_row": pc.add(keep.cast(pa.int64()), 2)}
    for c in sheet.columns:
        pos = positions.get(c.name)
        data[c.name] = pa.nulls(len(keep), pa.string()) if pos is None else _arrow_texts(texts[pos]).take(keep)
    misspelt, notes = ignored_columns(sheet, file, positions, extras, texts)
    renamed = {p.column for p in misspelt}  # its misspelt header is its one problem, not also "missing"
    return pa.table(data), [p for p in problems if p.column not in renamed] + misspelt, notes


def _filled(columns) -> pa.Array:
    """The indices of the rows in which any of the columns holds more than whitespace."""
    columns = list(columns)
    if not columns:
        return pa.array([], pa.int64())
    joined = pc.binary_join_element_wise(*columns, "", null_handling="replace", null_replacement="")
    return pc.indices_nonzero(pc.match_substring_regex(joined, pattern=_NOT_WHITESPACE))


def ignored_columns(sheet: Sheet, file: str, positions: dict[str, int], extras: dict[int, str],
                    texts: list[pa.ChunkedArray]) -> tuple[list[Problem], list[Problem]]:
    """(problems, notes) for the columns that are not the contract's, each named by its header or letter, never
    by its cells: a header close to a column the sheet lacks is a problem (misspelt, its cells would be lost);
    any other column, and one with no header but something in it, is ignored with a note."""
    missing = {header_key(c.name): c.name for c in sheet.columns if c.name not in positions}
    problems, notes = [], []
    for text in extras.values():
        close = difflib.get_close_matches(header_key(text), list(missing), n=1, cutoff=0.8)
        if close:
            name = missing.pop(close[0])
            problems.append(Problem(file, sheet.name, 1, name, text, _(
                "is not the column's name: rename the header {name} (its cells are not read until it is)").format(
                    name=name)))
        else:
            notes.append(Problem(file, sheet.name, 1, text, "",
                                 _("is not a column of the return: it is ignored, and nothing in it is stored")))
    for index in range(len(texts)):
        if index in extras or index in positions.values():
            continue
        filled = len(_filled([texts[index]]))
        if filled:
            notes.append(Problem(file, sheet.name, None, letters(index + 1), "", ngettext(
                "has no header: it is ignored, and nothing in it ({n} filled cell) is stored",
                "has no header: it is ignored, and nothing in it ({n} filled cells) is stored", filled).format(
                    n=filled)))
    return problems, notes


def keyvalue_fields(sheet: Sheet, raw: pa.Table, file: str) -> tuple[dict[str, tuple[int, str | None]], list[Problem]]:
    """Read a key/value sheet: field -> (row number, text)."""
    problems: list[Problem] = []
    if raw.num_columns < 2 or raw.num_rows == 0:
        return {}, [
            Problem(
                file, sheet.name, 1, "", "", _("needs two columns headed '{key}' and '{value}'").format(
                    key=sheet.key_header, value=sheet.value_header)
            )
        ]
    keys, values = _texts(raw.column(0)), _texts(raw.column(1))
    if header_key(keys[0]) != header_key(sheet.key_header) or header_key(values[0]) != header_key(sheet.value_header):
        problems.append(
            Problem(
                file,
                sheet.name,
                1,
                "",
                f"{keys[0]} | {values[0]}",
                _("header should be '{key}' and '{value}'").format(key=sheet.key_header, value=sheet.value_header),
            )
        )
    known = {header_key(c.name): c.name for c in sheet.columns}
    found: dict[str, tuple[int, str | None]] = {}
    for i in range(1, len(keys)):
        if keys[i] is None or not str(keys[i]).strip():
            if values[i] is not None and str(values[i]).strip():
                problems.append(Problem(file, sheet.name, i + 1, sheet.key_header, "",
                                        _("is blank but a value is given")))
            continue
        name = known.get(header_key(keys[i]))
        if name is None:
            problems.append(
                Problem(file, sheet.name, i + 1, sheet.key_header, keys[i],
                        _("is not a known {key}").format(key=sheet.key_header))
            )
        elif name in found:
            problems.append(Problem(file, sheet.name, i + 1, sheet.key_header, keys[i], _("appears more than once")))
        else:
            found[name] = (i + 1, values[i])
    return found, problems


def text_table(
    sheet: Sheet, header: list, rows: list[list], file: str, first_row: int = 2
) -> tuple[pa.Table, list[Problem]]:
    """Map a header row to contract columns and build an all-text table with `_row` numbers; a column that
    is not the contract's is a problem (a settings table has exactly its columns)."""
    positions, problems, extras = header_positions(sheet, header, file, first_row)
    problems = [Problem(file, sheet.name, first_row - 1, str(text), "", _("is not a column of this sheet"))
                for text in extras.values()] + problems
    keep = [i for i, r in enumerate(rows) if any(v is not None and str(v).strip() for v in r)]
    data = {"_row": pa.array([first_row + i for i in keep], pa.int64())}
    for c in sheet.columns:
        pos = positions.get(c.name)
        values = [None] * len(keep)
        if pos is not None:
            values = [rows[i][pos] if pos < len(rows[i]) else None for i in keep]
            values = [None if v is None else str(v) for v in values]
        data[c.name] = pa.array(values, pa.string())
    return pa.table(data), problems


def header_positions(
    sheet: Sheet, header: list, file: str, first_row: int = 2
) -> tuple[dict[str, int], list[Problem], dict[int, str]]:
    """Contract column -> its position in the header row, the header's problems, and the headers that name
    no contract column (position -> text)."""
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    extras: dict[int, str] = {}
    known = {header_key(c.name): c.name for c in sheet.columns}
    for i, cell in enumerate(header):
        key = header_key(cell)
        if not key:
            continue
        name = known.get(key)
        if name is None:
            extras[i] = str(cell).strip()
        elif name in positions:
            problems.append(Problem(file, sheet.name, first_row - 1, name, "", _("heads more than one column")))
        else:
            positions[name] = i
    if not positions and extras:  # a title above the header, say: one problem, not one per column
        named = ", ".join(c.name for c in sheet.columns[:3])
        problems.append(Problem(file, sheet.name, first_row - 1, "", next(iter(extras.values())),
                                _("names none of the sheet's columns ({named}, ...): the header must be row {row}, "
                                  "one column name a cell").format(named=named, row=first_row - 1)))
        return positions, problems, {}
    for c in sheet.columns:
        if c.name not in positions and c.required:
            problems.append(
                Problem(file, sheet.name, first_row - 1, c.name, "", _("column is missing from the header row"))
            )
    return positions, problems, extras
