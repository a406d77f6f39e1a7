"""The Actions page's parts: the log as a table, the forms that raise and update actions, Summary's overdue line.

Every change goes through metrics.admin.actions (checked, one write, audited under the signed-in user);
text from the log is shown only through components.table, which escapes it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from metrics.admin import actions
from metrics.i18n import N_, _, date_text, ngettext
from metrics.periods import Period
from ui import components, state

DONE_KEY = "actions_done"
NO_CHANGE = "no change"  # a choice's code: shown through _status
# The table's headings: marked N_, translated where the table is drawn.
NUMBER = N_("No.")
COLUMNS = {"action_id": NUMBER, "title": N_("Action"), "about_label": N_("About"), "raised_period": N_("Raised on"),
           "owner": N_("Owner"), "due": N_("Due"), "state": N_("Status"), "latest": N_("Latest update")}


def _status(status: str) -> str:
    """A status (or 'no change') as people read it."""
    return _("no change") if status == NO_CHANGE else actions.status_label(status)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _frame(rows: list[dict]) -> pd.DataFrame:
    shown = [r | {"due": date_text(r["due_date"]),
                  "state": (_("{status}: overdue") if r["overdue"] else "{status}").format(
                      status=_capital(actions.status_label(r["status"]))),
                  "latest": (f"{date_text(r['latest_update_date'])}: {r['latest_update']}" if r["latest_update"]
                             else _("No update yet"))} for r in rows]
    headings = {key: _(heading) for key, heading in COLUMNS.items()}
    return pd.DataFrame(shown, columns=list(COLUMNS)).rename(columns=headings).astype({headings["action_id"]: str})


def log_table(rows: list[dict], which: str) -> None:
    if not rows:
        st.info(_("No open actions.") if which == "open" else _("No actions have been raised yet."))
        return
    components.table(_frame(rows), caption=_("Actions by due date"), numeric=(_(NUMBER),))


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
        _outcome("error", _("**Nothing was saved.**") + " " + " ".join(f"{p}." for p in exc.problems))


def _raise(con, form, period: Period) -> str:
    number = actions.raise_action(con, title=form["raise_title"], about=form["raise_about"], period=period,
                                  owner=form["raise_owner"], due_date=form["raise_due"], who=state.user_name())
    return _("Raised action {number}.").format(number=number)


def _update(con, form) -> str:
    number, status = form["update_which"], form["update_status"]
    actions.add_update(con, number, form["update_text"], state.user_name(),
                       status=None if status == NO_CHANGE else status, update_date=form["update_date"])
    if status == NO_CHANGE:
        return _("Saved the update of action {number}.").format(number=number)
    return _("Saved the update of action {number}: now {status}.").format(number=number, status=_status(status))


def raise_form(period: Period) -> None:
    """Raise an action on the period on screen."""
    choices = actions.about_choices()
    with st.form("raise_action", clear_on_submit=True):
        st.markdown(_("Raised on **{period}** (the period chosen in the sidebar).").format(period=period.label))
        st.text_input(_("Action"), max_chars=actions.TITLE_MAX, key="raise_title")
        st.selectbox(_("About"), list(choices), format_func=choices.get, key="raise_about")
        st.text_input(_("Owner"), max_chars=actions.OWNER_MAX, key="raise_owner")
        st.date_input(_("Due by"), value=dt.date.today() + dt.timedelta(days=28), format="DD/MM/YYYY", key="raise_due")
        st.form_submit_button(_("Raise the action"), type="primary", key="raise_submit", on_click=_save,
                              args=(lambda con, form: _raise(con, form, period),))


def update_form(rows: list[dict]) -> None:
    """A dated update of any action, changing its status if asked."""
    if not rows:
        return
    labels = {r["action_id"]: f"{r['action_id']}. {r['title']} ({actions.status_label(r['status'])})" for r in rows}
    with st.form("update_action", clear_on_submit=True):
        st.selectbox(_("Action"), list(labels), format_func=labels.get, key="update_which")
        st.text_area(_("Update"), max_chars=actions.TEXT_MAX, key="update_text",
                     help=_("What was done. May be left empty when only the status changes."))
        st.selectbox(_("Status"), (NO_CHANGE, *actions.STATUSES), format_func=_status, key="update_status")
        st.date_input(_("Date of the update"), value=dt.date.today(), format="DD/MM/YYYY", key="update_date")
        st.form_submit_button(_("Save the update"), type="primary", key="update_submit", on_click=_save,
                              args=(_update,))


def overdue_line() -> None:
    """On Summary, for the PCC's office and the manager: how many actions are overdue, with a link to them."""
    count = state.ask(actions.overdue_count, dt.date.today())
    if count:
        st.page_link("pages/actions.py", icon=":material/assignment_late:",
                     label=ngettext("{n} overdue action from earlier meetings: see Actions",
                                    "{n} overdue actions from earlier meetings: see Actions", count).format(n=count))
