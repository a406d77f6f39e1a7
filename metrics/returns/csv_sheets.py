"""A return as one CSV file per sheet (About.csv, Cases.csv, Activity.csv, Spend.csv), in a zip or a folder.

Each CSV becomes the same all-text table fastexcel makes of a sheet (row i = line i + 1), so a return
as CSV is checked exactly as a workbook is. A file is the sheet its name ends with ("2019-03 Cases.csv"
is Cases); other files are ignored, as other sheets of a workbook are. Text may be UTF-8, with or
without a byte-order mark, or Windows-1252 (what Excel on Windows saves as "CSV").
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path, PurePosixPath

import pyarrow as pa

from metrics.contract import MAX_DATA_ROWS, RETURN_SHEETS, Problem, Rejected, header_key
from metrics.i18n import _
from metrics.returns.workbook_xml import MAX_COLUMNS

MAX_CSV_BYTES = 50 * 1024 * 1024  # one sheet's text; a 50,000-row Cases sheet is about 10 MB
_LAST_WORD = re.compile(r"[^\s_.-]+$")


def decode(content: bytes) -> str | None:
    """The text of a CSV in UTF-8 (with or without a byte-order mark), UTF-16 with one (Excel's "Unicode Text")
    or Windows-1252; None when it is none of them (or holds a NUL, which no text file does)."""
    encodings = ("utf-16",) if content.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if "\x00" in text else text
    return None


def _dialect(text: str) -> str:
    """The separator of the header line: a comma, or the semicolon or tab some locales' Excel writes."""
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count) if first else ","


def parse(content: bytes, file: str, sheet: str) -> tuple[list[list[str]], Problem | None]:
    """A CSV's rows of cells, or the problem that it cannot be read."""
    text = decode(content)
    if text is None:
        return [], Problem.whole(file, sheet, _("is not text in UTF-8 or Windows-1252: save it again as CSV UTF-8"))
    rows: list[list[str]] = []
    try:
        for line in csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text)):
            if len(rows) > MAX_DATA_ROWS or len(line) > MAX_COLUMNS:
                return [], Problem.whole(file, sheet, _("has more than {rows} rows or {columns} columns: is this the "
                                                        "right file?").format(rows=f"{MAX_DATA_ROWS:,}",
                                                                              columns=MAX_COLUMNS))
            rows.append(line)
    except csv.Error as exc:
        return [], Problem.whole(file, sheet, _("cannot be read as CSV (line {line}: {error})").format(
            line=len(rows) + 1, error=exc))
    return rows, None


def raw_table(rows: list[list[str]]) -> pa.Table:
    """Rows of cells as fastexcel's all-text table of a sheet: one string column a column, blanks as NULL."""
    width = max((len(row) for row in rows), default=0)
    columns = [[(row[i] if i < len(row) and row[i] != "" else None) for row in rows] for i in range(width)]
    return pa.table({f"column_{i}": pa.array(values, pa.string()) for i, values in enumerate(columns)})


def sheet_of(name: str) -> str | None:
    """The contract sheet a CSV file is for, by the last word of its name ('2019-03 Cases.csv' -> 'Cases')."""
    path = PurePosixPath(name)
    if path.suffix.lower() != ".csv" or path.name.startswith(".") or "__MACOSX" in path.parts:
        return None
    word = _LAST_WORD.search(path.stem)
    by_key = {header_key(s.name): s.name for s in RETURN_SHEETS}
    return by_key.get(header_key(word.group(0))) if word else None


def is_csv_zip(archive: zipfile.ZipFile) -> bool:
    return any(sheet_of(name) for name in archive.namelist())


def read_sheets(content: bytes, file: str) -> tuple[dict[str, pa.Table], list[Problem]]:
    """The return's sheets from a zip of CSV files, and the problems of those missing or unreadable."""
    sheets, problems, found = {}, [], {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            if not info.is_dir() and (sheet := sheet_of(info.filename)):
                found.setdefault(sheet, []).append(info)
        for sheet in RETURN_SHEETS:
            members = found.get(sheet.name, [])
            if len(members) > 1:  # which one is the return? Reading either could load the wrong rows
                problems.append(Problem.whole(file, sheet.name, _("is more than one file: {files}").format(
                    files=", ".join(repr(m.filename) for m in members))))
            elif not members:
                if not sheet.optional:
                        problems.append(Problem.whole(file, sheet.name, _("sheet is missing: add {file}").format(
                            file=f"{sheet.name}.csv")))
            elif members[0].file_size > MAX_CSV_BYTES:
                problems.append(Problem.whole(file, sheet.name, _("is over {limit} MB of text: is this the right "
                                                                  "file?").format(limit=MAX_CSV_BYTES // 2**20)))
            else:
                with archive.open(members[0]) as stream:
                    rows, problem = parse(stream.read(MAX_CSV_BYTES + 1), file, sheet.name)
                if problem is None:
                    sheets[sheet.name] = raw_table(rows)
                else:
                    problems.append(problem)
    return sheets, problems


def zip_folder(folder: Path, file: str) -> bytes:
    """A folder's CSV files as one zip, the same bytes for the same files (so its SHA-256 names its content)."""
    files = [path for path in sorted(folder.iterdir()) if path.is_file() and sheet_of(path.name)]
    if not files:
        names = ", ".join(f"{s.name}.csv" for s in RETURN_SHEETS if not s.optional)
        raise Rejected([Problem.whole(file, "", _("is a folder holding no CSV file of the return's sheets "
                                                  "({files})").format(files=names))])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
                if path.stat().st_size > MAX_CSV_BYTES:
                    raise OSError(27, _("{file} is over {limit} MB").format(file=path.name,
                                                                            limit=MAX_CSV_BYTES // 2**20))
                info = zipfile.ZipInfo(path.name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
