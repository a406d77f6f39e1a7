"""The action log of the scrutiny meetings: raise an action, add dated updates, change its status.

Every change is one write with its audit entry (who and when). An action is about a measure of the
registry or one of the meeting's topics, and was raised on a period (the period the meeting
scrutinised). What a pack carries (`for_pack`) is decided here:

- "Actions raised at this meeting": raised on a period ending in the pack's last month;
- "Actions from previous meetings": raised on a period ending earlier, still open, or done or dropped
  on or after the pack's first day (so the meeting hears what was closed since it last met).
"""

from __future__ import annotations

import datetime as dt

from metrics.i18n import N_, _
from metrics.measures.registry import MEASURES
from metrics.periods import Period
from metrics.store import actions as rows
from metrics.store.connection import write
from metrics.store.logs import audit

# The topics and statuses are codes (stored, and typed on the command line); their display is translated:
# a topic by _(topic) (marked N_ here), a status by status_label.
TOPICS = (N_("Overall"), N_("Risks and issues"), N_("Partnership work"), N_("Victims' voices"))
STATUSES = ("open", "done", "dropped")
STATUS_LABELS = {"open": N_("open"), "done": N_("done"), "dropped": N_("dropped")}
TITLE_MAX, OWNER_MAX, TEXT_MAX = 200, 100, 2000


class ActionProblem(ValueError):
    """What is wrong with an action or an update, every problem at once."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def about_choices() -> dict[str, str]:
    """{code: label} of what an action may be about: the topics, then every measure of the registry."""
    return {t: _(t) for t in TOPICS} | {name: _(m.label) for name, m in MEASURES.items()}


def about_label(about: str) -> str:
    return about_choices().get(about, about)


def status_label(status: str) -> str:
    """A status as people read it, in this run's language ('open', 'ar agor'); an unknown code as it is."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


# The fields as the problems name them: marked N_, translated in the problem.
TITLE, OWNER, UPDATE = N_("title"), N_("owner"), N_("update")


def _text_problems(field: str, value: str, most: int) -> list[str]:
    field = _(field)
    if not isinstance(value, str) or not value.strip():
        return [_("{field}: it is empty; write what it is").format(field=field)]
    problems = []
    if len(value) > most:
        problems.append(_("{field}: {n} characters is too long (at most {most})").format(
            field=field, n=f"{len(value):,}", most=f"{most:,}"))
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        problems.append(_("{field}: it holds a control character; type it again as plain text").format(field=field))
    return problems


def _check_status(status: str | None) -> list[str]:
    if status is not None and status not in STATUSES:
        return [_("status: {status} is not a status (use {statuses})").format(
            status=repr(status), statuses=", ".join(STATUSES))]
    return []


def raise_action(con, *, title: str, about: str, period: Period, owner: str, due_date: dt.date, who: str,
                 now: dt.datetime | None = None) -> int:
    """Store a new open action and audit it; returns its number. ActionProblem lists what is wrong."""
    problems = _text_problems(TITLE, title, TITLE_MAX) + _text_problems(OWNER, owner, OWNER_MAX)
    if about not in about_choices():
        problems.append(_("about: {about} is not a measure's name or a topic ({topics})").format(
            about=repr(about), topics=", ".join(TOPICS)))
    if not isinstance(due_date, dt.date):
        problems.append(_("due date: {due} is not a date (YYYY-MM-DD)").format(due=repr(due_date)))
    if problems:
        raise ActionProblem(problems)
    now = now or dt.datetime.now()
    with write(con):
        action_id = rows.insert_action(con, {
            "title": title.strip(), "about": about, "raised_from": period.first, "raised_to": period.last,
            "owner": owner.strip(), "due_date": due_date, "raised_at": now, "raised_by": who})
        audit(con, who, "action raised", f"action {action_id} ({period.label}, due {due_date:%Y-%m-%d}): "
              f"{title.strip()}")
    return action_id


def add_update(con, action_id: int, text: str, who: str, *, status: str | None = None,
               update_date: dt.date | None = None, now: dt.datetime | None = None) -> None:
    """A dated update of an action, changing its status when `status` is given; audited."""
    if status and not (text or "").strip():
        text = f"Status set to {status}."  # stored in the log, in English like the status code it names
    problems = _text_problems(UPDATE, text, TEXT_MAX) + _check_status(status)
    if not rows.exists(con, action_id):
        problems.insert(0, _("action {number}: there is no such action").format(number=action_id))
    if problems:
        raise ActionProblem(problems)
    now = now or dt.datetime.now()
    with write(con):
        rows.insert_update(con, action_id, update_date or now.date(), text.strip(), who, status, now)
        what = f"action {action_id}" + (f" set to {status}" if status else "") + f": {text.strip()}"
        audit(con, who, "action status changed" if status else "action updated", what)


def _with_flags(row: dict, today: dt.date) -> dict:
    raised = Period(row["raised_from"], row["raised_to"])
    return row | {"raised_period": raised.label, "about_label": about_label(row["about"]),
                  "overdue": row["status"] == "open" and row["due_date"] < today}


def listing(con, which: str = "open", today: dt.date | None = None, as_of: dt.datetime | None = None) -> list[dict]:
    """The actions ('open' or 'all'), by due date, each with its raised period's label and an overdue flag."""
    if which not in ("open", "all"):
        raise ValueError(_("{which}: list 'open' or 'all' actions").format(which=repr(which)))
    today = today or dt.date.today()
    found = [_with_flags(r, today) for r in rows.action_rows(con, as_of)]
    return [r for r in found if which == "all" or r["status"] == "open"]


def overdue_count(con, today: dt.date | None = None) -> int:
    """How many open actions are past their due date (due before today)."""
    return sum(r["overdue"] for r in listing(con, "open", today))


def for_pack(con, period: Period, as_of: dt.datetime | None = None) -> tuple[list[dict], list[dict]]:
    """(from previous meetings, raised at this meeting) for a pack of the period, as the log stood at `as_of`."""
    found = [_with_flags(r, period.end) for r in rows.action_rows(con, as_of)]
    this = [r for r in found if r["raised_to"] == period.last]
    earlier = [r for r in found if r["raised_to"] < period.last
               and (r["status"] == "open" or (r["status_date"] or dt.date.min) >= period.start)]
    return earlier, this


def updates(con, action_id: int | None = None) -> list[dict]:
    return rows.update_rows(con, action_id)
