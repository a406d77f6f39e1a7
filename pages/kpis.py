"""Advocate KPIs: every measure with its target, grade, previous period and last twelve months."""

import streamlit as st

from metrics.answers import commentary, summary
from metrics.i18n import _
from metrics.periods import Period, add_months
from ui import commentary as commentary_ui
from ui import kpi_table, shell, state

if shell.page("Advocate KPIs"):
    period = state.period()
    rows = state.ask(summary.scorecard, period, state.service(), state.audience())
    months = Period(add_months(period.last, -(summary.SPARK_MONTHS - 1)), period.last).months
    # Advocate KPIs is an internal page; the partnership never sees the commentary.
    said = state.ask(commentary.by_topic, period, state.service()) if state.audience() == "internal" else {}
    caption = _("Every measure for {period}, against {previous}; the line shows each of the last 12 months, drawn "
                "from zero").format(period=period.label, previous=period.previous().label)
    kpi_table.kpi_table(rows, months, caption, commentary_ui.beside_measures(said))
    with st.expander(_("Definitions of every measure")):
        for row in rows:
            st.markdown(f"**{row['label']}**: {row['description']}")
