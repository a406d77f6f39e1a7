"""Text from data made safe for where it goes: a spreadsheet cell, a CSV field, Markdown, the app's HTML.

A cell whose text starts with =, +, -, @, tab or carriage return is a formula to Excel, LibreOffice and
Google Sheets, and `=HYPERLINK("http://…"&A1,"click")` sends a cell's data away (OWASP's CSV
injection). `formula_like` is that rule, once. A CSV field gets an apostrophe in front (`csv_field`, as
OWASP advises), taken off again when the file comes back in (`from_csv_field`); a workbook cell is
written as a string with Excel's own quote prefix (`put_text`), so that its text stays exactly as it was.

Text that Streamlit shows is Markdown, where `![x](http://…)` is an image the reader's browser fetches:
`markdown` escapes every character Markdown gives a meaning, and `html` escapes text put inside the
app's own HTML (where Markdown still reads inline elements). The bottom layer: it imports nothing.
"""

from __future__ import annotations

import html as _html
import re

FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=^\"'])")
_HTML_ACTIVE = re.compile(r"[\\`*_{}\[\]()#+\-.!|~:$=^]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def formula_like(value: object) -> bool:
    """Whether a spreadsheet would take this text for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_FIRST)


def csv_field(value: object) -> object:
    """A value for a CSV field: text a spreadsheet would take for a formula gets an apostrophe in front."""
    return "'" + value if formula_like(value) else value


def from_csv_field(text: str | None) -> str | None:
    """A CSV field as it was before `csv_field` (an apostrophe before formula-like text comes off)."""
    if isinstance(text, str) and text.startswith("'") and formula_like(text[1:]):
        return text[1:]
    return text


def put_text(cell, text: str) -> None:
    """Write text into an openpyxl cell so that no spreadsheet takes it for a formula, even once edited."""
    cell.value = text
    cell.data_type = "s"  # openpyxl turns a leading '=' into a formula unless told otherwise
    if formula_like(text):
        cell.quotePrefix = True


def markdown(text: object) -> str:
    """Text shown as itself in Markdown: every character Markdown reads is escaped, line breaks become spaces."""
    return _MARKDOWN.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))


def html(text: object) -> str:
    """Text shown as itself inside HTML that Streamlit renders as Markdown too."""
    # Element text only, never an attribute: quotes stay as they are (their entities' # would be escaped again).
    escaped = _html.escape(_LINE_BREAKS.sub(" ", str(text)), quote=False)
    return _HTML_ACTIVE.sub(lambda m: f"&#{ord(m.group())};", escaped)
