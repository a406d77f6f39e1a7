"""The Summary page's scrutiny-pack downloads and its presenting mode for the meeting's screen.

Presenting mode shows one section at a time, sized for the room: it is laid out for a 1280×720
projector and a 1920×1080 screen, each section fitting the screen without scrolling (the sidebar,
Streamlit's top bar and the page's own header give way to one line of controls). Type scales with
the screen: a base of min(1.6vw, 2.8vh) (20 px at 1280×720, 30 px at 1920×1080), values 3.4 times
that, grades 1.3 times, key messages 1.6 times (32 px and 48 px). The cards come three or four to a section, in one row.

The downloads build the pack only when clicked (Streamlit runs the callable off the script's
thread), for the period on screen and always for the viewer's own audience: the partnership role
can only ever get the partnership pack.
"""

from __future__ import annotations

import functools

import streamlit as st

from metrics import safe_text
from metrics.i18n import N_, _
from metrics.pack import contents as pack
from metrics.pack.model import MARKINGS
from metrics.periods import Period
from ui import components, state

# Each section's title and the Summary cards it shows, or what else it shows. The titles are the sections'
# identifiers (English); each is shown as _(title).
SECTION_CARDS = {
    N_("Referrals and first contact"): ("referrals_received", "victims_supported", "timely_contact_rate",
                                        "median_days_to_contact"),
    N_("Caseload, closures and outcomes"): ("caseload_end", "closures", "planned_closure_rate",
                                            "outcome_safer_rate"),
    N_("Voice and the NRM"): ("voice_captured_rate", "outside_nrm_rate", "nrm_referrals",
                              "duty_to_notify_referrals"),
    N_("Spend against budget"): ("spend_actual", "spend_expected", "spend_variance_abs"),
    N_("Forecast and value for money"): ("spend_forecast_outturn", "cost_per_victim", "estimated_saving"),
}
SECTIONS = (*SECTION_CARDS, N_("Key messages"), N_("Referral growth"))
MIME = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SECTION_KEY = "present_section"
PRESENTING_KEY = "presenting"

_PRESENTING_STYLE = """
<style>
:root {--present: min(1.6vw, 2.8vh);}
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"] {display: none !important;}
[data-testid="stMainBlockContainer"], .block-container {max-width: 100% !important;
  padding: calc(var(--present) * 0.5) calc(var(--present) * 1.2) !important;}
[data-testid="stMain"] .card-label {font-size: calc(var(--present) * 1.4) !important; line-height: 1.25;}
[data-testid="stMain"] .card-value {font-size: calc(var(--present) * 3.4) !important; margin: 0.1em 0;}
[data-testid="stMain"] .card-meta, [data-testid="stMain"] .reading {font-size: calc(var(--present) * 1.1) !important;
  line-height: 1.35;}
[data-testid="stMain"] .rag {font-size: calc(var(--present) * 1.3) !important; padding: 0.15em 0.6em;}
[data-testid="stMarkdownContainer"] p.present-message {font-size: calc(var(--present) * 1.6) !important;
  line-height: 1.35 !important; margin: 0 0 calc(var(--present) * 0.6) 0 !important;}
[data-testid="stMarkdownContainer"] p.present-headline {font-size: calc(var(--present) * 1.6) !important;
  font-weight: 700; line-height: 1.3 !important; margin: 0 0 calc(var(--present) * 0.6) 0 !important;}
[data-testid="stMain"] [data-testid="stHeading"] h2 {font-size: calc(var(--present) * 1.7) !important;
  padding: 0 !important; line-height: 1.2;}
[data-testid="stMain"] .present-where {font-size: calc(var(--present) * 0.8); color: #505a5f;}
[data-testid="stMain"] table.figures {font-size: calc(var(--present) * 1.05) !important;}
[data-testid="stMain"] .present-note {font-size: calc(var(--present) * 0.8); color: #505a5f;}
[data-testid="stMain"] button p {font-size: calc(var(--present) * 0.9) !important;}
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
    left, right, _rest = st.columns([1, 1, 2])
    for column, fmt, label in ((left, "pdf", _("Scrutiny pack (PDF)")), (right, "xlsx", _("Scrutiny pack (Excel)"))):
        with column:
            st.download_button(
                label,
                data=functools.partial(_pack_bytes, period, service, audience, fmt, state.user_name()),
                file_name=pack.file_name(period, audience, fmt),
                mime=MIME[fmt],
                icon=":material/download:",
                on_click="ignore",
                key=f"pack_{fmt}",
                help=_("The {marking} pack for {period}: built when you click, which takes a few seconds.").format(
                    marking=_(MARKINGS[audience]), period=period.label),
            )


def evaluation_downloads(period: Period, service: str | None) -> None:
    """The end-of-grant evaluation of each grant the period falls in (internal audiences only: it holds the
    victims' voices and the action log); built when clicked."""
    from metrics.pack import evaluation

    for grant in state.ask(evaluation.grants_for, period):
        st.download_button(
            _("End-of-grant evaluation: {grant} (PDF)").format(grant=grant),
            data=state.audited(f"end-of-grant evaluation of {grant}", state.later(evaluation.build, grant, service)),
            file_name=evaluation.file_name(grant), mime=MIME["pdf"], on_click="ignore", icon=":material/download:",
            key=f"evaluation_{grant}", help=_("The decision paper on the whole grant: the five purposes of the post "
                                              "with their evidence, spend and value for money, outcomes, data quality "
                                              "and the actions' history."))


def meeting_record(period: Period, service: str | None) -> None:
    """Record the internal PDF pack of the period for a meeting: its SHA-256 and data version, so that it can
    be rebuilt identically later (`python -m metrics meeting rebuild`); then offer exactly the bytes recorded."""
    from metrics.pack import meetings

    with st.expander(_("Record this pack for a meeting"), icon=":material/event_available:"):
        with st.form("meeting_record"):
            day = st.date_input(_("Meeting date"), format="DD/MM/YYYY", key="meeting_date")
            submitted = st.form_submit_button(_("Record the pack for {period}").format(period=period.label),
                                              key="meeting_submit")
        if submitted:
            try:
                with state.writing():
                    done = meetings.record(state.con(), day, period, service, state.user_name())
            except ValueError as exc:
                st.error(_("**Not recorded.** {problem}.").format(problem=exc))
            else:
                st.session_state["meeting_recorded"] = done
        done = st.session_state.get("meeting_recorded")
        if done:
            st.success(_("Recorded the meeting of {date}: SHA-256 `{sha256}`.").format(
                date=components.long_date(done["meeting_date"]), sha256=done["sha256"]), icon=":material/check_circle:")
            st.download_button(_("The meeting's pack (PDF)"), data=state.audited(
                f"meeting pack {done['meeting_date']:%Y-%m-%d}", lambda: done["pack"]),
                file_name=meetings.file_name(done["meeting_date"]), mime=MIME["pdf"], on_click="ignore",
                icon=":material/download:", key="meeting_pack")


def is_on() -> bool:
    """Whether presenting mode is on (read before the page draws its header, which then gives way)."""
    return bool(st.session_state.get(PRESENTING_KEY))


def _move(step: int) -> None:
    st.session_state[SECTION_KEY] = min(max(st.session_state.get(SECTION_KEY, 0) + step, 0), len(SECTIONS) - 1)


def presenting() -> bool:
    """The presenting-mode toggle; True while it is on."""
    return st.toggle(_("Presenting mode"), key=PRESENTING_KEY,
                     help=_("One section at a time in large type, no sidebar"))


def present(summary: dict, growth: dict, where: str) -> None:
    """One section of the summary, full width in type sized for the screen, with Previous and Next."""
    st.markdown(_PRESENTING_STYLE, unsafe_allow_html=True)
    index = min(st.session_state.get(SECTION_KEY, 0), len(SECTIONS) - 1)
    previous, title, following = st.columns([1, 5, 1], vertical_alignment="center")
    previous.button(_("Previous"), icon=":material/arrow_back:", key="present_previous", on_click=_move, args=(-1,),
                    disabled=index == 0, width="stretch")
    following.button(_("Next"), icon=":material/arrow_forward:", key="present_next", on_click=_move, args=(1,),
                     disabled=index == len(SECTIONS) - 1, width="stretch")
    with title:
        st.header(_(SECTIONS[index]), anchor=False)
        place = _("Section {number} of {count}").format(number=index + 1, count=len(SECTIONS))
        st.markdown(f'<div class="present-where">{place} · {safe_text.html(where)}</div>', unsafe_allow_html=True)
    section = SECTIONS[index]
    if section in SECTION_CARDS:
        rows = {r["name"]: r for r in summary["cards"] + summary["spend"]}
        names = SECTION_CARDS[section]
        components.cards([rows[n] for n in names], per_row=len(names))
    elif section == "Key messages":
        for message in summary["messages"]:
            st.markdown(f'<p class="present-message">{safe_text.html(message)}</p>', unsafe_allow_html=True)
    else:
        growth_section(growth)


def growth_section(growth: dict) -> None:
    """The referral growth headline and its table (trends.growth_comparison for the period and the one before)."""
    st.markdown(f'<p class="present-headline">{safe_text.html(growth["headline"])}</p>', unsafe_allow_html=True)
    headings = [_("Area"), _("Previous period"), _("This period"), _("Growth")]
    table = growth["table"][["area", "base_shown", "compare_shown", "growth_shown"]].set_axis(headings, axis=1)
    components.table(table, numeric=tuple(headings[1:]))
    if growth["notes"]:
        st.markdown("".join(f'<div class="present-note">{safe_text.html(n)}</div>' for n in growth["notes"]),
                    unsafe_allow_html=True)
