"""The scrutiny pack as an A4 PDF (fpdf2), readable when printed in greyscale.

Every page carries the protective marking in its header and footer and "Page n of N". Grades are
written as words in a coloured cell, never colour alone. Charts are the pack's Altair charts
rendered to PNG by vl-convert, with no browser and no network.
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from metrics.pack import Pack, Table, cell_text
from metrics.report import GRADE_COLOURS

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu"
GRADE_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "grey": "Not graded"}
# Text colour on each grade's fill, chosen for contrast in colour and in greyscale print.
GRADE_TEXT = {"green": (255, 255, 255), "amber": (0, 0, 0), "red": (255, 255, 255), "grey": (0, 0, 0)}
HEADINGS = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
INK = (27, 27, 27)
MUTED = (90, 90, 90)
NUMERIC = {"count", "rate", "gbp", "days", "number", "growth", "row", "row_change"}
# Characters the core fonts cannot encode, for when DejaVu is not installed.
_LATIN1 = str.maketrans({"–": "-", "—": "-", "−": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...",
                         "×": "x", "≤": "<=", "≥": ">="})


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


class PackPDF(FPDF):
    """A4 portrait with the marking, the pack's subject and page numbers on every page."""

    def __init__(self, pack: Pack):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack = pack
        self.set_margins(18, 22, 18)
        self.set_auto_page_break(True, margin=20)
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists() and (FONT_DIR / "DejaVuSans-Bold.ttf").exists()
        if self.unicode:
            self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            self.family_name = FONT
        else:
            self.family_name = "helvetica"
        self.set_title(f"Scrutiny pack: {pack.service}, {pack.period.label}")
        self.set_author("Connect Gwent MSHT advocate performance dashboard")
        self.set_subject(pack.marking)
        self.set_text_color(*INK)

    def text_of(self, text: str) -> str:
        """The text itself with DejaVu; with the core fonts, the nearest Latin-1 ('£' is Latin-1)."""
        text = str(text)
        if self.unicode:
            return text
        return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)

    def header(self):
        self.set_y(8)
        self.font(9, bold=True)
        self.cell(0, 5, self.text_of(self.pack.marking), align="C", new_x="LMARGIN", new_y="NEXT")
        self.font(7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self.text_of(f"{self.pack.service} · {self.pack.period.label}"), align="C")
        self.set_text_color(*INK)
        self.set_y(self.t_margin)

    def footer(self):
        self.set_y(-14)
        self.font(7.5)
        self.set_text_color(*MUTED)
        as_at = f"Figures as at {self.pack.as_at:%d %B %Y}" if self.pack.as_at else "No returns loaded"
        self.cell(60, 5, self.text_of(as_at))
        self.font(9, bold=True)
        self.set_text_color(*INK)
        self.cell(self.epw - 120, 5, self.text_of(self.pack.marking), align="C")
        self.font(7.5)
        self.set_text_color(*MUTED)
        self.cell(60, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*INK)

    # --- building blocks -------------------------------------------------------------------

    def heading(self, text: str, size: float = 15) -> None:
        self.font(size, bold=True)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(2)

    def para(self, text: str, size: float = 9.5, bold: bool = False, muted: bool = False) -> None:
        self.font(size, bold)
        if muted:
            self.set_text_color(*MUTED)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_text_color(*INK)
        self.ln(1.5)

    def bullets(self, items: list[str], size: float = 9.5) -> None:
        self.font(size)
        for item in items:
            self.cell(5, size * 0.5, "•" if self.unicode else "-")
            self.multi_cell(0, size * 0.5, self.text_of(item), new_x="LMARGIN", new_y="NEXT", align="L")
            self.ln(1)

    def table(
        self, table: Table, widths: tuple[float, ...], size: float = 8.5, grades: str | None = None,
        padding: tuple[float, float] = (1.2, 1.5),
    ) -> None:
        """A Table with numbers right-aligned; the `grades` column as a word on its colour."""
        self.font(size)
        self.set_draw_color(150, 150, 150)
        self.set_line_width(0.2)
        align = tuple("RIGHT" if c.unit in NUMERIC else "LEFT" for c in table.columns)
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
                            GRADE_WORDS[grade],
                            align="CENTER",
                            style=FontFace(
                                emphasis="BOLD", color=GRADE_TEXT[grade], fill_color=_rgb(GRADE_COLOURS[grade])
                            ),
                        )
                    else:
                        line.cell(self.text_of(cell_text(table.unit(column, row), value)))
        if table.note:
            self.ln(1.5)
            self.para(table.note, size=7.5, muted=True)
        self.ln(3)

    def chart(self, chart, caption: str = "", max_height: float = 105) -> None:
        """An Altair chart as a PNG the width of the page (at most `max_height` mm tall), titled by itself."""
        png = chart_png(chart)
        width_px, height_px = _png_size(png)
        width = min(self.epw, max_height * width_px / height_px)
        height = width * height_px / width_px
        if self.will_page_break(height + 8):
            self.add_page()
        self.image(io.BytesIO(png), x=self.l_margin + (self.epw - width) / 2, w=width)
        if caption:
            self.para(caption, size=7.5, muted=True)
        self.ln(4)


def chart_png(chart) -> bytes:
    """Render an Altair chart to PNG with vl-convert: no browser, no network."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=2)


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the PNG's header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# --- pages ------------------------------------------------------------------------------------


def _cover(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.ln(28)
    pdf.font(11)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 6, pdf.text_of("Modern Slavery and Human Trafficking advocate service"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.ln(2)
    pdf.font(26, bold=True)
    pdf.multi_cell(0, 12, pdf.text_of("Performance scrutiny pack"), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(4)
    pdf.font(15, bold=True)
    pdf.multi_cell(0, 8, pdf.text_of(pack.service), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(8)
    facts = [
        ("Period", f"{pack.period.label} (compared with {pack.period.previous().label})"),
        ("Figures as at", f"{pack.as_at:%d %B %Y}" if pack.as_at else "no returns loaded yet"),
        ("Prepared on", f"{pack.generated_on:%d %B %Y}"),
        ("Audience", pack.audience_label),
        ("Protective marking", pack.marking),
    ]
    for label, value in facts:
        pdf.font(10.5, bold=True)
        pdf.cell(45, 7, pdf.text_of(label))
        pdf.font(10.5)
        pdf.multi_cell(0, 7, pdf.text_of(value), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(10)
    pdf.set_line_width(0.6)
    pdf.font(20, bold=True)
    pdf.cell(0, 16, pdf.text_of(pack.marking), border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    if pack.audience == "partnership":
        pdf.para(
            "Prepared for circulation to the Gwent Anti-Slavery partnership group. It holds aggregates only: "
            "counts of people from 1 to 4 are shown as <5 (with one more cell hidden, *, where a total would "
            "give a small one away) and percentages of fewer than 10 people are not shown.",
            size=9,
        )
    else:
        pdf.para(
            "Prepared for the Police and Crime Commissioner's office ahead of the scrutiny meeting. Not for "
            "circulation beyond the PCC's office and Connect Gwent: the partnership group has its own version.",
            size=9,
        )
    pdf.ln(4)
    pdf.para("Contents", size=10.5, bold=True)
    sections = (
        ["Summary: every graded measure", "Figures for the period", "Referral growth against the reference areas",
         "Spend against budget", "Trends", "Month by month"]
        if pack.has_data
        else ["No data for this period"]
    )
    pdf.bullets(sections + ["Data quality", "Appendix: definitions"], size=9.5)


def _no_data(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading("No data for this period")
    pdf.para(
        f"No monthly return is loaded for {pack.period.label}, so this pack has no figures to report. "
        "The data-quality notes below list the months that are missing; once their returns are uploaded the "
        "pack can be produced again."
    )


def _summary(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading(f"Summary: {pack.period.label}")
    if pack.messages:
        pdf.para("Key messages (the measures furthest from target first)", size=10.5, bold=True)
        pdf.bullets(pack.messages, size=9)
        pdf.ln(2)
    pdf.para("Every graded measure", size=10.5, bold=True)
    pdf.table(pack.summary, (36, 17, 17, 15, 18, 71), size=7.8, grades="grade")
    pdf.para(
        "Grades: Green, the target is met; Amber, within the amber band of the target; Red, beyond it; "
        "Not graded, when there is nothing to measure or the figure is not shown.",
        size=7.5,
        muted=True,
    )


def _figures(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading("Figures for the period")
    pdf.para(f"{pack.period.label} beside the previous period of the same length, {pack.period.previous().label}.",
             muted=True)
    pdf.table(pack.headline, (86, 30, 30, 28), size=8.5)


def _charts(pdf: PackPDF, pack: Pack, section: str, max_height: float = 105) -> None:
    for chart in pack.charts:
        if chart.section == section and chart.chart is None:
            pdf.para(chart.caption, size=9, muted=True)
        elif chart.section == section:
            pdf.chart(chart.chart, chart.caption, max_height)


def _growth(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading("Referral growth against the reference areas")
    if pack.growth_headline:
        pdf.para(pack.growth_headline, size=11, bold=True)
    pdf.table(pack.growth, (74, 34, 34, 32), size=9)
    if pack.growth_notes:
        pdf.bullets(pack.growth_notes, size=8.5)
        pdf.ln(2)
    _charts(pdf, pack, "growth", max_height=80)


def _spend(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading("Spend against budget")
    pdf.table(pack.spend, (24, 21, 21, 21, 21, 20, 23, 23), size=8)
    pdf.bullets(pack.spend_notes, size=9)
    pdf.ln(3)
    _charts(pdf, pack, "spend", max_height=95)


def _trends(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading("Trends")
    _charts(pdf, pack, "trends", max_height=100)


def _monthly(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading("Month by month")
    window = pack.monthly.title.removeprefix("Month by month, ")
    pdf.para(window[:1].upper() + window[1:] + ".", muted=True)
    count = len(pack.monthly.columns)
    first = 17
    pdf.table(pack.monthly, (first, *[(pdf.epw - first) / (count - 1)] * (count - 1)), size=7.2, padding=(1.2, 0.8))


def _quality(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading("Data quality")
    pdf.bullets(pack.quality_notes, size=9.5)
    pdf.ln(2)
    pdf.table(pack.returns, (28, 28, 32, 32, 24, 30), size=8.5)


def _definitions(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading("Appendix: definitions")
    pdf.table(pack.definitions, (40, 20, 92, 22), size=7.5)


def render(pack: Pack) -> bytes:
    """The pack as the bytes of a PDF."""
    pdf = PackPDF(pack)
    _cover(pdf, pack)
    if pack.has_data:
        for page in (_summary, _figures, _growth, _spend, _trends, _monthly):
            page(pdf, pack)
    else:
        _no_data(pdf, pack)
    _quality(pdf, pack)
    _definitions(pdf, pack)
    return bytes(pdf.output())
