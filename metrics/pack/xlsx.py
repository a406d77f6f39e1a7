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

from metrics import i18n
from metrics.i18n import _, pgettext
from metrics.measures.grading import GRADE_COLOURS, GRADE_INK, GRADE_WORDS
from metrics.measures.publication import PUBLICATION_METHOD
from metrics.pack.model import NOT_SHOWN, Pack, Table
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
# Formats with a word in them: the word in the pack's language.
_WORDED = {"days": '0.0" {days}"', "change_days": '+0.0" {days}";-0.0" {days}";0" {days}"'}
SHEET_NAME_LENGTH = 31  # Excel's limit
_NOT_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})
HEADER_FILL = PatternFill("solid", fgColor="E1E1E1")
BOLD = Font(bold=True)
WRAPPED = {"reading", "definition", "area", "label", "text", "quote_or_summary"}


def number_format(fmt: str) -> str:
    """The Excel number format of one of formatting's formats, its words (days) in the pack's language."""
    if fmt in _WORDED:
        return _WORDED[fmt].format(days=pgettext("a unit after a number in a spreadsheet cell", "days"))
    return NUMBER_FORMATS.get(fmt, "General")


def sheet_name(name: str, suffix: str, taken: list[str]) -> str:
    """A sheet's name as Excel allows it: none of []:*?/\\, at most 31 characters with its suffix, no apostrophe
    at either end, and unlike every name taken (Excel compares them ignoring case)."""
    base = " ".join(name.translate(_NOT_IN_SHEET_NAMES).split()).strip("'") or "Sheet"
    lower = {t.lower() for t in taken}
    for n in range(1, 100):
        extra = "" if n == 1 else f" {n}"
        found = base[:SHEET_NAME_LENGTH - len(suffix) - len(extra)].rstrip(" '") + extra + suffix
        if found.lower() not in lower:
            return found
    raise ValueError("too many sheets of one name")


def put(cell, fmt: str, value) -> None:
    """A value as a number with its format, a date, or safe text."""
    if value is None:
        put_text(cell, _("n/a"))
        cell.alignment = Alignment(horizontal="right")
    elif isinstance(value, str) and fmt == "month":
        cell.value = month_start(value)
        cell.number_format = NUMBER_FORMATS["month"]
    elif isinstance(value, str):
        put_text(cell, _(NOT_SHOWN) if value == NOT_SHOWN else value)
        if fmt != "text":
            cell.alignment = Alignment(horizontal="right")
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = NUMBER_FORMATS["date"]
    else:
        cell.value = value
        cell.number_format = number_format(fmt)


def _marking(ws, pack: Pack) -> None:
    """The protective marking in the printed header and footer, with page numbers."""
    ws.oddHeader.center.text = pack.marking
    ws.oddHeader.center.font = "Arial,Bold"
    ws.oddFooter.center.text = pack.marking
    ws.oddFooter.right.text = _("Page &P of &N")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _table_sheet(wb: Workbook, table: Table, pack: Pack, suffix: str = "") -> None:
    ws = wb.create_sheet(sheet_name(table.name, suffix, wb.sheetnames))
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
                put_text(cell, _(GRADE_WORDS[grade]))
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


def _about_sheet(wb: Workbook, pack: Pack, suffix: str = "", first: bool = True) -> None:
    """The first sheet of the pack (of each language's part): what it is, for whom, and its notes."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = sheet_name(pgettext("the pack workbook's first sheet", "About"), suffix,
                          [t for t in wb.sheetnames if t != ws.title])
    facts = [
        (_("Pack"), _("Performance scrutiny pack: MSHT advocate service")),
        (_("Service"), pack.service),
        (_("Period"), pack.period.label),
        (_("Compared with"), pack.period.previous().label),
        (_("Figures as at"), pack.as_at or _("no returns loaded yet")),
        (_("Prepared on"), pack.generated_on),
        (_("Audience"), pack.audience_label),
        (_("Protective marking"), pack.marking),
        (
            _("Data"),
            _("Monthly returns loaded for {months}").format(months=", ".join(pack.months_loaded))
            if pack.has_data
            else _("No monthly return is loaded for {period}: there are no figures to "
                   "report.").format(period=pack.period.label),
        ),
    ]
    facts += [(_("Key message"), m) for m in pack.messages]
    facts += [(pgettext("a note on the pack's spend", "Spend"), n) for n in pack.spend_notes]
    facts += [(_("Data quality"), n) for n in pack.quality_notes]
    if pack.audience == "partnership":
        facts.append((_("Disclosure control"), _(PUBLICATION_METHOD)))
    for column, label in ((1, _("Field")), (2, _("Value"))):
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


def render(*packs: Pack) -> bytes:
    """The pack as the bytes of an .xlsx workbook; given the pack in several languages, each language's sheets
    one after the other, every sheet's name suffixed with its language (' (EN)', ' (CY)')."""
    first = packs[0]
    wb = Workbook()
    prepared = dt.datetime.combine(first.generated_on, dt.time())
    wb.properties.created = wb.properties.modified = prepared
    for i, pack in enumerate(packs):
        suffix = f" ({pack.language.upper()})" if len(packs) > 1 else ""
        with i18n.use(pack.language):
            _about_sheet(wb, pack, suffix, first=i == 0)
            for table in pack.tables():
                _table_sheet(wb, table, pack, suffix)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _keep_carriage_returns(buffer.getvalue(), first.generated_on)
