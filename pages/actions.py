"""Actions (manager and commissioner): what the scrutiny meetings agreed, followed up until done or dropped."""

import datetime as dt

import streamlit as st

from metrics.admin import actions
from metrics.i18n import _
from ui import action_log, shell, state

if shell.page("Actions"):
    action_log.last_change()
    if state.database()[1]:
        st.warning(_("Demo mode: actions raised here change the demo only."), icon=":material/science:")
    shown_as = {"open": _("Open actions"), "all": _("All actions")}
    which = st.radio(_("Show"), ("open", "all"), format_func=shown_as.get, horizontal=True, key="actions_which")
    today = dt.date.today()
    action_log.log_table(state.ask(actions.listing, which, today), which)
    st.caption(_("Overdue: still open after its due date. Every change is kept in the audit log with who made it "
                 "and when; the scrutiny pack lists the actions from previous meetings and those raised at this one."))
    left, right = st.columns(2)
    with left:
        st.header(_("Raise an action"))
        action_log.raise_form(state.period())
    with right:
        st.header(_("Update an action"))
        action_log.update_form(state.ask(actions.listing, "all", today))
