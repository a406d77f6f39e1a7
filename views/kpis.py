"""Advocate KPIs: every measure with its target, grade, previous period and last twelve months."""

import pandas as pd
import streamlit as st

from metrics.answers import summary
from metrics.measures.grading import GRADE_BADGES
from ui import shell, state

if shell.page("Advocate KPIs"):
    rows = state.ask(summary.scorecard, state.period(), state.service(), state.audience())
    table = pd.DataFrame(rows)
    table["grade"] = table["grade"].map(GRADE_BADGES).fillna("")
    st.dataframe(
        table[["label", "shown", "previous_shown", "change", "target_shown", "grade", "spark", "reading"]],
        column_config={
            "label": st.column_config.TextColumn("Measure", width="medium"),
            "shown": "This period",
            "previous_shown": "Previous period",
            "change": "Change",
            "target_shown": "Target",
            "grade": "Grade",
            "spark": st.column_config.LineChartColumn("Last 12 months"),
            "reading": st.column_config.TextColumn("Reading", width="large"),
        },
        hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3,
    )
    with st.expander("Definitions of every measure"):
        for row in rows:
            st.markdown(f"**{row['label']}**: {row['description']}")
