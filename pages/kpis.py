"""Advocate KPIs: every measure with its target, grade, previous period and last twelve months."""

import streamlit as st

from metrics.answers import summary
from metrics.periods import Period, add_months
from ui import kpi_table, shell, state

if shell.page("Advocate KPIs"):
    period = state.period()
    rows = state.ask(summary.scorecard, period, state.service(), state.audience())
    months = Period(add_months(period.last, -(summary.SPARK_MONTHS - 1)), period.last).months
    kpi_table.kpi_table(rows, months, f"Every measure for {period.label}, against {period.previous().label}; "
                        "the line shows each of the last 12 months, drawn from zero")
    with st.expander("Definitions of every measure"):
        for row in rows:
            st.markdown(f"**{row['label']}**: {row['description']}")
