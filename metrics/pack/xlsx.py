"""The scrutiny pack as an Excel workbook (openpyxl): one sheet per table, real numbers.

Numbers are written as numbers with formats (%, £, dates) so that they can be worked with;
'<5', 'not shown' and 'n/a' stay text. Every text cell is written as a string, never a formula,
and text that a spreadsheet could take for one (starting =, +, -, @, tab or carriage return)
also gets the quote-prefix style, so Excel keeps it as text even when the cell is edited.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from metrics.measures.grading import GRADE_COLOURS, GRADE_INK, GRADE_WORDS
from metrics.measures.publication import PUBLICATION_METHOD
from metrics.pack.model import Pack, Table
from metrics.periods import month_start
from metrics.safe_text import put_text

NUMBER_FORMATS = {  # by the formats of metrics.measures.formatting
    "whole": "#,##0",
    "number": "#,##0",
    "percent": "0.0%",
    "money": '"£"#,##0.00',
    "days": '0.0" days"',
    "growth": "+0%;-0%;0%",
    "change_whole": "+#,##0;-#,##0;0",
    "change_percent": '+0.0%;-0.0%;0.0%',
    "change_money": '+"£"#,##0;-"£"#,##0;"£"0',
    "change_days": '+0.0" days";-0.0" days";0" days"',
    "month": "mmm yyyy",
    "date": "dd mmm yyyy",
}
HEADER_FILL = PatternFill("solid", fgColor="E1E1E1")
BOLD = Font(bold=True)
WRAPPED = {"reading", "definition", "area", "label", "text", "quote_or_summary"}


def put(cell, fmt: str, value) -> None:
    """A value as a number with its format, a date, or safe text."""
    if value is None:
        put_text(cell, "n/a")
        cell.alignment = Alignment(horizontal="right")
    elif isinstance(value, str) and fmt == "month":
        cell.value = month_start(value)
        cell.number_format = NUMBER_FORMATS["month"]
    elif isinstance(value, str):
        put_text(cell, value)
        if fmt != "text":
            cell.alignment = Alignment(horizontal="right")
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = NUMBER_FORMATS["date"]
    else:
        cell.value = value
        cell.number_format = NUMBER_FORMATS.get(fmt, "General")


def _marking(ws, pack: Pack) -> None:
    """The protective marking in the printed header and footer, with page numbers."""
    ws.oddHeader.center.text = pack.marking
    ws.oddHeader.center.font = "Arial,Bold"
    ws.oddFooter.center.text = pack.marking
    ws.oddFooter.right.text = "Page &P of &N"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _table_sheet(wb: Workbook, table: Table, pack: Pack) -> None:
    ws = wb.create_sheet(table.name)
    for j, column in enumerate(table.columns, 1):
        cell = ws.cell(1, j)
        put_text(cell, column.label)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(table.rows, 2):
        for j, column in enumerate(table.columns, 1):
            cell = ws.cell(i, j)
            value = row.get(column.key)
            if column.key == "grade":
                grade = value or "grey"
                put_text(cell, GRADE_WORDS[grade])
                cell.fill = PatternFill("solid", fgColor=GRADE_COLOURS[grade].lstrip("#").upper())
                cell.font = Font(bold=True, color=GRADE_INK[grade].lstrip("#").upper())
            else:
                put(cell, table.format(column, row), value)
            if column.key in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if table.note:
        put_text(ws.cell(len(table.rows) + 3, 1), table.note)
    ws.freeze_panes = "B2"
    for j, column in enumerate(table.columns, 1):
        longest = max([len(column.label)] + [len(str(r.get(column.key) or "")) for r in table.rows])
        ws.column_dimensions[get_column_letter(j)].width = min(max(longest + 2, 11), 60)
    _marking(ws, pack)


def _about_sheet(wb: Workbook, pack: Pack) -> None:
    ws = wb.active
    ws.title = "About"
    facts = [
        ("Pack", "Performance scrutiny pack: MSHT advocate service"),
        ("Service", pack.service),
        ("Period", pack.period.label),
        ("Compared with", pack.period.previous().label),
        ("Figures as at", pack.as_at or "no returns loaded yet"),
        ("Prepared on", pack.generated_on),
        ("Audience", pack.audience_label),
        ("Protective marking", pack.marking),
        (
            "Data",
            "Monthly returns loaded for " + ", ".join(pack.months_loaded)
            if pack.has_data
            else f"No monthly return is loaded for {pack.period.label}: there are no figures to report.",
        ),
    ]
    facts += [("Key message", m) for m in pack.messages]
    facts += [("Spend", n) for n in pack.spend_notes]
    facts += [("Data quality", n) for n in pack.quality_notes]
    if pack.audience == "partnership":
        facts.append(("Disclosure control", PUBLICATION_METHOD))
    for column, label in ((1, "Field"), (2, "Value")):
        put_text(ws.cell(1, column), label)
        ws.cell(1, column).font = BOLD
        ws.cell(1, column).fill = HEADER_FILL
    for i, (label, value) in enumerate(facts, 2):
        put_text(ws.cell(i, 1), label)
        ws.cell(i, 1).font = BOLD
        put(ws.cell(i, 2), "text", value)
        ws.cell(i, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 110
    _marking(ws, pack)


def _keep_carriage_returns(data: bytes, day: dt.date) -> bytes:
    """Write carriage returns in cell text as character references, every part dated `day`.

    XML readers turn a raw carriage return into a line feed, so '\\r=x' would come back '\\n=x';
    as '&#13;' it survives. Only text and attribute values can hold one in these parts. The parts' dates
    are the day the pack was prepared, not the moment, so the same figures give the same bytes.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/") and item.filename.endswith(".xml"):
                content = content.replace(b"\r", b"&#13;")
            elif item.filename == "docProps/core.xml":  # openpyxl stamps the moment of saving as modified
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + f"{day:%Y-%m-%d}T00:00:00Z".encode(),
                                 content)
            item.date_time = (day.year, day.month, day.day, 0, 0, 0)
            target.writestr(item, content)
    return out.getvalue()


def render(pack: Pack) -> bytes:
    """The pack as the bytes of an .xlsx workbook."""
    wb = Workbook()
    prepared = dt.datetime.combine(pack.generated_on, dt.time())
    wb.properties.created = wb.properties.modified = prepared
    _about_sheet(wb, pack)
    for table in pack.tables():
        _table_sheet(wb, table, pack)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _keep_carriage_returns(buffer.getvalue(), pack.generated_on)
