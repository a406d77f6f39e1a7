"""The Actions page's parts: the log as a table, the forms that raise and update actions, Summary's overdue line.

Every change goes through metrics.admin.actions (checked, one write, audited under the signed-in user);
text from the log is shown only through components.table, which escapes it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from metrics.admin import actions
from metrics.periods import Period
from ui import components, state

DONE_KEY = "actions_done"
NO_CHANGE = "no change"
COLUMNS = {"action_id": "No.", "title": "Action", "about_label": "About", "raised_period": "Raised on",
           "owner": "Owner", "due": "Due", "state": "Status", "latest": "Latest update"}


def _frame(rows: list[dict]) -> pd.DataFrame:
    shown = [r | {"due": f"{r['due_date']:%d %b %Y}",
                  "state": r["status"].capitalize() + (": overdue" if r["overdue"] else ""),
                  "latest": (f"{r['latest_update_date']:%d %b %Y}: {r['latest_update']}" if r["latest_update"]
                             else "No update yet")} for r in rows]
    return pd.DataFrame(shown, columns=list(COLUMNS)).rename(columns=COLUMNS).astype({"No.": str})


def log_table(rows: list[dict], which: str) -> None:
    if not rows:
        st.info("No open actions." if which == "open" else "No actions have been raised yet.")
        return
    components.table(_frame(rows), caption="Actions by due date", numeric=("No.",))


def _saved(message: str) -> None:
    st.session_state[DONE_KEY] = message
    st.rerun()


def _problems(exc: actions.ActionProblem) -> None:
    st.error("**Nothing was saved.** " + " ".join(f"{p}." for p in exc.problems))


def raise_form(period: Period) -> None:
    """Raise an action on the period on screen."""
    choices = actions.about_choices()
    with st.form("raise_action", clear_on_submit=True):
        st.markdown(f"Raised on **{period.label}** (the period chosen in the sidebar).")
        title = st.text_input("Action", max_chars=actions.TITLE_MAX, key="raise_title")
        about = st.selectbox("About", list(choices), format_func=choices.get, key="raise_about")
        owner = st.text_input("Owner", max_chars=actions.OWNER_MAX, key="raise_owner")
        due = st.date_input("Due by", value=dt.date.today() + dt.timedelta(days=28), format="DD/MM/YYYY",
                            key="raise_due")
        submitted = st.form_submit_button("Raise the action", type="primary", key="raise_submit")
    if submitted:
        try:
            with state.writing():
                number = actions.raise_action(state.con(), title=title, about=about, period=period, owner=owner,
                                              due_date=due, who=state.user_name())
        except actions.ActionProblem as exc:
            _problems(exc)
        else:
            _saved(f"Raised action {number}.")


def update_form(rows: list[dict]) -> None:
    """A dated update of any action, changing its status if asked."""
    if not rows:
        return
    labels = {r["action_id"]: f"{r['action_id']}. {r['title']} ({r['status']})" for r in rows}
    with st.form("update_action", clear_on_submit=True):
        number = st.selectbox("Action", list(labels), format_func=labels.get, key="update_which")
        text = st.text_area("Update", max_chars=actions.TEXT_MAX, key="update_text",
                            help="What was done. May be left empty when only the status changes.")
        status = st.selectbox("Status", (NO_CHANGE, *actions.STATUSES), key="update_status")
        day = st.date_input("Date of the update", value=dt.date.today(), format="DD/MM/YYYY", key="update_date")
        submitted = st.form_submit_button("Save the update", type="primary", key="update_submit")
    if submitted:
        try:
            with state.writing():
                actions.add_update(state.con(), number, text, state.user_name(),
                                   status=None if status == NO_CHANGE else status, update_date=day)
        except actions.ActionProblem as exc:
            _problems(exc)
        else:
            _saved(f"Saved the update of action {number}" + ("" if status == NO_CHANGE else f": now {status}") + ".")


def overdue_line() -> None:
    """On Summary, for the PCC's office and the manager: how many actions are overdue, with a link to them."""
    count = state.ask(actions.overdue_count, dt.date.today())
    if count:
        st.page_link("pages/actions.py", icon=":material/assignment_late:",
                     label=f"{count} overdue action{'s' if count != 1 else ''} from earlier meetings: see Actions")
