"""The blank monthly return, generated from the data contract with openpyxl."""

from __future__ import annotations

import io
from pathlib import Path

from metrics.contract import ABOUT, ACTIVITY, EARLIEST_DATE, RETURN_SHEETS, SPEND, Column, Sheet
from metrics.safe_text import put_text

MAX_TEMPLATE_ROWS = 2000
_HEADER_FILL = "1F4E79"
_DATE_FORMAT = "yyyy-mm-dd"


def _append(ws, values: list) -> None:
    """A row of the template, its text written so that no spreadsheet takes it for a formula."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            put_text(cell, cell.value)


def _style_header(ws, width_by_column: list[int]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(width_by_column, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def _validation_for(col: Column):
    from openpyxl.worksheet.datavalidation import DataValidation

    if col.type == "code":
        # Excel limits an inline list to 255 characters; every list in the contract fits.
        dv = DataValidation(type="list", formula1='"' + ",".join(col.codes) + '"', allow_blank=not col.required)
        dv.error = "Choose one of: " + ", ".join(col.codes)
    elif col.type == "date":
        # The same earliest date as the ingest check, which accepts that day itself.
        year, month, day = (int(part) for part in EARLIEST_DATE.split("-"))
        dv = DataValidation(
            type="date", operator="greaterThanOrEqual", formula1=f"DATE({year},{month},{day})", allow_blank=True
        )
        dv.error = f"Enter a date (YYYY-MM-DD) on or after {EARLIEST_DATE}"
    elif col.type == "int":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "Enter a whole number, 0 or more"
    elif col.type == "number":
        dv = DataValidation(
            type="decimal", allow_blank=True, operator="between", formula1="-1000000", formula2="1000000"
        )
        dv.error = "Enter an amount in pounds"
    else:
        return None
    dv.showErrorMessage = True
    dv.errorTitle = col.name
    dv.prompt = col.description
    dv.showInputMessage = True
    return dv


def _table_sheet(wb, sheet: Sheet) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet.name)
    _append(ws, sheet.names)
    _style_header(ws, [max(14, len(c.name) + 4) for c in sheet.columns])
    for i, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        cells = f"{letter}2:{letter}{MAX_TEMPLATE_ROWS}"
        dv = _validation_for(col)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(cells)
        if col.type == "date":
            for row in range(2, MAX_TEMPLATE_ROWS + 1):
                ws.cell(row=row, column=i).number_format = _DATE_FORMAT


def _keyvalue_sheet(wb, sheet: Sheet, month: str | None) -> None:
    ws = wb.create_sheet(sheet.name)
    _append(ws, [sheet.key_header, sheet.value_header, "what it means"])
    _style_header(ws, [26, 44, 70])
    for row, col in enumerate(sheet.columns, start=2):
        value = month if (col.name == "reporting_month" and month) else None
        _append(ws, [col.name, value, col.description])
        value_cell = ws.cell(row=row, column=2)
        if col.type == "date":
            value_cell.number_format = _DATE_FORMAT
        if col.type == "month":
            value_cell.number_format = "@"  # keep 2019-03 as text, not a date
        dv = _validation_for(col)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(value_cell.coordinate)


def _notes_sheet(wb) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet("Notes")
    _append(ws, ["sheet", "column or field", "type", "required", "allowed values", "what it means"])
    _style_header(ws, [12, 26, 10, 10, 60, 80])
    for sheet in RETURN_SHEETS:
        for col in sheet.columns:
            _append(ws,
                [
                    sheet.name,
                    col.name,
                    col.type,
                    "yes" if col.required else "optional",
                    " · ".join(col.codes),
                    col.description,
                ]
            )
    _append(ws, [])
    for line in (
        "How to fill in the return",
        "One workbook per reporting month. Cases: one row per case open at any time in the month "
        "(new referrals, continuing cases and cases closed in the month). Use the same case_ref every month.",
        "Dates may be date cells, YYYY-MM-DD or DD/MM/YYYY. Never put a name in case_ref.",
        f"{ABOUT.name}: {ABOUT.description} {ACTIVITY.name}: {ACTIVITY.description} {SPEND.name}: {SPEND.description}",
        "Header names ignore case, spaces and underscores. Every problem is reported at once, with "
        "the sheet, row and column, and a rejected workbook changes nothing.",
    ):
        _append(ws, [line])
    ws.cell(row=ws.max_row - 4, column=1).font = Font(bold=True)


def build_template(month: str | None = None) -> bytes:
    """The blank workbook as bytes (About's reporting_month filled in when given)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in RETURN_SHEETS:
        if sheet.kind == "keyvalue":
            _keyvalue_sheet(wb, sheet, month)
        else:
            _table_sheet(wb, sheet)
    _notes_sheet(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_template(path: str | Path, month: str | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_template(month))
    return path
