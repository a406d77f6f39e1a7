"""OpenDocument spreadsheets (.ods) written by hand, as LibreOffice lays them out, for the tests.

    content = ods_files.ods({"About": rows, "Cases": rows, ...})     # rows of values, header first
    content = ods_files.ods({"Cases": [[ods_files.Raw('<table:table-cell .../>')]]})   # a cell as given
    content = ods_files.from_return(workbooks.valid_return())        # a return in the template's layout

A value becomes the cell LibreOffice writes for it: a str a string cell, a number a float cell, a date a
date cell, None an empty cell; a Raw cell (or a Raw in place of a row) is written exactly as given.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from metrics.contract import RETURN_SHEETS

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


class Raw(str):
    """A cell's XML, written as given."""


def cell(value) -> str:
    if isinstance(value, Raw):
        return value
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return (f'<table:table-cell office:value-type="date" office:date-value="{day.isoformat()}" '
                f'calcext:value-type="date"><text:p>{day:%d/%m/%Y}</text:p></table:table-cell>')
    if isinstance(value, bool) or not isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>'
                f"{escape(str(value))}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="float" office:value="{value}" calcext:value-type="float">'
            f"<text:p>{value}</text:p></table:table-cell>")


def table(name: str, rows: list[list]) -> str:
    """A table as LibreOffice writes one: its rows, then the empty rows to the sheet's end in one repeated row."""
    trailing_rows = 1048576 - len(rows)
    body = "".join(row if isinstance(row, Raw) else "<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>"
                   for row in rows)
    tail = (f'<table:table-row table:number-rows-repeated="{trailing_rows}"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row>') if trailing_rows else ""
    return f"<table:table table:name={quoteattr(name)}>{body}{tail}</table:table>"


def ods(tables: dict[str, list[list]], content_xml: str | None = None, manifest: str = MANIFEST,
        mimetype: str = MIMETYPE) -> bytes:
    """An .ods holding the tables (name -> rows), or exactly the given content.xml."""
    if content_xml is None:
        content_xml = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NAMESPACES} '
                       'office:version="1.3"><office:body><office:spreadsheet>'
                       + "".join(table(name, rows) for name, rows in tables.items())
                       + "</office:spreadsheet></office:body></office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # first and stored, as the format asks
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content_xml, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def return_rows(data: dict) -> dict[str, list[list]]:
    """A return (workbooks.valid_return()) as the rows of its sheets, in the template's layout."""
    rows = {}
    for sheet in RETURN_SHEETS:
        if sheet.kind == "keyvalue":
            values = data["about" if sheet.name == "About" else "activity"]
            rows[sheet.name] = [[sheet.key_header, sheet.value_header], *([k, v] for k, v in values.items())]
        elif sheet.name.lower() in data or not sheet.optional:  # an optional sheet only when the return has it
            records = data[sheet.name.lower()]
            rows[sheet.name] = [sheet.names, *([record.get(n) for n in sheet.names] for record in records)]
    return rows


def from_return(data: dict) -> bytes:
    return ods(return_rows(data))
