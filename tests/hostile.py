"""A corpus of hostile and broken workbooks, built in code (no binary files are committed).

Workbooks are written as raw SpreadsheetML, so that a test can put anything in a cell: an error
(#REF!), a formula with or without a saved result, a control character, a stray far cell.

    data = hostile.base_return()                  # a valid March 2019 return (sample_data.generate)
    rows = hostile.sheet_rows(data)               # {sheet: [[cell, ...], ...]}, header first
    rows["Cases"][1][2] = hostile.Raw('<c r="{ref}" t="e"><v>#REF!</v></c>')
    content = hostile.xlsx({name: hostile.sheet_xml(r) for name, r in rows.items()})
    hostile.corpus()                              # {name: bytes}: every hostile file, built once
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

from metrics.contract import CASES, SPEND
from sample_data.generate import returns

MONTH = "2019-03"
_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (after its 1900 leap-year bug)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Raw:
    """A cell written exactly as given; '{ref}' becomes its reference, e.g. C2."""

    xml: str


def base_return(seed: int = 8) -> dict:
    """A valid one-month return: {about, cases, activity, spend} (the generator's own data)."""
    return returns(seed=seed, first=MONTH, last=MONTH, per_month=(12, 12))[MONTH]


def sheet_rows(data: dict) -> dict[str, list[list]]:
    """The four sheets of a return as rows of cells, header first, in the template's layout."""
    return {
        "About": [["field", "value"], *([k, v] for k, v in data["about"].items())],
        "Cases": [CASES.names, *([row.get(n) for n in CASES.names] for row in data["cases"])],
        "Activity": [["measure", "count"], *([k, v] for k, v in data["activity"].items())],
        "Spend": [SPEND.names, *([row.get(n) for n in SPEND.names] for row in data["spend"])],
    }


def letters(column: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        out = chr(65 + remainder) + out
    return out


def _text(value: str) -> str:
    # XML cannot hold control characters: Excel writes them as _xHHHH_, and readers decode them.
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", escape(value))


def cell_xml(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value.xml.replace("{ref}", ref)
    if isinstance(value, dt.datetime):
        serial = (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}" s="1"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


def sheet_xml(rows: list[list], hidden_rows: tuple[int, ...] = (), merged: tuple[str, ...] = ()) -> str:
    """A worksheet part; hidden_rows are spreadsheet row numbers, merged are ranges like A1:B1."""
    body = []
    for number, row in enumerate(rows, start=1):
        hidden = ' hidden="1"' if number in hidden_rows else ""
        cells = "".join(cell_xml(f"{letters(i)}{number}", v) for i, v in enumerate(row, start=1))
        body.append(f'<row r="{number}"{hidden}>{cells}</row>')
    merges = ""
    if merged:
        merges = f'<mergeCells count="{len(merged)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merged)
        merges += "</mergeCells>"
    return f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(body)}</sheetData>{merges}</worksheet>'


_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
)


def xlsx(sheets: dict[str, str], extra_parts: dict[str, bytes | str] | None = None) -> bytes:
    """An .xlsx holding the given worksheet parts (name -> XML), in order, plus any extra parts.

    An extra part named xl/sharedStrings.xml is declared as the workbook's shared strings.
    """
    shared = "xl/sharedStrings.xml" in (extra_parts or {})
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared
                else ""
            )
            + f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" '
            f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
            + "".join(
                f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                for i, name in enumerate(sheets, start=1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_RELS}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_RELS}/styles" Target="styles.xml"/>'
            + (
                f'<Relationship Id="rId{len(sheets) + 2}" Type="{_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
                if shared
                else ""
            )
            + "</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
        **{f"xl/worksheets/sheet{i}.xml": xml for i, xml in enumerate(sheets.values(), start=1)},
        **(extra_parts or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2019, 7, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def workbook(data: dict | None = None, change=None, **layout) -> bytes:
    """A return as .xlsx; `change(rows)` may alter the sheets' rows (a dict of lists) first."""
    rows = sheet_rows(data or base_return())
    if change is not None:
        change(rows)
    return xlsx({name: sheet_xml(r, **layout.get(name, {})) for name, r in rows.items()})


# ---- the corpus ---------------------------------------------------------------------------


def _zip(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb(expanded_mb: int = 210, lie: bool = False) -> bytes:
    """A workbook whose Cases sheet is a few hundred kB zipped and `expanded_mb` MB unzipped.

    With lie=True the zip's directory claims the sheet is 1 kB, as a hand-made bomb would.
    """
    base = workbook()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet2.xml":
                target.writestr(info, source.read(info.filename))
                continue
            bomb = zipfile.ZipInfo(info.filename, date_time=(2019, 7, 1, 0, 0, 0))
            bomb.compress_type = zipfile.ZIP_DEFLATED
            with target.open(bomb, "w") as sheet:
                sheet.write(f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
                padding = b" " * (1 << 20)
                for _ in range(expanded_mb):
                    sheet.write(padding)
                sheet.write(b"</sheetData></worksheet>")
    content = bytearray(buffer.getvalue())
    if lie:
        _shrink_declared_size(content, b"xl/worksheets/sheet2.xml", 1024)
    return bytes(content)


def _shrink_declared_size(content: bytearray, name: bytes, size: int, crc: int | None = None) -> None:
    """Rewrite a member's uncompressed size (and CRC, if given) in its local header and the central directory."""
    local = content.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", content, local + 26)[0]
        if bytes(content[local + 30 : local + 30 + name_length]) == name:
            struct.pack_into("<I", content, local + 22, size)
            if crc is not None:
                struct.pack_into("<I", content, local + 14, crc)
        local = content.find(b"PK\x03\x04", local + 4)
    central = content.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", content, central + 28)[0]
        if bytes(content[central + 46 : central + 46 + name_length]) == name:
            struct.pack_into("<I", content, central + 24, size)
            if crc is not None:
                struct.pack_into("<I", content, central + 16, crc)
        central = content.find(b"PK\x01\x02", central + 4)


def lying_workbook() -> bytes:
    """Pen test finding 1 (about 4 kB): the Cases part's zip headers declare only its bytes before
    </sheetData>, with their CRC, while its stream goes on to a cell at XFD1048576.

    Python's zipfile stops at the declared size, so every check that reads the part through it sees
    a harmless sheet; fastexcel decompresses the whole stream and asks for 512 GB for the grid.
    """
    parts = {n: sheet_xml(r) for n, r in sheet_rows(base_return()).items()}
    honest = parts["Cases"]
    cut = honest.index("</sheetData>")
    parts["Cases"] = (honest[:cut] + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
                      + honest[cut:])
    content = bytearray(xlsx(parts))
    declared = honest[:cut].encode()
    _shrink_declared_size(content, b"xl/worksheets/sheet2.xml", len(declared), zlib.crc32(declared))
    return bytes(content)


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (what Excel writes for a password-protected workbook).

    Version 3, 512-byte sectors; every stream is padded to at least 4096 bytes so that it lives in
    ordinary sectors, and the sectors run: FAT, directory, then each stream.
    """
    sector = 512
    streams = {name: data.ljust(4096, b"\0") for name, data in streams.items()}
    runs = [len(data) // sector + bool(len(data) % sector) for data in streams.values()]
    entries = 1 + len(streams)
    directory_sectors = (entries * 128 + sector - 1) // sector
    total = 1 + directory_sectors + sum(runs)  # FAT sector first
    if total > sector // 4:
        raise ValueError("streams too large for one FAT sector")
    end_of_chain, fat_sector, free = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fat_sector]
    position = 1
    for length in [directory_sectors, *runs]:
        fat += [position + i + 1 for i in range(length - 1)] + [end_of_chain]
        position += length
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = free, right: int = free) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        ).ljust(128, b"\0")

    names = list(streams)
    directory = entry("Root Entry", 5, end_of_chain, 0, child=1 if names else free)
    start = 1 + directory_sectors
    for i, (name, length) in enumerate(zip(names, runs)):
        # A degenerate tree: each stream's right sibling is the next one.
        directory += entry(name, 2, start, len(streams[name]), right=i + 2 if i + 1 < len(names) else free)
        start += length
    directory = directory.ljust(directory_sectors * sector, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIII", 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain)
        + struct.pack("<I", 0)
        + struct.pack("<109I", *([0] + [free] * 108))
    )
    # Header fields after the 0x30 offset: directory sectors 0 (v3), FAT sectors 1, first directory
    # sector 1, transaction 0, mini cutoff 4096, first mini FAT none, mini FAT sectors 0, first DIFAT none.
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(streams.values())


def encrypted_workbook() -> bytes:
    """A password-protected .xlsx as Excel saves it: an OLE container with the encrypted package."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"  # agile encryption header, abridged
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 9000) + b"\x5a" * 9000})


def _cases_cell(rows, row: int, column: str, value) -> None:
    rows["Cases"][row - 1][CASES.names.index(column)] = value


def _error_cells(rows) -> None:
    _cases_cell(rows, 2, "referral_source", Raw('<c r="{ref}" t="e"><f>VLOOKUP(Z2,Lists!A:A,1,0)</f><v>#REF!</v></c>'))
    _cases_cell(rows, 3, "first_contact_date", Raw('<c r="{ref}" t="e"><f>B3/0</f><v>#DIV/0!</v></c>'))
    _cases_cell(rows, 4, "support_level", Raw('<c r="{ref}" t="e"><v>#N/A</v></c>'))
    rows["Spend"][1][2] = Raw('<c r="{ref}"><f>SUM(Z1:Z9)</f></c>')  # a formula never calculated
    rows["About"][3][1] = Raw('<c r="{ref}" t="e"><v>#VALUE!</v></c>')  # prepared_by


def _cached_formulas(rows) -> None:
    # Formulas whose saved results are valid values: the values are what the manager sees.
    _cases_cell(rows, 2, "referral_source", Raw('<c r="{ref}" t="str"><f>"Pol"&amp;"ice"</f><v>Police</v></c>'))
    rows["Activity"][1][1] = Raw('<c r="{ref}"><f>2+2</f><v>4</v></c>')
    rows["Spend"][2][2] = Raw('<c r="{ref}"><f>ROUND(100/3,2)</f><v>33.33</v></c>')


def shared_strings_bomb(count: int = 2_000_000) -> bytes:
    """A valid return plus a shared-strings table of `count` one-letter texts (about 100 kB zipped)."""
    table = f'<sst xmlns="{_MAIN}">' + "<si><t>x</t></si>" * count + "</sst>"
    rows = sheet_rows(base_return())
    return xlsx({n: sheet_xml(r) for n, r in rows.items()}, {"xl/sharedStrings.xml": table})


def giant_cell(megabytes: int = 20) -> bytes:
    """A valid return whose first spend detail is one text of `megabytes` MB."""
    text = "x" * (megabytes << 20)
    return workbook(change=_set("Spend", 2, 1, Raw(f'<c r="{{ref}}" t="inlineStr"><is><t>{text}</t></is></c>')))


def _junk_rows(count: int) -> str:
    header = "".join(cell_xml(f"{letters(i)}1", n) for i, n in enumerate(CASES.names, start=1))
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>junk {r}</t></is></c><c r="B{r}"><v>{r}</v></c></row>'
        for r in range(2, count + 2)
    )
    return f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'


def _without_references(rows: int, cells: int) -> str:
    """A Cases sheet whose extra rows and cells have no r="..." (calamine places each after the last)."""
    header = "".join(cell_xml(f"{letters(i)}1", n) for i, n in enumerate(CASES.names, start=1))
    row = "<row>" + "<c><v>1</v></c>" * cells + "</row>"
    return f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">{header}</row>{row * rows}</sheetData></worksheet>'


def _with_sheet_xml(name: str, xml: str) -> bytes:
    rows = sheet_rows(base_return())
    parts = {n: sheet_xml(r) for n, r in rows.items()}
    parts[name] = xml
    return xlsx(parts)


def _far_cell(ref: str) -> bytes:
    rows = sheet_rows(base_return())
    parts = {n: sheet_xml(r) for n, r in rows.items()}
    row = "".join(ch for ch in ref if ch.isdigit())
    parts["Cases"] = parts["Cases"].replace(
        "</sheetData>", f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )
    return xlsx(parts)


def _set(sheet: str, row: int, column: int, value):
    def change(rows):
        rows[sheet][row - 1][column] = value

    return change


def _chain(*changes):
    def change(rows):
        for step in changes:
            step(rows)

    return change


def _drop(*names: str):
    def change(rows):
        for name in names:
            del rows[name]

    return change


CASE = CASES.names.index


@functools.cache
def corpus() -> dict[str, bytes]:
    """Every hostile file by name. Built once a session (the zip bombs take about a second)."""
    base = base_return()
    valid = workbook(base)
    ordered = list(sheet_rows(base))

    def reorder_sheets() -> bytes:
        rows = sheet_rows(base)
        parts = {n: sheet_xml(rows[n]) for n in reversed(ordered)}
        parts = {"Notes": sheet_xml([["Anything at all"], [Raw('<c r="{ref}" t="e"><v>#REF!</v></c>')]]), **parts}
        parts["Lookups"] = sheet_xml([["x"]] * 3)
        return xlsx(parts)

    def twin_sheets() -> bytes:
        rows = sheet_rows(base)
        parts = {n: sheet_xml(r) for n, r in rows.items()}
        return xlsx({**parts, "CASES ": sheet_xml([rows["Cases"][0]])})  # a second, empty Cases sheet

    def renamed_sheets() -> bytes:
        rows = sheet_rows(base)
        return xlsx({f" {n.upper()} ": sheet_xml(r) for n, r in rows.items()})

    return {
        # Wrong kinds of file.
        "empty.xlsx": b"",
        "report.pdf.xlsx": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n",
        "picture.xlsx": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
        "cases.csv": (b"case_ref,referral_date\nCG-1903-001,2019-03-04\n"),
        "letter.docx": _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<document/>"}),
        "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
        "protected.xlsx": encrypted_workbook(),
        "zip-with-encryption.xlsx": _zip({"xl/workbook.xml": "<workbook/>", "EncryptionInfo": b"\x04\x00"}),
        # Damaged files.
        "truncated-half.xlsx": valid[: len(valid) // 2],
        "truncated-header.xlsx": valid[:4],
        "truncated-tail.xlsx": valid[:-22],
        "no-workbook-part.xlsx": _zip({"xl/worksheets/sheet1.xml": "<worksheet/>"}),
        "broken-xml.xlsx": _with_sheet_xml("Cases", f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1"'),
        # Bombs.
        "zip-bomb.xlsx": zip_bomb(),
        "zip-bomb-lying.xlsx": zip_bomb(lie=True),
        "entity-bomb.xlsx": _with_sheet_xml(
            "Cases",
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
            + f']><worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is>'
            "</c></row></sheetData></worksheet>",
        ),
        "far-cell.xlsx": _far_cell("XFD1048576"),
        "far-column.xlsx": _far_cell("XFD3"),
        "cells-without-references.xlsx": _with_sheet_xml("Cases", _without_references(1, 20_000)),
        "rows-without-references.xlsx": _with_sheet_xml("Cases", _without_references(60_000, 1)),
        "junk-50000-rows.xlsx": _with_sheet_xml("Cases", _junk_rows(50_000)),
        "junk-100000-rows.xlsx": _with_sheet_xml("Cases", _junk_rows(100_000)),
        "shared-strings-bomb.xlsx": shared_strings_bomb(),
        "giant-cell.xlsx": giant_cell(),
        # Sheets.
        "missing-sheets.xlsx": workbook(base, _drop("Activity", "Spend")),
        "no-return-sheets.xlsx": xlsx({"Sheet1": sheet_xml([["hello"]])}),
        "extra-and-reordered-sheets.xlsx": reorder_sheets(),
        "renamed-sheets.xlsx": renamed_sheets(),
        "twin-sheets.xlsx": twin_sheets(),
        "empty-sheets.xlsx": xlsx({n: sheet_xml([]) for n in ordered}),
        # Headers and rows.
        "merged-header.xlsx": workbook(
            base, _set("Cases", 1, CASE("referral_date"), None), Cases={"merged": ("A1:B1",)}
        ),
        "repeated-header.xlsx": workbook(base, _set("Cases", 1, CASE("closed_date"), "Referral Source")),
        "header-not-first-row.xlsx": workbook(base, lambda rows: rows["Cases"].insert(0, ["Monthly return"])),
        "hidden-rows.xlsx": workbook(base, Cases={"hidden_rows": (3, 4)}),
        # Cells.
        "error-cells.xlsx": workbook(base, _error_cells),
        "cached-formulas.xlsx": workbook(base, _cached_formulas),
        "unicode.xlsx": workbook(
            base,
            _chain(
                _set("About", 4, 1, "Siân Llŷr-Jones 👩\u200d💼"),
                _set("Spend", 5, 1, "Teithio: Caerdydd → Casnewydd ✓ «سفر» 旅行"),
            ),
        ),
        "unicode-case-ref.xlsx": workbook(base, _set("Cases", 2, CASE("case_ref"), "CG-1903-Ω01")),
        "control-characters.xlsx": workbook(
            base,
            _chain(
                _set("Spend", 2, 1, "Travel\x07\x1b[31m refund\x00"),
                _set("Cases", 3, CASE("case_ref"), "CG\x00-1903"),
                _set("About", 2, 1, "Connect Gwent\x0bMSHT Advocate"),
            ),
        ),
        "dates-out-of-range.xlsx": workbook(
            base,
            _chain(
                _set("Cases", 2, CASE("referral_date"), dt.date(1900, 3, 1)),
                _set("Cases", 3, CASE("referral_date"), dt.date(9999, 12, 31)),
                _set("Cases", 4, CASE("referral_date"), Raw('<c r="{ref}" s="1"><v>-5</v></c>')),
                _set("Cases", 5, CASE("referral_date"), Raw('<c r="{ref}" s="1"><v>99999999</v></c>')),
                _set("Cases", 6, CASE("referral_date"), "31/02/2019"),
                _set("About", 5, 1, dt.date(1999, 12, 31)),
            ),
        ),
        "huge-text-cell.xlsx": workbook(base, _set("Spend", 2, 1, "Travel " + "x" * 1_000_000)),
        "numbers-as-text.xlsx": workbook(
            base,
            _chain(
                _set("Activity", 2, 1, "4"),
                _set("Activity", 3, 1, " 2.0 "),
                _set("Activity", 4, 1, "1e1"),
                _set("Spend", 2, 2, "£1,234.50"),
                _set("Spend", 3, 2, "99"),
                _set("Cases", 2, CASE("referral_date"), "04/03/2019"),
            ),
        ),
        "numbers-as-bad-text.xlsx": workbook(
            base,
            _chain(
                _set("Activity", 2, 1, "four"),
                _set("Activity", 3, 1, "-1"),
                _set("Activity", 4, 1, "2.5"),
                _set("Spend", 2, 2, "12,34.5p"),
                _set("Cases", 2, CASE("referral_date"), "43528"),
            ),
        ),
    }


def largest_valid(rows: int = 50_000) -> bytes:
    """A valid return with as many cases as a return may hold, each a copy of the base return's first."""
    data = base_return()
    template = sheet_rows(data)["Cases"][1]
    cells = [cell_xml("{col}{row}", v) for v in template]
    pattern = "".join(c.replace("{col}", letters(i)) for i, c in enumerate(cells, start=1) if i > 1)
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>CG-{r:06d}</t></is></c>{pattern.replace("{row}", str(r))}</row>'
        for r in range(2, rows + 2)
    )
    header = "".join(cell_xml(f"{letters(i)}1", n) for i, n in enumerate(CASES.names, start=1))
    parts = {n: sheet_xml(r) for n, r in sheet_rows(data).items()}
    parts["Cases"] = f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'
    return xlsx(parts)


# The files that could cost the most memory, for a test that measures a process's peak.
WORST = (
    "zip-bomb.xlsx",
    "zip-bomb-lying.xlsx",
    "far-cell.xlsx",
    "far-column.xlsx",
    "cells-without-references.xlsx",
    "rows-without-references.xlsx",
    "junk-50000-rows.xlsx",
    "junk-100000-rows.xlsx",
    "shared-strings-bomb.xlsx",
    "giant-cell.xlsx",
)


def dump_tables(con) -> dict[str, list[tuple]]:
    """Every table's rows (sorted) and every sequence's position, except the audit log, which records rejections."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name <> 'audit_log' ORDER BY table_name"
        ).fetchall()
    ]
    dump = {name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall() for name in names}
    dump["sequences"] = con.execute(
        "SELECT sequence_name, start_value, last_value FROM duckdb_sequences() ORDER BY ALL"
    ).fetchall()
    return dump
