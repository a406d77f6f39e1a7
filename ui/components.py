"""Small rendering helpers shared by the pages: header, banners, RAG badges, cards."""

from __future__ import annotations

import html

import streamlit as st

from metrics import safe_text
from metrics.measures import compute, publication
from metrics.measures.grading import GRADE_BADGES, GRADE_COLOURS, GRADE_INK
from ui import state

TEXT = "#0b0c0c"  # as .streamlit/config.toml's theme.textColor
# Captions: Streamlit 1.67 draws them at opacity 0.6, 3.8:1 on white and on the sidebar.
SECONDARY_TEXT = "#505a5f"  # 7.1:1 on white, 6.7:1 on the sidebar's #f8f8f7
FOCUS = "#ffdd00"

_BADGES = "\n".join(f".rag-{grade} {{background:{GRADE_COLOURS[grade]}; color:{GRADE_INK[grade]};}}"
                     for grade in GRADE_COLOURS)
# Focus as GOV.UK draws it on inputs: a yellow outline around a dark inner ring, so that one of the
# two stands out on any background (WCAG 2.4.7 and 1.4.11; Streamlit's own is a faint tint or a pale
# ring). Radios, checkboxes and switches hide their input, so the ring goes on the label holding it.
_STYLE = f"""
<style>
.rag {{display:inline-block; padding:0.15rem 0.6rem; border-radius:0.4rem; font-weight:600;}}
{_BADGES}
.card-value {{font-size:2.4rem; font-weight:700; line-height:1.1;}}
.card-label {{font-size:1.05rem; font-weight:600;}}
.card-meta {{font-size:0.95rem; color:#444;}}
.reading {{font-size:0.95rem;}}
[data-testid="stCaptionContainer"] {{color:{SECONDARY_TEXT} !important; opacity:1 !important;}}
a:focus-visible, button:focus-visible, summary:focus-visible, [role="tab"]:focus-visible,
[role="button"]:focus-visible, input:not([role="combobox"]):focus-visible, textarea:focus-visible,
label:has(input[type="radio"]:focus-visible), label:has(input[type="checkbox"]:focus-visible),
[data-baseweb="select"]:has(input:focus-visible) > div {{
  outline:3px solid {FOCUS} !important; outline-offset:0 !important;
  box-shadow:inset 0 0 0 2px {TEXT} !important;
}}
</style>
"""


def apply_style() -> None:
    st.markdown(_STYLE, unsafe_allow_html=True)


def rag_badge(grade: str | None) -> str:
    """The grade as a colour and a word (never colour alone)."""
    if not grade:
        return ""
    return f'<span class="rag rag-{grade}">{html.escape(GRADE_BADGES[grade])}</span>'  # the code's words, no data


def page_header(title: str, needs_period: bool = True) -> bool:
    """Title, period and as-at line; False (after saying why) when there is nothing to show yet."""
    st.title(title)
    period = state.period()
    if needs_period and period is None:
        st.info("No monthly returns are loaded yet. The Connect Gwent manager uploads them on the "
                "Upload returns page; until then there is nothing to show here.")
        return False
    if needs_period:
        as_at = state.ask(compute.as_at, state.service())
        st.caption(f"{safe_text.markdown(state.service())} · {period.label} · figures as at {as_at:%d %B %Y}"
                   + (" · partnership view: the published figures, counts rounded to the nearest 5"
                      if state.audience() == "partnership" else ""))
    return True


def card(row: dict) -> None:
    """One measure as a card: value, change on the previous period, target, grade and reading."""
    with st.container(border=True):
        st.markdown(f'<div class="card-label">{safe_text.html(row["label"])}</div>'
                    f'<div class="card-value">{safe_text.html(row["shown"])}</div>', unsafe_allow_html=True)
        meta = []
        if row["change"]:
            meta.append(f"{row['change']} on previous period ({row['previous_shown']})")
        elif row["previous"] is not None:  # the partnership's: the previous period as published, no sum of its own
            meta.append(f"previous period {row['previous_shown']}")
        if row["target_shown"]:
            meta.append(f"target {row['target_shown']}")
        if meta:
            st.markdown(f'<div class="card-meta">{safe_text.html(" · ".join(meta))}</div>', unsafe_allow_html=True)
        if row["grade"]:
            st.markdown(rag_badge(row["grade"]), unsafe_allow_html=True)
            st.markdown(f'<div class="reading">{safe_text.html(row["reading"])}</div>', unsafe_allow_html=True)


def cards(rows: list[dict], per_row: int = 4) -> None:
    for start in range(0, len(rows), per_row):
        columns = st.columns(per_row)
        for column, row in zip(columns, rows[start:start + per_row]):
            with column:
                card(row)


def publication_download(service: str | None) -> None:
    """figures.csv: every figure the partnership may see, as published (metrics.measures.publication)."""
    st.download_button("Published figures (figures.csv)", data=state.audited(
                           "figures.csv", state.later(publication.figures_csv, service)),
                       file_name="figures.csv", mime="text/csv", on_click="ignore", icon=":material/download:",
                       key="publication_csv", help="The partnership's protected figures: whole quarters, financial "
                       "years and grants, counts rounded to the nearest 5. What the PCC's office can release.")
