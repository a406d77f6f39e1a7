"""The Summary page's scrutiny-pack downloads and its presenting mode for the meeting's screen.

Presenting mode shows one section at a time in large type with Previous and Next, and hides the
sidebar. The downloads build the pack only when clicked (Streamlit runs the callable off the
script's thread), for the period on screen and always for the viewer's own audience: the
partnership role can only ever get the partnership pack.
"""

from __future__ import annotations

import functools

import streamlit as st

from metrics import safe_text
from metrics.pack import contents as pack
from metrics.pack.model import MARKINGS
from metrics.periods import Period
from ui import components, state

SECTIONS = ("Referrals and caseload", "Outcomes and the NRM", "Spend against budget", "Key messages",
            "Referral growth")
MIME = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SECTION_KEY = "present_section"

_PRESENTING_STYLE = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"]
  {display: none !important;}
.block-container {max-width: 100% !important; padding-top: 1.5rem !important;}
.card-value {font-size: 3.6rem !important;}
.card-label {font-size: 1.5rem !important;}
.card-meta, .reading {font-size: 1.25rem !important;}
.present-message {font-size: 2rem; line-height: 1.35; margin: 0 0 1.2rem 0;}
.present-headline {font-size: 2.6rem; font-weight: 700; margin-bottom: 1rem;}
h2 {font-size: 2.6rem !important;}
</style>
"""


def _pack_bytes(period: Period, service: str | None, audience: str, fmt: str, user: str) -> bytes:
    """Build the pack and note the export in the audit log (runs when a download button is clicked)."""
    with state.using() as con:
        data = pack.build(con, period, service, audience, fmt)
        pack.record_export(con, user, period, service, audience, fmt)
    return data


def downloads(period: Period, service: str | None, audience: str) -> None:
    """PDF and Excel buttons for the pack of the period on screen, for this viewer's audience."""
    left, right, _ = st.columns([1, 1, 2])
    for column, fmt, label in ((left, "pdf", "Scrutiny pack (PDF)"), (right, "xlsx", "Scrutiny pack (Excel)")):
        with column:
            st.download_button(
                label,
                data=functools.partial(_pack_bytes, period, service, audience, fmt, state.user_name()),
                file_name=pack.file_name(period, audience, fmt),
                mime=MIME[fmt],
                icon=":material/download:",
                on_click="ignore",
                key=f"pack_{fmt}",
                help=f"The {MARKINGS[audience]} pack for {period.label}: built when you click, "
                "which takes a few seconds.",
            )


def _move(step: int) -> None:
    st.session_state[SECTION_KEY] = min(max(st.session_state.get(SECTION_KEY, 0) + step, 0), len(SECTIONS) - 1)


def presenting() -> bool:
    """The presenting-mode toggle; True while it is on."""
    return st.toggle("Presenting mode", key="presenting", help="One section at a time in large type, no sidebar")


def present(summary: dict, growth: dict) -> None:
    """One section of the summary, full width in large type, with Previous and Next."""
    st.markdown(_PRESENTING_STYLE, unsafe_allow_html=True)
    index = min(st.session_state.get(SECTION_KEY, 0), len(SECTIONS) - 1)
    previous, title, following = st.columns([1, 6, 1], vertical_alignment="center")
    previous.button("◀ Previous", key="present_previous", on_click=_move, args=(-1,), disabled=index == 0,
                    width="stretch")
    following.button("Next ▶", key="present_next", on_click=_move, args=(1,), disabled=index == len(SECTIONS) - 1,
                     width="stretch")
    with title:
        st.header(SECTIONS[index], anchor=False)
        st.caption(f"Section {index + 1} of {len(SECTIONS)}")
    half = len(summary["cards"]) // 2
    if index == 0:
        components.cards(summary["cards"][:half], per_row=3)
    elif index == 1:
        components.cards(summary["cards"][half:], per_row=3)
    elif index == 2:
        components.cards(summary["spend"], per_row=3)
    elif index == 3:
        for message in summary["messages"]:
            st.markdown(f'<p class="present-message">{safe_text.html(message)}</p>', unsafe_allow_html=True)
    else:
        growth_section(growth)


def growth_section(growth: dict) -> None:
    """The referral growth headline and its table (trends.growth_comparison for the period and the one before)."""
    st.markdown(f'<p class="present-headline">{safe_text.html(growth["headline"])}</p>', unsafe_allow_html=True)
    table = growth["table"][["area", "base_shown", "compare_shown", "growth_shown"]]
    st.dataframe(table.rename(columns={"area": "Area", "base_shown": "Previous period",
                                       "compare_shown": "This period", "growth_shown": "Growth"}),
                 hide_index=True, width="stretch")
    for note in growth["notes"]:
        st.caption(note)
