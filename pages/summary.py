"""Summary: the one page for the scrutiny meeting, on a projector."""

import streamlit as st

from metrics.answers import commentary, growth, summary
from metrics.i18n import _
from metrics.safe_text import markdown as md
from ui import action_log, components, present, shell, state
from ui import commentary as commentary_ui

if shell.page("Summary"):
    period, service, audience = state.period(), state.service(), state.audience()
    summary = state.ask(summary.summary, period, service, audience)
    if audience == "internal" and present.presenting():
        growth = state.ask(growth.growth_comparison, period.previous(), period, service, audience)
        present.present(summary, growth, components.where_line())
    else:
        internal = audience == "internal"  # the commentary and the voices are never the partnership's
        said = state.ask(commentary.by_topic, period, service) if internal else {}
        beside = commentary_ui.beside_measures(said)
        present.downloads(period, service, audience)
        if audience == "internal":
            present.evaluation_downloads(period, service)
            present.meeting_record(period, service)
            action_log.overdue_line()
        components.publication_download(service)
        components.cards(summary["cards"], beside=beside)
        st.header(_("Spend against budget"))
        components.cards(summary["spend"], per_row=3, beside=beside)
        st.header(_("Key messages"))
        st.markdown("\n".join(f"- {md(message)}" for message in summary["messages"]))  # one list
        if internal:
            commentary_ui.section(said, commentary.SUMMARY_TOPICS)
            commentary_ui.voices(state.ask(commentary.voices, period, service), said.get("Victims' voices", []))
