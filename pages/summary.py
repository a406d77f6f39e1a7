"""Summary: the one page for the scrutiny meeting, on a projector."""

import streamlit as st

from metrics.answers import growth, summary
from metrics.safe_text import markdown as md
from ui import action_log, components, present, shell, state

if shell.page("Summary"):
    period, service, audience = state.period(), state.service(), state.audience()
    summary = state.ask(summary.summary, period, service, audience)
    if audience == "internal" and present.presenting():
        growth = state.ask(growth.growth_comparison, period.previous(), period, service, audience)
        present.present(summary, growth, components.where_line())
    else:
        present.downloads(period, service, audience)
        if audience == "internal":
            present.meeting_record(period, service)
            action_log.overdue_line()
        components.publication_download(service)
        components.cards(summary["cards"])
        st.header("Spend against budget")
        components.cards(summary["spend"], per_row=3)
        st.header("Key messages")
        for message in summary["messages"]:
            st.markdown(f"- {md(message)}")
