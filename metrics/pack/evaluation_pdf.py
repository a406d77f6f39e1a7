"""The end-of-grant evaluation as an A4 PDF: the pack's page (marking, page numbers, 10 pt type at least)."""

from __future__ import annotations

from metrics.pack.evaluation import Evaluation
from metrics.pack.pdf_layout import BODY_PT, INK, MUTED, PackPDF

FIGURE_WIDTHS = (44, 22, 18, 27, 63)  # "Not graded" on one line
COUNT_WIDTHS = (100, 30)  # a table of counts with no target


def _cover(pdf: PackPDF, paper: Evaluation) -> None:
    pdf.add_page()
    pdf.start_section("End-of-grant evaluation")
    pdf.ln(4)
    pdf.font(11)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 6, pdf.text_of("Modern Slavery and Human Trafficking advocate service"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.ln(2)
    pdf.font(21, bold=True)  # the grant's name on the title's line, so that the cover is one page
    pdf.multi_cell(0, 10, pdf.text_of(f"End-of-grant evaluation: {paper.grant}"), new_x="LMARGIN", new_y="NEXT",
                   align="L")
    pdf.ln(3)
    pdf.font(14, bold=True)
    pdf.multi_cell(0, 7, pdf.text_of(paper.pack.service), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(5)
    facts = [
        ("Grant", f"{paper.grant}: {paper.grant_start:%d %B %Y} to {paper.grant_end:%d %B %Y}"),
        ("Months reported", paper.pack.period.label),
        ("Figures as at", f"{paper.pack.as_at:%d %B %Y}" if paper.pack.as_at else "no returns loaded yet"),
        ("Prepared on", f"{paper.pack.generated_on:%d %B %Y}"),
        ("Protective marking", paper.pack.marking),
    ]
    pdf.facts(facts, line_height=6)
    pdf.ln(3)
    pdf.para("The decision", size=12, bold=True)
    pdf.para("Whether to continue funding the MSHT advocate post. The Police and Crime Commissioner funded it on "
             "condition that its performance is reported and scrutinised; this paper brings that reporting together "
             "over the whole grant, purpose by purpose, with the spend, the outcomes for victims, the quality of the "
             "data behind them and what the scrutiny meetings asked for.")
    pdf.para("The evidence in brief", size=12, bold=True)
    pdf.bullets(paper.decision)
    pdf.ln(2)
    pdf.para("Contents", size=10.5, bold=True)
    pdf.bullets([f"Purpose {i}: {p.title}" for i, p in enumerate(paper.purposes, 1)]
                + ["Outcomes over the whole grant", "Spend against budget and value for money", "Data quality",
                   "The actions' history"])


def _purpose(pdf: PackPDF, number: int, purpose) -> None:
    if number == 1 or pdf.get_y() > 170:  # a purpose starts on a page with room for its table
        pdf.add_page()
    pdf.heading(f"Purpose {number}: {purpose.title}", size=13)
    graded = len(purpose.figures.columns) == len(FIGURE_WIDTHS)
    pdf.table(purpose.figures, FIGURE_WIDTHS if graded else COUNT_WIDTHS, grades="grade" if graded else None)
    for title, lines, empty in (
        ("The provider's commentary", purpose.commentary, "No commentary on this purpose in the grant's returns."),
        ("Victims' voices (shared with consent)", purpose.voices, None),
        ("Actions of the scrutiny meetings", purpose.actions, None),
    ):
        if lines:
            pdf.para(title, size=10.5, bold=True)
            pdf.bullets(lines)
            pdf.ln(1)
        elif empty:
            pdf.para(empty, muted=True)


def render(paper: Evaluation) -> bytes:
    """The evaluation as the bytes of a PDF."""
    pdf = PackPDF(paper.pack)
    pdf.set_title(f"End-of-grant evaluation: {paper.grant}, {paper.pack.service}")
    _cover(pdf, paper)
    for number, purpose in enumerate(paper.purposes, 1):
        _purpose(pdf, number, purpose)
    pdf.add_page()
    pdf.heading("Outcomes over the whole grant")
    pdf.para("Of the cases closed during the grant whose outcome was recorded as Improved or No change, the share "
             "Improved, for each of the six cope-and-recover areas.", muted=True)
    pdf.table(paper.outcomes, FIGURE_WIDTHS, grades="grade")
    pdf.heading("Spend against budget and value for money")
    pdf.table(paper.spend, (22, 20, 23, 20, 21, 22, 22, 24))  # each heading's longest word on one line
    pdf.bullets(paper.spend_notes)
    pdf.add_page()
    pdf.heading("Data quality")
    pdf.bullets(paper.quality_notes)
    pdf.ln(2)
    pdf.table(paper.returns, (28, 28, 32, 32, 24, 30))
    pdf.add_page(orientation="L")
    pdf.heading("The actions' history")
    pdf.para(paper.action_counts, size=BODY_PT)
    pdf.table(paper.actions, (12, 85, 40, 24, 100))
    return bytes(pdf.output())
