"""The scrutiny pack as an A4 PDF (fpdf2), readable when printed in greyscale.

Every page carries the protective marking in its header and footer and "Page n of N". Grades are
written as words in a coloured cell, never colour alone. Charts are the pack's Altair charts
rendered to PNG by vl-convert, with no browser and no network.
"""

from __future__ import annotations

from metrics import i18n
from metrics.i18n import _
from metrics.measures import formatting
from metrics.measures.publication import PUBLICATION_METHOD
from metrics.pack.model import Pack, long_date
from metrics.pack.pdf_layout import BODY_PT, INK, MUTED, PackPDF


def _cover(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.section(_("Performance scrutiny pack"))
    pdf.ln(28)
    pdf.font(11)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 6, pdf.text_of(_("Modern Slavery and Human Trafficking advocate service")), new_x="LMARGIN",
                   new_y="NEXT", align="L")
    pdf.set_text_color(*INK)
    pdf.ln(2)
    pdf.font(26, bold=True)
    pdf.multi_cell(0, 12, pdf.text_of(_("Performance scrutiny pack")), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(4)
    pdf.font(15, bold=True)
    pdf.multi_cell(0, 8, pdf.text_of(pack.service), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(8)
    facts = [
        (_("Period"), _("{period} (compared with {previous})").format(period=pack.period.label,
                                                                      previous=pack.period.previous().label)),
        (_("Figures as at"), long_date(pack.as_at) if pack.as_at else _("no returns loaded yet")),
        (_("Prepared on"), long_date(pack.generated_on)),
        (_("Audience"), pack.audience_label),
        (_("Protective marking"), pack.marking),
    ]
    pdf.facts(facts, line_height=7)
    pdf.ln(10)
    pdf.set_line_width(0.6)
    pdf.font(20, bold=True)
    if pdf.get_string_width(pdf.text_of(pack.marking)) > pdf.epw - 6:  # English and Welsh: a smaller size
        pdf.font(15, bold=True)
    pdf.cell(0, 16, pdf.text_of(pack.marking), border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    if pack.audience == "partnership":
        pdf.para(
            _("Prepared for circulation to the Gwent Anti-Slavery partnership group. It holds aggregates only, "
              "every one a figure of the partnership's publication (figures.csv).") + " " + _(PUBLICATION_METHOD),
            size=BODY_PT,
        )
    else:
        pdf.para(
            _("Prepared for the Police and Crime Commissioner's office ahead of the scrutiny meeting. Not for "
              "circulation beyond the PCC's office and Connect Gwent: the partnership group has its own version."),
            size=BODY_PT,
        )
    pdf.ln(4)
    pdf.para(_("Contents"), size=10.5, bold=True)
    sections = (
        [_("Summary: every graded measure")]
        + [t.title for t in (pack.commentary, pack.voices) if t is not None]
        + [_("Figures for the period"), _("Referral growth against the reference areas"),
           _("Spend against budget"), _("Trends"),
           _("Quarter by quarter") if pack.audience == "partnership" else _("Month by month")]
        if pack.has_data
        else [_("No data for this period")]
    )
    actions = [_("Actions")] if pack.actions_previous is not None else []
    pdf.bullets(sections + actions + [_("Data quality"), _("Appendix: definitions")], size=BODY_PT)


def _no_data(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading(_("No data for this period"))
    pdf.para(
        _("No monthly return is loaded for {period}, so this pack has no figures to report. "
          "The data-quality notes below list the months that are missing; once their returns are uploaded the "
          "pack can be produced again.").format(period=pack.period.label)
    )


def _summary(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading(_("Summary: {period}").format(period=pack.period.label))
    if pack.messages:
        pdf.para(_("Key messages (the measures furthest from target first)"), size=10.5, bold=True)
        pdf.bullets(pack.messages, size=BODY_PT)
        pdf.ln(2)
    pdf.para(_("Every graded measure"), size=10.5, bold=True)
    pdf.table(pack.summary, (36, 19, 23, 17, 19, 60), grades="grade")
    pdf.para(
        _("Grades: Green, the target is met; Amber, within the amber band of the target; Red, beyond it; "
          "Not graded, when there is nothing to measure or the figure is not shown."),
        size=BODY_PT,
        muted=True,
    )


def _commentary(pdf: PackPDF, pack: Pack) -> None:
    """The provider's commentary, topic by topic, then the voices (each only when the pack has it), on a new page
    and one after the other (a page of its own left two voices alone on a page)."""
    tables = [t for t in (pack.commentary, pack.voices) if t is not None]
    if tables:
        pdf.add_page()
    for i, table in enumerate(tables):
        if i and pdf.will_page_break(40):  # a heading is never left alone at the foot of a page
            pdf.add_page()
        elif i:
            pdf.ln(6)
        pdf.heading(table.title)
        pdf.para(table.note, muted=True)
        last = None
        for row in table.rows:
            if table is pack.commentary and row["topic"] != last:
                pdf.ln(1)
                pdf.para(row["topic"], size=11, bold=True)
                last = row["topic"]
            when = formatting.text("month", row["month"])
            if table is pack.commentary:
                pdf.para(f"{when}: {row['text']}")
            else:
                if pdf.will_page_break(16):  # a voice stays on one page with its theme
                    pdf.add_page()
                pdf.para(f"\u201c{row['quote_or_summary']}\u201d", size=11)
                pdf.para(f"{row['theme']}, {when}", muted=True)
                pdf.ln(1)


def _figures(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading(_("Figures for the period"))
    pdf.para(_("{period} beside the previous period of the same length, {previous}.").format(
        period=pack.period.label, previous=pack.period.previous().label), muted=True)
    pdf.table(pack.headline, (86, 30, 30, 28))


def _charts(pdf: PackPDF, pack: Pack, section: str, max_height: float = 105) -> None:
    for chart in pack.charts:
        if chart.section == section and chart.chart is None:
            pdf.para(chart.caption, size=BODY_PT, muted=True)
        elif chart.section == section:
            pdf.chart(chart.chart, chart.caption, chart.max_height or max_height)


def _growth(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading(_("Referral growth against the reference areas"))
    if pack.growth_headline:
        pdf.para(pack.growth_headline, size=11, bold=True)
    pdf.table(pack.growth, (74, 34, 34, 32))
    if pack.growth_notes:
        pdf.bullets(pack.growth_notes, size=BODY_PT)
        pdf.ln(2)
    _charts(pdf, pack, "growth", max_height=80)


def _spend(pdf: PackPDF, pack: Pack) -> None:
    widths = pdf.wide_enough(pack.spend, (24, 21, 21, 21, 21, 20, 23, 23))  # landscape when the words need it
    pdf.heading(_("Spend against budget"))
    pdf.table(pack.spend, widths)
    pdf.bullets(pack.spend_notes, size=BODY_PT)
    pdf.ln(3)
    _charts(pdf, pack, "spend", max_height=95)


def _trends(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page(orientation="P")
    pdf.heading(_("Trends"))
    _charts(pdf, pack, "trends", max_height=100)


def _monthly(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page(orientation="L")  # ten columns of figures at 10 pt
    heading, _, window = pack.monthly.title.partition(", ")
    pdf.heading(heading)
    pdf.para(window[:1].upper() + window[1:] + ".", muted=True)
    count = len(pack.monthly.columns)
    first = 32 if pack.monthly.columns[0].key == "slice" else 26  # 'Apr-Jun 2019' on one line, or 'Jun 2019'
    pdf.table(pack.monthly, (first, *[(pdf.epw - first) / (count - 1)] * (count - 1)), padding=(1.2, 0.8))


def _actions(pdf: PackPDF, pack: Pack) -> None:
    """The action log's two sections (internal packs only); an empty one says so."""
    if pack.actions_previous is None:
        return
    pdf.add_page(orientation="L")  # eight columns, the latest update the widest
    pdf.heading(_("Actions"))
    for table, widths in ((pack.actions_previous, (10, 52, 30, 26, 32, 26, 26, 59)),
                          (pack.actions_this, (10, 68, 38, 32, 26, 26, 61))):
        pdf.para(table.title, size=11, bold=True)
        if table.rows:
            pdf.table(table, widths)
        else:
            pdf.para(_("None.") + " " + table.note, muted=True)
            pdf.ln(2)


def _quality(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page(orientation="P")
    pdf.heading(_("Data quality"))
    pdf.bullets(pack.quality_notes, size=BODY_PT)
    pdf.ln(2)
    pdf.table(pack.returns, (28, 28, 32, 32, 24, 30))


def _definitions(pdf: PackPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading(_("Appendix: definitions"))
    pdf.table(pack.definitions, (40, 22, 88, 24))


def render(*packs: Pack) -> bytes:
    """The pack as the bytes of a PDF; given the pack in several languages, one after the other in one file."""
    pdf = PackPDF(*packs)
    for pack in packs:
        with i18n.use(pack.language):
            pdf.begin(pack)
            _cover(pdf, pack)
            if pack.has_data:
                for page in (_summary, _commentary, _figures, _growth, _spend, _trends, _monthly):
                    page(pdf, pack)
            else:
                _no_data(pdf, pack)
            _actions(pdf, pack)
            _quality(pdf, pack)
            _definitions(pdf, pack)
    return bytes(pdf.output())
