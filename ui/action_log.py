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


def _outcome(kind: str, message: str) -> None:
    # Kept with the data version it left: shown until the data changes again. A message popped on the next run
    # was sometimes gone before anyone read it (a signed-in browser can bring another run straight after).
    st.session_state[DONE_KEY] = (kind, message, state.data_version())


def last_change() -> None:
    """What this user's last change did (or why it was refused), while the data is still as it left it."""
    kind, message, made = st.session_state.get(DONE_KEY) or (None, None, None)
    if message and made == state.data_version():
        if kind == "done":
            st.success(message, icon=":material/check_circle:")
        else:
            st.error(message)


def _save(change) -> None:
    """Run a change of the log when its form is submitted: a callback, so it runs before the page is drawn and
    the page shows the log as changed."""
    try:
        with state.writing():
            _outcome("done", change(state.con(), st.session_state))
    except actions.ActionProblem as exc:
        _outcome("error", "**Nothing was saved.** " + " ".join(f"{p}." for p in exc.problems))


def _raise(con, form, period: Period) -> str:
    number = actions.raise_action(con, title=form["raise_title"], about=form["raise_about"], period=period,
                                  owner=form["raise_owner"], due_date=form["raise_due"], who=state.user_name())
    return f"Raised action {number}."


def _update(con, form) -> str:
    number, status = form["update_which"], form["update_status"]
    actions.add_update(con, number, form["update_text"], state.user_name(),
                       status=None if status == NO_CHANGE else status, update_date=form["update_date"])
    return f"Saved the update of action {number}" + ("" if status == NO_CHANGE else f": now {status}") + "."


def raise_form(period: Period) -> None:
    """Raise an action on the period on screen."""
    choices = actions.about_choices()
    with st.form("raise_action", clear_on_submit=True):
        st.markdown(f"Raised on **{period.label}** (the period chosen in the sidebar).")
        st.text_input("Action", max_chars=actions.TITLE_MAX, key="raise_title")
        st.selectbox("About", list(choices), format_func=choices.get, key="raise_about")
        st.text_input("Owner", max_chars=actions.OWNER_MAX, key="raise_owner")
        st.date_input("Due by", value=dt.date.today() + dt.timedelta(days=28), format="DD/MM/YYYY", key="raise_due")
        st.form_submit_button("Raise the action", type="primary", key="raise_submit", on_click=_save,
                              args=(lambda con, form: _raise(con, form, period),))


def update_form(rows: list[dict]) -> None:
    """A dated update of any action, changing its status if asked."""
    if not rows:
        return
    labels = {r["action_id"]: f"{r['action_id']}. {r['title']} ({r['status']})" for r in rows}
    with st.form("update_action", clear_on_submit=True):
        st.selectbox("Action", list(labels), format_func=labels.get, key="update_which")
        st.text_area("Update", max_chars=actions.TEXT_MAX, key="update_text",
                     help="What was done. May be left empty when only the status changes.")
        st.selectbox("Status", (NO_CHANGE, *actions.STATUSES), key="update_status")
        st.date_input("Date of the update", value=dt.date.today(), format="DD/MM/YYYY", key="update_date")
        st.form_submit_button("Save the update", type="primary", key="update_submit", on_click=_save,
                              args=(_update,))


def overdue_line() -> None:
    """On Summary, for the PCC's office and the manager: how many actions are overdue, with a link to them."""
    count = state.ask(actions.overdue_count, dt.date.today())
    if count:
        st.page_link("pages/actions.py", icon=":material/assignment_late:",
                     label=f"{count} overdue action{'s' if count != 1 else ''} from earlier meetings: see Actions")
