"""The blank monthly return, generated from the data contract with openpyxl.

Its sheet names, headers and drop-down values are the contract's (keys and codes, the same in every
language); what a person reads about them is in both languages, the run's first: the Notes sheet (each
column's help, and each code's Welsh meaning) and the help beside each field of About and Activity. The
prompts and error messages of the cells' checks, which Excel limits to 255 characters, are in the first.
"""

from __future__ import annotations

import io
from pathlib import Path

from metrics.contract import (
    ABOUT,
    ACTIVITY,
    CASES,
    EARLIEST_DATE,
    SPEND,
    VOICES,
    Column,
    Sheet,
    code_text,
    column_help,
    sheet_help,
)
from metrics.i18n import LANGUAGES, N_, _, language, pgettext, use
from metrics.returns.topics import COMMENTARY, SHEETS
from metrics.safe_text import put_text

MAX_TEMPLATE_ROWS = 2000
_HEADER_FILL = "1F4E79"
_DATE_FORMAT = "yyyy-mm-dd"
_INLINE_LIST_LIMIT = 255
_TEXT_FORMAT = "@"  # Text: LibreOffice and Excel keep a typed 65+, 1/2 or 0012 as typed, not as a number or date
_EXCEL_TEXT_LIMIT = 255  # the longest prompt or error message of a cell's check that Excel accepts


def template_languages(languages=None) -> tuple[str, ...]:
    """The languages of a template's text: `languages` as given, or (None) the run's language, then the other."""
    if languages:
        return tuple(dict.fromkeys(languages))
    first = language()
    return (first, *(code for code in LANGUAGES if code != first))


def _each(languages: tuple[str, ...], text) -> list[str]:
    """text() in each language, each different text once, in order."""
    texts = []
    for code in languages:
        with use(code):
            texts.append(text())
    return list(dict.fromkeys(texts))


def _both(languages: tuple[str, ...], text) -> str:
    """'<first language> / <the other>', or the one text when they are the same."""
    return " / ".join(_each(languages, text))


def _meanings(languages: tuple[str, ...], col: Column) -> list[str]:
    """'Cymraeg: Female = Benyw · Male = Gwryw ...' for each language in which a code reads other than itself."""
    lines = []
    for code in languages:
        with use(code):
            pairs = [(c, code_text(col, c)) for c in col.codes]
            shown = [f"{c} = {meaning}" for c, meaning in pairs if meaning != c]
        if shown:
            lines.append(f"{LANGUAGES[code]}: " + " · ".join(shown))
    return lines


def _fit(text: str) -> str:
    return text if len(text) <= _EXCEL_TEXT_LIMIT else text[: _EXCEL_TEXT_LIMIT - 1] + "…"


# The words of the Notes sheet's columns; type and required are shown in the first language.
_NOTES_HEADER = (N_("sheet"), N_("column or field"), N_("type"), N_("required"), N_("allowed values"),
                 N_("what it means"))


def _type_word(kind: str) -> str:
    return {
        "text": pgettext("type of a column (template's Notes)", "text"),
        "date": pgettext("type of a column (template's Notes)", "date"),
        "month": pgettext("type of a column (template's Notes)", "month"),
        "code": pgettext("type of a column (template's Notes)", "code"),
        "int": pgettext("type of a column (template's Notes)", "int"),
        "number": pgettext("type of a column (template's Notes)", "number"),
    }[kind]


def column_format(col: Column) -> str | None:
    """The number format of a column's cells: dates as dates, codes and text as Text (None: General)."""
    return {"date": _DATE_FORMAT, "month": _TEXT_FORMAT, "code": _TEXT_FORMAT, "text": _TEXT_FORMAT}.get(col.type)


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
        # Excel limits an inline list to 255 characters: a longer one (the Commentary's topics, which hold
        # every measure's name) has no drop-down, and the Notes sheet lists its values.
        if len(",".join(col.codes)) > _INLINE_LIST_LIMIT:
            return None
        dv = DataValidation(type="list", formula1='"' + ",".join(col.codes) + '"', allow_blank=not col.required)
        dv.error = _("Choose one of: {codes}").format(codes=", ".join(col.codes))
    elif col.type == "date":
        # The same earliest date as the ingest check, which accepts that day itself.
        year, month, day = (int(part) for part in EARLIEST_DATE.split("-"))
        dv = DataValidation(
            type="date", operator="greaterThanOrEqual", formula1=f"DATE({year},{month},{day})", allow_blank=True
        )
        dv.error = _("Enter a date (YYYY-MM-DD) on or after {date}").format(date=EARLIEST_DATE)
    elif col.type == "int":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = _("Enter a whole number, 0 or more")
    elif col.type == "number":
        dv = DataValidation(
            type="decimal", allow_blank=True, operator="between", formula1="-1000000", formula2="1000000"
        )
        dv.error = _("Enter an amount in pounds")
    else:
        return None
    dv.showErrorMessage = True
    dv.error = _fit(dv.error)
    dv.errorTitle = col.name
    dv.prompt = _fit(column_help(col))
    dv.showInputMessage = True
    return dv


def _table_sheet(wb, sheet: Sheet, rows: list[dict] = ()) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet.name)
    _append(ws, sheet.names)
    _style_header(ws, [max(14, len(c.name) + 4) for c in sheet.columns])
    for r, record in enumerate(rows, start=2):
        for i, col in enumerate(sheet.columns, start=1):
            if record.get(col.name) is not None:
                cell = ws.cell(row=r, column=i, value=record[col.name])
                if isinstance(record[col.name], str):  # from a return: never a formula in the spreadsheet
                    put_text(cell, record[col.name])
                cell.number_format = column_format(col) or "General"
    for i, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        dv = _validation_for(col)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{MAX_TEMPLATE_ROWS}")
        # A column's format, not each cell's: a cell typed anywhere in the column takes it, and LibreOffice
        # and Excel keep a column's format however far down it is used.
        if column_format(col):
            ws.column_dimensions[letter].number_format = column_format(col)
    # LibreOffice writes its validity ranges to at most 1,000 rows below the last cell with anything in it
    # (measured with 7.4, whether saved by a person or converted): one space in the last row, beside the
    # table, keeps the drop-downs and date checks to row 2,000 after a save. The checks ignore it (a column
    # with no header, a cell of only whitespace).
    ws.cell(row=MAX_TEMPLATE_ROWS, column=len(sheet.columns) + 1, value=" ")


def _keyvalue_sheet(wb, sheet: Sheet, values: dict, languages: tuple[str, ...]) -> None:
    ws = wb.create_sheet(sheet.name)
    _append(ws, [sheet.key_header, sheet.value_header, _("what it means")])
    _style_header(ws, [26, 44, 70])
    for row, col in enumerate(sheet.columns, start=2):
        _append(ws, [col.name, values.get(col.name), _both(languages, lambda col=col: column_help(col))])
        value_cell = ws.cell(row=row, column=2)
        if column_format(col):  # the month as Text keeps 2019-03 as typed, not a date
            value_cell.number_format = column_format(col)
        dv = _validation_for(col)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(value_cell.coordinate)


_HOW_TO = (
    N_("One workbook per reporting month. Cases: one row per case open at any time in the month "
       "(new referrals, continuing cases and cases closed in the month). Use the same case_ref every month."),
    N_("Dates may be date cells, YYYY-MM-DD or DD/MM/YYYY. Never put a name in case_ref. Coded columns are "
       "formatted as Text, so that 65+ stays 65+; pick from the drop-down or type the code."),
    N_("Columns you add (notes, say) are ignored and never stored: keep names out of the return all the same. "
       "A total row under the Spend lines is left out when it equals them."),
)
_HOW_TO_END = N_("Header names ignore case, spaces and underscores. Every problem is reported at once, with "
                 "the sheet, row and column, and a rejected workbook changes nothing.")


def _how_to() -> list[str]:
    """The paragraphs under the Notes' columns, in this run's language (the sheets' names as they are)."""
    return [
        *(_(line) for line in _HOW_TO),
        f"{ABOUT.name}: {sheet_help(ABOUT)} {ACTIVITY.name}: {sheet_help(ACTIVITY)} {SPEND.name}: {sheet_help(SPEND)}",
        f"{COMMENTARY.name}: {sheet_help(COMMENTARY)} {VOICES.name}: {sheet_help(VOICES)} "
        + _("Both may be left out."),
        _(_HOW_TO_END),
    ]


def _notes_sheet(wb, languages: tuple[str, ...]) -> None:
    """Every column and field with its type, whether it is required, its codes and its help in both languages
    (and each code's meaning where it reads otherwise), then how to fill in the return, in each language."""
    from openpyxl.styles import Font

    ws = wb.create_sheet("Notes")
    headers = [[_(word) for word in _NOTES_HEADER]]
    for code in languages[1:]:
        with use(code):
            headers.append([_(word) for word in _NOTES_HEADER])
    _append(ws, headers[0])
    _style_header(ws, [12, 26, 10, 10, 60, 80])
    for header in headers[1:]:
        if header != headers[0]:  # the header in the other language, under the first (frozen above it)
            _append(ws, header)
            for cell in ws[ws.max_row]:
                cell.font = Font(italic=True)
    for sheet in SHEETS:
        for col in sheet.columns:
            meaning = "\n".join([_both(languages, lambda col=col: column_help(col)), *_meanings(languages, col)])
            _append(ws,
                [
                    sheet.name,
                    col.name,
                    _type_word(col.type),
                    pgettext("is the column required? (template's Notes)", "yes") if col.required
                    else pgettext("is the column required? (template's Notes)", "optional"),
                    " · ".join(col.codes),
                    meaning,
                ]
            )
    headings = []
    for code in languages:
        with use(code):
            heading, lines = _("How to fill in the return"), _how_to()
        if headings and [heading, *lines] == headings[-1][1]:
            continue  # the other language's text is this one's (not translated yet)
        _append(ws, [])
        _append(ws, [heading])
        headings.append((ws.max_row, [heading, *lines]))
        for line in lines:
            _append(ws, [line])
    for row, _text in headings:
        ws.cell(row=row, column=1).font = Font(bold=True)


def build_template(month: str | None = None, about: dict | None = None, cases: list[dict] = (),
                   languages: tuple[str, ...] | None = None) -> bytes:
    """The return as bytes: blank, with About's reporting_month filled in when given, or pre-filled with
    About's fields and case rows (returns.prefill). `languages`: those of its help and Notes, the first also
    that of its cells' prompts (None: the run's language, then the other)."""
    from openpyxl import Workbook

    languages = template_languages(languages)
    values = {**(about or {}), **({"reporting_month": month} if month else {})}
    wb = Workbook()
    wb.remove(wb.active)
    with use(languages[0]):
        for sheet in SHEETS:
            if sheet.kind == "keyvalue":
                _keyvalue_sheet(wb, sheet, values if sheet is ABOUT else {}, languages)
            else:
                _table_sheet(wb, sheet, cases if sheet is CASES else ())
        _notes_sheet(wb, languages)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_template(path: str | Path, month: str | None = None, languages: tuple[str, ...] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_template(month, languages=languages))
    return path
