"""Summary: the one page for the scrutiny meeting, on a projector."""

import streamlit as st

from ui import components, shell, state

if shell.page("Summary"):
    summary = state.ask("scorecard", "summary", state.period(), state.service(), state.audience())
    components.cards(summary["cards"])
    st.subheader("Spend against budget")
    components.cards(summary["spend"], per_row=3)
    st.subheader("Key messages")
    for message in summary["messages"]:
        st.markdown(f"- {message}")
