"""Small rendering helpers shared by the pages: header, banners, RAG badges, cards and tables."""

from __future__ import annotations

import functools
import html

import pandas as pd
import streamlit as st

from metrics import i18n, safe_text
from metrics.i18n import _
from metrics.measures import compute, formatting, publication
from metrics.measures.grading import GRADE_BADGES, GRADE_COLOURS, GRADE_INK, GRADE_WORDS
from ui import state

TEXT = "#0b0c0c"  # as .streamlit/config.toml's theme.textColor
# Captions: Streamlit 1.67 draws them at opacity 0.6, 3.8:1 on white and on the sidebar.
SECONDARY_TEXT = "#505a5f"  # 7.1:1 on white, 6.7:1 on the sidebar's #f8f8f7
FOCUS = "#ffdd00"
NUM = ' class="num"'

_BADGES = "\n".join(f".rag-{grade} {{background:{GRADE_COLOURS[grade]}; color:{GRADE_INK[grade]};}}"
                     for grade in GRADE_COLOURS)
# Focus as GOV.UK draws it on inputs: a yellow outline around a dark inner ring, so that one of the
# two stands out on any background (WCAG 2.4.7 and 1.4.11; Streamlit's own is a faint tint or a pale
# ring). Radios, checkboxes and switches hide their input, so the ring goes on the label holding it.
_STYLE = f"""
<style>
.rag {{display:inline-block; padding:0.15rem 0.6rem; border-radius:0.4rem; font-weight:600;}}
{_BADGES}
.card-value {{font-size:2.4rem; font-weight:700; line-height:1.1; margin:0.2rem 0;}}
.card-row {{display:grid; grid-template-columns:repeat(var(--cards), minmax(0, 1fr)); gap:1rem; margin:0 0 1rem 0;}}
@media (max-width: 640px) {{.card-row {{grid-template-columns:minmax(0, 1fr);}}}}  /* as Streamlit's columns stack */
.figure-card {{border:1px solid rgba(49, 51, 63, 0.2); border-radius:0.5rem; padding:calc(1em - 1px) calc(1em - 1px)
  calc(1.4em - 1px) calc(1em - 1px); overflow-wrap:break-word;}}  /* as st.container(border=True) */
.card-label {{font-size:1.05rem; font-weight:600;}}
.card-meta {{font-size:0.95rem; color:#444; margin-bottom:0.4rem;}}
.reading {{font-size:0.95rem; margin-top:0.4rem;}}
[data-testid="stHeading"] h2 {{font-size:1.75rem;}}
table.figures {{border-collapse:collapse; width:100%; font-size:0.95rem; margin:0 0 0.5rem 0;}}
table.figures caption {{caption-side:top; text-align:left; font-weight:600; padding:0 0 0.4rem 0; color:{TEXT};}}
table.figures th, table.figures td {{border-bottom:1px solid #b1b4b6; padding:0.35rem 0.6rem; text-align:left;
  vertical-align:top; color:{TEXT};}}
table.figures thead th {{border-bottom:2px solid {TEXT}; font-weight:700;}}
table.figures tbody th {{font-weight:600;}}
table.figures .num {{text-align:right; white-space:nowrap; font-variant-numeric:tabular-nums;}}
table.figures thead th {{white-space:normal;}}
table.kpis th, table.kpis td {{padding:0.35rem 0.4rem;}}
table.kpis tbody th {{min-width:13rem;}}
.kpi-reading {{font-weight:400; font-size:0.9rem; margin-top:0.2rem;}}
.provider-commentary {{font-size:0.9rem; font-weight:400; margin-top:0.4rem; border-left:3px solid {SECONDARY_TEXT};
  padding-left:0.5rem;}}
.provider-commentary p, p.commentary {{margin:0.2rem 0;}}
.commentary-month {{font-weight:600;}}
h3.commentary-topic {{font-size:1.15rem; font-weight:700; margin:0.8rem 0 0.2rem 0; padding:0;}}
blockquote.voice {{border-left:4px solid #1d70b8; margin:0.5rem 0; padding:0.2rem 0.8rem; color:{TEXT};
  opacity:1 !important;}}  /* Streamlit fades blockquotes to 0.6: the source line fell to 2.8:1 */
blockquote.voice p {{color:{TEXT}; font-size:1.05rem;}}
blockquote.voice footer {{font-size:0.9rem; color:{SECONDARY_TEXT} !important;}}
[data-testid="stDateInput"] [role="spinbutton"] {{display:inline-block; min-width:24px; min-height:24px;
  text-align:center;}}
[data-testid="stCaptionContainer"] {{color:{SECONDARY_TEXT} !important; opacity:1 !important;}}
.st-key-session_cookie_keep, .st-key-session_cookie_clear, .st-key-language_cookie {{display:none !important;}}
.visually-hidden {{position:absolute !important; width:1px !important; height:1px !important;
  overflow:hidden !important; clip:rect(0 0 0 0) !important; white-space:nowrap !important; margin:0 !important;
  padding:0 !important;}}
a:focus-visible, button:focus-visible, summary:focus-visible, [role="tab"]:focus-visible,
[role="button"]:focus-visible, [role="spinbutton"]:focus-visible, input:not([role="combobox"]):focus-visible,
textarea:focus-visible,
label:has(input[type="radio"]:focus-visible), label:has(input[type="checkbox"]:focus-visible),
[data-baseweb="select"]:has(input:focus-visible) > div {{
  outline:3px solid {FOCUS} !important; outline-offset:0 !important;
  box-shadow:inset 0 0 0 2px {TEXT} !important;
}}
</style>
"""


def apply_style() -> None:
    st.markdown(_STYLE, unsafe_allow_html=True)


def rag_badge(grade: str | None, short: bool = False) -> str:
    """The grade as a colour and a word (never colour alone): 'Red: off target', or 'Red' where room is short."""
    if not grade:
        return ""
    words = _(GRADE_WORDS[grade] if short else GRADE_BADGES[grade])
    return f'<span class="rag rag-{grade}">{html.escape(words)}</span>'  # the code's words, no data


def long_date(day) -> str:
    """A day with its month's whole name: '30 June 2019', '30 Mehefin 2019'."""
    return f"{day:%d %B %Y}" if i18n.language() == "en" else i18n.date_text(day)


def long_month(day) -> str:
    """A month's whole name and its year: 'June 2019', 'Mehefin 2019'."""
    if i18n.language() == "en":
        return f"{day:%B %Y}"
    from babel.dates import format_date

    return format_date(day, "LLLL y", locale=i18n.babel_locale())


def when_text(moment) -> str:
    """A time of day in a table: '3 Jul 2019, 14:05', '3 Gorff 2019, 14:05'."""
    if i18n.language() == "en":
        return f"{moment:%-d %b %Y, %H:%M}"
    from babel.dates import format_date

    return f"{format_date(moment, 'd MMM y', locale=i18n.babel_locale())}, {moment:%H:%M}"


def where_line() -> str:
    """'Service · Jun 2019 · figures as at 30 June 2019', and for the partnership what is suppressed."""
    as_at = state.ask(compute.as_at, state.service())
    line = _("{service} · {period} · figures as at {date}").format(
        service=safe_text.markdown(state.service()), period=state.period().label, date=long_date(as_at))
    if state.audience() == "partnership":
        line += " · " + _("partnership view: the published figures, counts rounded to the nearest 5")
    return line


def page_header(title: str, needs_period: bool = True, compact: bool = False) -> bool:
    """Title, period and as-at line; False (after saying why) when there is nothing to show yet.

    Compact (presenting mode) keeps the title for screen readers only, and leaves the line to the page.
    """
    if compact:
        st.markdown(f'<h1 class="visually-hidden">{html.escape(_(title))}</h1>', unsafe_allow_html=True)
    else:
        st.title(_(title))
    period = state.period()
    if needs_period and period is None:
        st.info(_("No monthly returns are loaded yet. The Connect Gwent manager uploads them on the "
                  "Upload returns page; until then there is nothing to show here."))
        return False
    if needs_period and not compact:
        st.caption(where_line())
    return True


def figure_card_html(label: str, value: str, meta: str = "", grade: str | None = None, reading: str = "",
                     beside: str = "") -> str:
    """A card: label, value, a line about it, and a grade with its reading, and `beside` (safe HTML)."""
    parts = [f'<div class="card-label">{safe_text.html(label)}</div>',
             f'<div class="card-value">{safe_text.html(value)}</div>']
    if meta:
        parts.append(f'<div class="card-meta">{safe_text.html(meta)}</div>')
    if grade:
        parts.append(rag_badge(grade))
    if reading:
        parts.append(f'<div class="reading">{safe_text.html(reading)}</div>')
    parts.append(beside)  # HTML made safe by its maker (ui.commentary)
    return f'<div class="figure-card">{"".join(parts)}</div>'


def card_row(cards_html: list[str], per_row: int | None = None) -> None:
    """Cards side by side, each as tall as the tallest of its row, one under another on a narrow screen.

    One element for the row: a row of four as Streamlit columns and bordered containers was 13 (every
    element is a message to send and a wake-up of the server's event loop; benchmarks/RESULTS.md, issue 15)."""
    st.markdown(f'<div class="card-row" style="--cards:{per_row or len(cards_html)}">{"".join(cards_html)}</div>',
                unsafe_allow_html=True)


def card_html(row: dict, beside: str = "") -> str:
    """One measure as a card: value, change on the previous period, target, grade and reading, and `beside`
    (the provider's commentary, as safe HTML)."""
    meta = []
    if row["change"]:
        meta.append(_("{change} on previous period ({previous})").format(change=row["change"],
                                                                         previous=row["previous_shown"]))
    elif row["previous"] is not None:  # the partnership's: the previous period as published, no sum of its own
        meta.append(_("previous period {previous}").format(previous=row["previous_shown"]))
    if row["target_shown"]:
        meta.append(_("target {target}").format(target=row["target_shown"]))
    return figure_card_html(row["label"], row["shown"], " · ".join(meta), row["grade"],
                            row["reading"] if row["grade"] else "", beside)


def cards(rows: list[dict], per_row: int = 4, beside: dict[str, str] | None = None) -> None:
    for start in range(0, len(rows), per_row):
        card_row([card_html(row, (beside or {}).get(row["name"], "")) for row in rows[start:start + per_row]], per_row)


def _blank(value) -> bool:
    """A cell with nothing in it: None, NaN, NA or NaT (a text is never blank)."""
    return value is None or (not isinstance(value, str) and pd.isna(value))


def as_text(frame: pd.DataFrame, formats: dict, blank: str = "—") -> pd.DataFrame:
    """The columns named written as people read them (a format of metrics.measures.formatting, '33%' not
    33.33%, or a function), and every blank cell as `blank` (a canvas table otherwise draws a grey 'None').

    Column by column in plain Python: pandas' where/astype on a small frame of text columns took 15-17 ms
    a table (the upload log's 13 rows), this 3.6-4.7 ms (benchmarks/RESULTS.md, issue 15)."""
    columns = {}
    for column in frame.columns:
        fmt = formats.get(column)
        write = fmt if callable(fmt) or fmt is None else functools.partial(formatting.text, fmt)
        columns[column] = [blank if _blank(v) else v if write is None else write(v) for v in frame[column].tolist()]
    return pd.DataFrame(columns, index=frame.index, columns=frame.columns, dtype=object)


def _cell(value) -> str:
    return "—" if _blank(value) else safe_text.html(value)


def table_html(frame: pd.DataFrame, caption: str = "", numeric: tuple[str, ...] = (), row_headers: bool = True) -> str:
    """A frame of text as an HTML table: column headings, the first column as row headings, blanks as '—'."""
    head = "".join(f'<th scope="col"{NUM if c in numeric else ""}>{html.escape(str(c))}</th>' for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for i, (column, value) in enumerate(zip(frame.columns, row)):
            tag, scope = ("th", ' scope="row"') if i == 0 and row_headers else ("td", "")
            cells.append(f"<{tag}{scope}{NUM if column in numeric else ''}>{_cell(value)}</{tag}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="figures">{title}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def table(frame: pd.DataFrame, caption: str = "", numeric: tuple[str, ...] = (), row_headers: bool = True) -> None:
    """A table of text that wraps long values and that a screen reader reads as a table, with its headings
    (Streamlit's dataframe is drawn on a canvas, and cuts long text); `numeric` columns right-aligned."""
    st.markdown(table_html(frame, caption, numeric, row_headers), unsafe_allow_html=True)


def made_table(build, frame: pd.DataFrame, *args) -> None:
    """The table build(frame, *args) writes out (ui.tables), made once per answer and arguments."""
    st.markdown(state.derived(build, frame, *args), unsafe_allow_html=True)


def publication_download(service: str | None) -> None:
    """figures.csv: every figure the partnership may see, as published (metrics.measures.publication)."""
    st.download_button(_("Published figures (figures.csv)"), data=state.audited(
                           "figures.csv", state.later(publication.figures_csv, service)),
                       file_name="figures.csv", mime="text/csv", on_click="ignore", icon=":material/download:",
                       key="publication_csv", help=_("The partnership's protected figures: whole quarters, "
                                                     "financial years and grants, counts rounded to the nearest 5. "
                                                     "What the PCC's office can release."))
