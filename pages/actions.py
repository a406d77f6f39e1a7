"""Actions (manager and commissioner): what the scrutiny meetings agreed, followed up until done or dropped."""

import datetime as dt

import streamlit as st

from metrics.admin import actions
from ui import action_log, shell, state

if shell.page("Actions"):
    action_log.last_change()
    if state.database()[1]:
        st.warning("Demo mode: actions raised here change the demo only.", icon=":material/science:")
    which = st.radio("Show", ("open", "all"), format_func={"open": "Open actions", "all": "All actions"}.get,
                     horizontal=True, key="actions_which")
    today = dt.date.today()
    action_log.log_table(state.ask(actions.listing, which, today), which)
    st.caption("Overdue: still open after its due date. Every change is kept in the audit log with who made it "
               "and when; the scrutiny pack lists the actions from previous meetings and those raised at this one.")
    left, right = st.columns(2)
    with left:
        st.header("Raise an action")
        action_log.raise_form(state.period())
    with right:
        st.header("Update an action")
        action_log.update_form(state.ask(actions.listing, "all", today))
