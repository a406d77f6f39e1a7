"""The end-of-grant evaluation as an A4 PDF: the pack's page (marking, page numbers, 10 pt type at least)."""

from __future__ import annotations

from metrics import i18n
from metrics.i18n import _
from metrics.pack.evaluation import Evaluation
from metrics.pack.model import long_date
from metrics.pack.pdf_layout import BODY_PT, INK, MUTED, PackPDF

FIGURE_WIDTHS = (44, 22, 18, 27, 63)  # "Not graded" on one line
COUNT_WIDTHS = (100, 30)  # a table of counts with no target


def _cover(pdf: PackPDF, paper: Evaluation, gap: float = 1) -> None:
    """The cover, on one page: `gap` < 1 closes up its spaces for a longer text (Welsh runs longer than English)."""
    pdf.add_page()
    pdf.section(_("End-of-grant evaluation"))
    pdf.ln(4 * gap)
    pdf.font(11)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 6, pdf.text_of(_("Modern Slavery and Human Trafficking advocate service")), new_x="LMARGIN",
                   new_y="NEXT", align="L")
    pdf.set_text_color(*INK)
    pdf.ln(2)
    title = pdf.text_of(_("End-of-grant evaluation: {grant}").format(grant=paper.grant))
    size = 21  # the grant's name on the title's line, so that the cover is one page (a longer title: smaller type)
    pdf.font(size, bold=True)
    while size > 16 and pdf.get_string_width(title) > pdf.epw - 2 * pdf.c_margin:
        size -= 1
        pdf.font(size, bold=True)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(3 * gap)
    pdf.font(14, bold=True)
    pdf.multi_cell(0, 7, pdf.text_of(paper.pack.service), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(5 * gap)
    facts = [
        (_("Grant"), _("{grant}: {start} to {end}").format(grant=paper.grant, start=long_date(paper.grant_start),
                                                          end=long_date(paper.grant_end))),
        (_("Months reported"), paper.pack.period.label),
        (_("Figures as at"), long_date(paper.pack.as_at) if paper.pack.as_at else _("no returns loaded yet")),
        (_("Prepared on"), long_date(paper.pack.generated_on)),
        (_("Protective marking"), paper.pack.marking),
    ]
    pdf.facts(facts, line_height=6 if gap == 1 else 5.5)
    pdf.ln(3 * gap)
    pdf.para(_("The decision"), size=12, bold=True)
    pdf.para(_("Whether to continue funding the MSHT advocate post. The Police and Crime Commissioner funded it on "
               "condition that its performance is reported and scrutinised; this paper brings that reporting "
               "together over the whole grant, purpose by purpose, with the spend, the outcomes for victims, the "
               "quality of the data behind them and what the scrutiny meetings asked for."))
    pdf.para(_("The evidence in brief"), size=12, bold=True)
    pdf.bullets(paper.decision)
    pdf.ln(2 * gap)
    pdf.para(_("Contents"), size=10.5, bold=True)
    pdf.bullets([_("Purpose {number}: {title}").format(number=i, title=p.title)
                 for i, p in enumerate(paper.purposes, 1)]
                + [_("Outcomes over the whole grant"), _("Spend against budget and value for money"),
                   _("Data quality"), _("The actions' history")])


def _purpose(pdf: PackPDF, number: int, purpose) -> None:
    if number == 1 or pdf.get_y() > 170:  # a purpose starts on a page with room for its table
        pdf.add_page()
    pdf.heading(_("Purpose {number}: {title}").format(number=number, title=purpose.title), size=13)
    graded = len(purpose.figures.columns) == len(FIGURE_WIDTHS)
    pdf.table(purpose.figures, FIGURE_WIDTHS if graded else COUNT_WIDTHS, grades="grade" if graded else None)
    for title, lines, empty in (
        (_("The provider's commentary"), purpose.commentary,
         _("No commentary on this purpose in the grant's returns.")),
        (_("Victims' voices (shared with consent)"), purpose.voices, None),
        (_("Actions of the scrutiny meetings"), purpose.actions, None),
    ):
        if lines:
            pdf.para(title, size=10.5, bold=True)
            pdf.bullets(lines)
            pdf.ln(1)
        elif empty:
            pdf.para(empty, muted=True)


def _cover_fits(paper: Evaluation) -> bool:
    """Whether the cover fits its page with the usual spaces (tried on a PDF of its own, then thrown away)."""
    trial = PackPDF(paper.pack)
    _cover(trial, paper)
    return trial.page == 1


def _paper(pdf: PackPDF, paper: Evaluation) -> None:
    _cover(pdf, paper, 1 if _cover_fits(paper) else 0.2)
    for number, purpose in enumerate(paper.purposes, 1):
        _purpose(pdf, number, purpose)
    pdf.add_page()
    pdf.heading(_("Outcomes over the whole grant"))
    pdf.para(_("Of the cases closed during the grant whose outcome was recorded as Improved or No change, the share "
               "Improved, for each of the six cope-and-recover areas."), muted=True)
    pdf.table(paper.outcomes, FIGURE_WIDTHS, grades="grade")
    widths = (22, 20, 23, 20, 21, 22, 22, 24)  # each heading's longest word on one line
    if not pdf.words_fit(paper.spend, widths):  # (Welsh's do not: a landscape page of its own)
        widths = pdf.wide_enough(paper.spend, widths)
    pdf.heading(_("Spend against budget and value for money"))
    pdf.table(paper.spend, widths)
    pdf.bullets(paper.spend_notes)
    pdf.add_page()
    pdf.heading(_("Data quality"))
    pdf.bullets(paper.quality_notes)
    pdf.ln(2)
    pdf.table(paper.returns, (28, 28, 32, 32, 24, 30))
    pdf.add_page(orientation="L")
    pdf.heading(_("The actions' history"))
    pdf.para(paper.action_counts, size=BODY_PT)
    pdf.table(paper.actions, (12, 85, 40, 24, 100))


def render(*papers: Evaluation) -> bytes:
    """The evaluation as the bytes of a PDF; given it in several languages, one after the other in one file."""
    first = papers[0]
    pdf = PackPDF(*(p.pack for p in papers))
    with i18n.use(first.pack.language):
        pdf.set_title(_("End-of-grant evaluation: {grant}, {service}").format(grant=first.grant,
                                                                             service=first.pack.service))
    for paper in papers:
        with i18n.use(paper.pack.language):
            pdf.begin(paper.pack)
            _paper(pdf, paper)
    return bytes(pdf.output())
