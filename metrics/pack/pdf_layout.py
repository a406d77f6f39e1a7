"""The pack's PDF page: A4 with the marking, page numbers, headings, paragraphs, tables and charts (fpdf2).

Every page carries the protective marking in its header and footer and "Page n of N". Grades are
written as words in a coloured cell, never colour alone. Charts are the pack's Altair charts
rendered to PNG by vl-convert, with no browser and no network.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from metrics import i18n
from metrics.i18n import _
from metrics.measures import formatting
from metrics.measures.grading import GRADE_COLOURS, GRADE_INK, GRADE_WORDS
from metrics.pack.chart_images import alt_text, chart_png, png_size
from metrics.pack.model import NOT_SHOWN, Pack, Table, long_date

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu"
BODY_PT = 10  # the smallest type anywhere in the pack (issue 17 #6: body text was 7.2-9.5 pt)
LANGUAGE = "en-GB"
LANGUAGE_TAGS = {"en": LANGUAGE, "cy": "cy-GB"}  # the document's language: its first part's
HEADINGS = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
INK = (27, 27, 27)
MUTED = (90, 90, 90)
NUMERIC = {"whole", "percent", "money", "days", "number", "growth", "row", "row_change"}
# Characters the core fonts cannot encode, for when DejaVu is not installed.
# Welsh's â ê î ô û ï are Latin-1; ŵ and ŷ (and the rarer accents on w and y) are not.
_LATIN1 = str.maketrans({"–": "-", "—": "-", "−": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...",
                         "×": "x", "≤": "<=", "≥": ">=", "ŵ": "w", "Ŵ": "W", "ŷ": "y", "Ŷ": "Y", "ẁ": "w",
                         "ẃ": "w", "ẅ": "w", "ỳ": "y", "Ẁ": "W", "Ẃ": "W", "Ẅ": "W", "Ỳ": "Y"})


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


class PackPDF(FPDF):
    """A4 portrait with the marking, the pack's subject and page numbers on every page.

    Given a pack in several languages (one Pack each), `begin(pack)` starts each language's part: every page's
    header and footer are in the language of the part it belongs to, and in the outline each part is one entry."""

    def __init__(self, pack: Pack, *others: Pack):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack = pack
        self.parts = len(others) + 1
        self._page_packs: dict[int, Pack] = {}
        self._part_opened = False
        self.set_margins(18, 22, 18)
        self.set_auto_page_break(True, margin=20)
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists() and (FONT_DIR / "DejaVuSans-Bold.ttf").exists()
        if self.unicode:
            self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            self.family_name = FONT
        else:
            self.family_name = "helvetica"
        # a screen reader's voice; with the images' alt text, a tagged structure tree
        self.set_lang(LANGUAGE_TAGS.get(pack.language, LANGUAGE))
        with i18n.use(pack.language):
            self.set_title(_("Scrutiny pack: {service}, {period}").format(service=pack.service,
                                                                          period=pack.period.label))
            self.set_author(_("Connect Gwent MSHT advocate performance dashboard"))
        self.set_subject(pack.marking)
        # The day it was prepared, not the moment: the same figures give the same bytes (a meeting's pack rebuilt).
        self.set_creation_date(dt.datetime.combine(pack.generated_on, dt.time(), tzinfo=dt.UTC))
        self.set_text_color(*INK)

    def text_of(self, text: str) -> str:
        """The text itself with DejaVu; with the core fonts, the nearest Latin-1 ('£' is Latin-1)."""
        text = str(text)
        if self.unicode:
            return text
        return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)

    def begin(self, pack: Pack) -> None:
        """Start the part of the document for `pack` (its pages, headers, footers and outline entry)."""
        self.pack = pack
        self._part_opened = False

    def section(self, text: str) -> None:
        """An entry of the outline; in a document of several languages, under its language's entry."""
        if self.parts > 1:
            if not self._part_opened:
                self.start_section(i18n.LANGUAGES.get(self.pack.language, self.pack.language), level=0)
                self._part_opened = True
            self.start_section(text, level=1)
        else:
            self.start_section(text)

    def header(self):
        self._page_packs[self.page] = self.pack
        with i18n.use(self.pack.language):
            self._header()

    def footer(self):
        pack = self._page_packs.get(self.page, self.pack)
        with i18n.use(pack.language):
            self._footer(pack)

    def _header(self):
        self.set_y(8)
        self.font(BODY_PT, bold=True)
        self.cell(0, 5, self.text_of(self.pack.marking), align="C", new_x="LMARGIN", new_y="NEXT")
        self.font(BODY_PT)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.text_of(f"{self.pack.service} · {self.pack.period.label}"), align="C")
        self.set_text_color(*INK)
        self.set_y(self.t_margin)

    def _footer(self, pack: Pack):
        """As at, marking and page number on one line; when they cannot share it, the marking on a line above."""
        self.font(BODY_PT)
        as_at = (_("Figures as at {day}").format(day=long_date(pack.as_at)) if pack.as_at
                 else _("No returns loaded"))
        as_at = self.text_of(as_at)
        page = self.text_of(_("Page {page} of {total}").format(page=self.page_no(), total="{nb}"))
        sides = max(self.get_string_width(as_at), self.get_string_width(page.replace("{nb}", "999"))) + 2
        self.font(BODY_PT, bold=True)
        marking = self.text_of(pack.marking)
        one_line = sides <= 60 and self.get_string_width(marking) + 2 <= self.epw - 120
        if not one_line:
            self.set_y(-19)
            self.set_text_color(*INK)
            self.cell(0, 5, marking, align="C")
        self.set_y(-14)
        self.font(BODY_PT)
        self.set_text_color(*MUTED)
        self.cell(60 if one_line else self.epw / 2, 5, as_at)
        if one_line:
            self.font(BODY_PT, bold=True)
            self.set_text_color(*INK)
            self.cell(self.epw - 120, 5, marking, align="C")
        self.font(BODY_PT)
        self.set_text_color(*MUTED)
        self.cell(60 if one_line else self.epw / 2, 5, page, align="R")
        self.set_text_color(*INK)

    # --- building blocks -------------------------------------------------------------------

    def heading(self, text: str, size: float = 15) -> None:
        """A page's heading, and its bookmark in the outline."""
        self.section(text)
        self.font(size, bold=True)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(2)

    def facts(self, rows: list[tuple[str, str]], line_height: float) -> None:
        """A cover page's label: value lines, the labels bold in a 45 mm column (wider for a longer label)."""
        self.font(10.5, bold=True)
        width = max([45] + [self.get_string_width(self.text_of(label)) + 3 for label, _value in rows])
        for label, value in rows:
            self.font(10.5, bold=True)
            self.cell(width, line_height, self.text_of(label))
            self.font(10.5)
            self.multi_cell(0, line_height, self.text_of(value), new_x="LMARGIN", new_y="NEXT", align="L")

    def para(self, text: str, size: float = BODY_PT, bold: bool = False, muted: bool = False) -> None:
        self.font(size, bold)
        if muted:
            self.set_text_color(*MUTED)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_text_color(*INK)
        self.ln(1.5)

    def bullets(self, items: list[str], size: float = BODY_PT) -> None:
        self.font(size)
        for item in items:
            self.cell(5, size * 0.5, "•" if self.unicode else "-")
            self.multi_cell(0, size * 0.5, self.text_of(item), new_x="LMARGIN", new_y="NEXT", align="L")
            self.ln(1)

    def table(
        self, table: Table, widths: tuple[float, ...], size: float = BODY_PT, grades: str | None = None,
        padding: tuple[float, float] = (1.2, 1.5),
    ) -> None:
        """A Table with numbers right-aligned; the `grades` column as a word on its colour."""
        self.font(size)
        self.set_draw_color(150, 150, 150)
        self.set_line_width(0.2)
        align = tuple("RIGHT" if c.format in NUMERIC else "LEFT" for c in table.columns)
        widths = widths[:len(table.columns)]  # a width too many is the same layout (each column's share is kept)
        widths, _fits = self._whole_words(table, widths, size, padding[-1], grades)  # padding: (vertical, horizontal)
        with super().table(
            col_widths=widths,
            text_align=align,
            headings_style=HEADINGS,
            line_height=size * 0.5,
            padding=padding,
            width=sum(widths),
            align="LEFT",
            borders_layout="HORIZONTAL_LINES",
        ) as grid:
            header = grid.row()
            for column in table.columns:
                header.cell(self.text_of(column.label))
            for row in table.rows:
                line = grid.row()
                for column in table.columns:
                    value = row.get(column.key)
                    if column.key == grades:
                        grade = value or "grey"
                        line.cell(
                            self.text_of(_(GRADE_WORDS[grade])),
                            align="CENTER",
                            style=FontFace(
                                emphasis="BOLD", color=_rgb(GRADE_INK[grade]), fill_color=_rgb(GRADE_COLOURS[grade])
                            ),
                        )
                    else:
                        line.cell(self.text_of(cell_text(table.format(column, row), value)))
        if table.note:
            self.ln(1.5)
            self.para(table.note, muted=True)
        self.ln(3)

    def words_fit(self, table: Table, widths: tuple[float, ...], size: float = BODY_PT, padding: float = 1.5,
                  grades: str | None = None) -> bool:
        """Whether every word of the table fits on a line of its column (the columns' widths shared out as need be):
        when not, the page is better turned landscape, the table the page's width."""
        return self._whole_words(table, widths, size, padding, grades)[1]

    def _whole_words(self, table: Table, widths: tuple[float, ...], size: float, padding: float,
                     grades: str | None = None) -> tuple[tuple[float, ...], bool]:
        """The columns' widths, each widened (at the others' expense, where they have room) to hold its heading's
        longest word (and its cells') on one line: a narrow column's heading wraps at its spaces, never inside a word
        (Welsh headings run longer than English). The widths given, unchanged, when every word fits."""
        widths = widths[:len(table.columns)]
        if len(widths) != len(table.columns):  # fpdf2 lays out such a table as it can: left as it is
            return widths, True
        self.font(size, bold=True)
        need = [max([self.get_string_width(w) for w in self.text_of(c.label).split()] or [0]) + 2 * padding + 0.6
                for c in table.columns]
        self.font(size)
        for j, column in enumerate(table.columns):  # and its cells' longest word ('2 ddiwrnod' under 'Target')
            if column.key != grades:
                words = [w for row in table.rows
                         for w in self.text_of(cell_text(table.format(column, row), row.get(column.key))).split()]
                need[j] = max([need[j]] + [self.get_string_width(w) + 2 * padding + 0.6 for w in words])
        short = [max(n - w, 0) for n, w in zip(need, widths, strict=True)]
        if not any(short):
            return widths, True
        spare = [max(w - n, 0) if s == 0 else 0 for n, w, s in zip(need, widths, short, strict=True)]
        wanted, room = sum(short), sum(spare)
        if room <= 0:
            return widths, False
        take = min(wanted, room) / room
        given = min(wanted, room) / wanted
        return tuple(w + s * given - r * take for w, s, r in zip(widths, short, spare, strict=True)), wanted <= room

    def wide_enough(self, table: Table, widths: tuple[float, ...]) -> tuple[float, ...]:
        """A new page for the table: portrait with `widths` when its words fit them, else landscape with the widths
        stretched to the page's (Welsh headings of eight narrow columns)."""
        if self.words_fit(table, widths):
            self.add_page(orientation="P")
            return widths
        self.add_page(orientation="L")
        return tuple(w * self.epw / sum(widths) for w in widths)

    def chart(self, chart, caption: str = "", max_height: float = 105) -> None:
        """An Altair chart as a PNG the width of the page (at most `max_height` mm tall), titled by itself."""
        png = chart_png(chart)
        width_px, height_px = png_size(png)
        width = min(self.epw, max_height * width_px / height_px)
        height = width * height_px / width_px
        if self.will_page_break(height + 8):
            self.add_page()
        self.image(io.BytesIO(png), x=self.l_margin + (self.epw - width) / 2, w=width, alt_text=alt_text(chart))
        if caption:
            self.para(caption, muted=True)
        self.ln(4)


def cell_text(fmt: str, value) -> str:
    """A table cell as people read it: formatting.text, and 'not shown' in the pack's language."""
    return _(NOT_SHOWN) if value == NOT_SHOWN else formatting.text(fmt, value)
