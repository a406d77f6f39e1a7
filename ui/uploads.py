"""The upload page's moving parts: check each file once, show problems or a preview, load, roll back.

A checked workbook is kept in the session under its SHA-256 (and name) from the run that checked it
to the run in which the manager confirms, so what is loaded is exactly what was previewed. In demo
mode, files are checked and previewed against a blank database holding the default reference data
(what a real database starts as), but nothing can be loaded: the real database and its first manager
are created only from the server's command line (`python -m metrics init`), never from a page.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib

import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics.admin import setup
from metrics.contract import MAX_UPLOAD_BYTES, Problem
from metrics.i18n import N_, _, date_text, language, month_text, ngettext
from metrics.periods import Period
from metrics.returns import ingest, preview
from metrics.returns.ingest import CheckedReturn
from metrics.safe_text import markdown as md
from metrics.store import loading
from ui import components, state

_CHECKED = "checked_returns"  # session: (SHA-256, file name) -> CheckedReturn or its problems
_ROUND = "upload_round"  # bumped after a load, so that the uploader starts empty again
_DONE = "upload_done"  # what the last load or rollback did, shown once after the rerun
_PREVIEW = "upload_preview"  # (confirm key, preview) of the files in the uploader

# Marked N_, translated where shown.
DEMO_NEXT_STEP = N_("To use the dashboard with real returns, whoever looks after the server creates the real "
                  "database and the first manager account there: `python -m metrics init --manager NAME` (see the "
                  "README). Everyone then signs in, and the demo is no longer shown.")
DEMO_LOOKING = N_("You are looking at the **demo**. Returns you upload here are checked completely and previewed "
                  "against a blank database with the default budget, targets and reference data, but they are not "
                  "loaded.")


def demo_notice() -> str:
    """The demo's notice on the upload page, in this run's language."""
    return _(DEMO_LOOKING) + " " + _(DEMO_NEXT_STEP)


def demo_next_step() -> str:
    return _(DEMO_NEXT_STEP)


DEMO_NOTICE = DEMO_LOOKING + " " + DEMO_NEXT_STEP  # English: pages/upload.py shows demo_notice()

PROBLEM_COLUMNS = {"file": N_("File"), "sheet": N_("Sheet"), "row": N_("Row"), "column": N_("Column"),
                   "value": N_("Value"), "problem": N_("Problem")}  # marked N_: see problem_columns()


def problem_columns() -> dict[str, str]:
    """The problem table's headings, in this run's language."""
    return {key: _(heading) for key, heading in PROBLEM_COLUMNS.items()}


def _day(value) -> str:
    """'5 June 2019'; in Welsh '5 Mehefin 2019'."""
    return f"{value:%-d %B %Y}" if language() == "en" else date_text(value)


def _when(value) -> str:
    """'5 June 2019 14:30'."""
    return f"{_day(value)} {value:%H:%M}"


@st.cache_resource(show_spinner=False)
def _blank_database():
    return setup.blank_database()


@contextlib.contextmanager
def _target():
    """A cursor on the database the files would go into (in demo mode, the blank stand-in)."""
    if not state.database()[1]:
        yield state.con()
        return
    cursor = _blank_database().cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def uploader() -> list:
    round_ = st.session_state.get(_ROUND, 0)
    return st.file_uploader(
        # Any type: a file the checks cannot take is refused saying how to save it as .xlsx.
        _("Monthly returns (.xlsx, .ods, or a .zip of one CSV per sheet)"), accept_multiple_files=True,
        key=f"returns-{round_}", max_upload_size=MAX_UPLOAD_BYTES // 2**20,
        help=_("One workbook per month, made from the template. You can choose several at once."),
    )


def check(files: list) -> tuple[list[CheckedReturn], list[Problem]]:
    """Every uploaded file checked (once per content); the checked returns and every problem."""
    kept = st.session_state.get(_CHECKED, {})
    current, checked, problems = {}, [], []
    with _target() as con:
        for upload in files:
            content = upload.getvalue()
            key = (hashlib.sha256(content).hexdigest(), upload.name)
            if key not in kept:
                kept[key] = preview.check_file(con, upload.name, content)
                if isinstance(kept[key], list):  # in demo mode, in the demo's own audit log
                    with state.writing():
                        ingest.audit_rejection(state.con(), state.user_name(), kept[key])
            current[key] = kept[key]
            if isinstance(current[key], list):
                problems.extend(current[key])
            else:
                checked.append(current[key])
    st.session_state[_CHECKED] = current  # forget files no longer in the uploader
    return checked, problems or preview.batch_problems(checked)


def show_problems(problems: list[Problem], passed: int) -> None:
    files = len({p.file for p in problems})
    count = len(problems)
    in_files = ngettext("{n} file", "{n} files", files).format(n=files)
    st.error(ngettext("**Nothing has been loaded.** {n} problem in {files}: fix it in the workbook and upload it "
                      "again.",
                      "**Nothing has been loaded.** {n} problems in {files}: fix them in the workbook and upload it "
                      "again.", count).format(n=count, files=in_files)
             + (" " + _("({n} other file(s) passed every check.)").format(n=passed) if passed else ""))
    frame = pd.DataFrame([p.as_dict() for p in problems])[list(PROBLEM_COLUMNS)]
    headings = problem_columns()
    # An HTML table: the problem is a sentence, which a dataframe's cell cut short.
    components.table(components.as_text(frame, {"row": "number"}).set_axis(list(headings.values()), axis=1),
                     _("Every problem found"), numeric=(headings["row"],), row_headers=False)


def preview_of(checked: list[CheckedReturn]) -> dict:
    """The preview of these files against the data as it is now, computed once for each."""
    key = confirm_key(checked)
    kept = st.session_state.get(_PREVIEW)
    if kept is None or kept[0] != key:
        with _target() as con:
            kept = st.session_state[_PREVIEW] = (key, preview.preview(con, checked))
    return kept[1]


def confirm_key(checked: list[CheckedReturn]) -> str:
    """A key that changes with the files and with the data: a click on a stale preview does nothing."""
    version = repr(state.data_version()) + "".join(sorted(c.sha256 for c in checked))
    return "confirm-" + hashlib.sha256(version.encode()).hexdigest()[:16]


def load(checked: list[CheckedReturn], voices_checked: bool = False) -> None:
    """Load the checked returns into the real database, in month order (never in demo mode); voices the identity
    check listed load only when the manager has ticked that they identify no one."""
    if state.database()[1]:
        st.error(_("Nothing was loaded: the demo loads nothing.") + " " + _(DEMO_NEXT_STEP))
        st.stop()
    ordered = sorted(checked, key=lambda c: (c.about["service"], c.about["reporting_month"]))
    with state.writing():
        results = [ingest.load_checked(state.con(), item, state.user_name(), voices_checked) for item in ordered]
    lines = [(_("{month} from {file} as upload {upload}, replacing upload {replaced}") if r["replaced_upload_id"]
              else _("{month} from {file} as upload {upload}")).format(
                 month=r["reporting_month"], file=md(r["file"]), upload=r["upload_id"],
                 replaced=r["replaced_upload_id"])
             for r in results]
    finish(_("Loaded {uploads}.").format(uploads="; ".join(lines)))


def rollback(month: str, service: str) -> None:
    with state.writing():
        result = loading.rollback(state.con(), month, service, state.user_name())
    finish(_("Rolled back {month}: upload {withdrawn} withdrawn, upload {current} is current again.").format(
        month=result["reporting_month"], withdrawn=result["withdrawn"], current=result["current"]))


def finish(message: str) -> None:
    """Remember what happened, empty the uploader and start a fresh run (the sidebar changes too)."""
    st.session_state[_DONE] = message
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    st.session_state.pop(_CHECKED, None)
    st.session_state.pop(_PREVIEW, None)
    st.rerun()


def show_done() -> None:
    message = st.session_state.pop(_DONE, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _when(moment) -> str:
    return f"{moment.day} {month_text(moment)}, {moment:%H:%M}"  # English: 5 Jun 2019, 14:30


def log_shown(frame: pd.DataFrame) -> pa.Table:
    """The upload log as text, as Arrow: made once per log (ui.state.derived), and sent by Streamlit as it is."""
    return pa.Table.from_pandas(components.as_text(frame, {
        "upload_id": "number", "replaced_upload_id": "number", "uploaded_at": _when, "rolled_back_at": _when,
        "cases_rows": "number", "activity_rows": "number", "spend_rows": "number"}), preserve_index=False)


def upload_log(frame: pd.DataFrame) -> None:
    """The upload log, newest first."""
    if frame.empty:
        st.caption(_("Nothing has been uploaded yet."))
        return
    several_services = frame["service"].nunique() > 1
    right = functools.partial(st.column_config.TextColumn, alignment="right")
    st.dataframe(
        state.derived(log_shown, frame),
        column_order=["upload_id", "reporting_month", *(["service"] if several_services else []), "state",
                      "file_name", "uploaded_at", "uploaded_by", "cases_rows", "activity_rows", "spend_rows",
                      "replaced_upload_id", "rolled_back_at", "rolled_back_by"],
        column_config={
            "upload_id": right(_("Upload")), "reporting_month": _("Month"), "state": _("State"), "file_name": _("File"),
            "uploaded_at": _("Uploaded"), "uploaded_by": _("By"), "cases_rows": right(_("Case rows")),
            "activity_rows": right(_("Activity rows")), "spend_rows": right(_("Spend rows")),
            "replaced_upload_id": right(_("Replaced upload")), "rolled_back_at": _("Rolled back"),
            "rolled_back_by": _("Rolled back by"), "service": _("Service"),
        },
        hide_index=True, width="stretch",
    )


def _month(month: str) -> str:
    return Period(month, month).label


def rollback_control(service: str) -> None:
    """Pick a month that has an earlier version, see what rolling back does, and do it."""
    choices = state.ask(preview.rollback_choices, service).to_dict("records")
    if not choices:
        st.caption(_("No month has an earlier version to go back to. Rolling back withdraws a month's current "
                     "upload and makes the one it replaced current again."))
        return
    by_month = {row["reporting_month"]: row for row in choices}
    month = st.selectbox(_("Month to roll back"), list(by_month), format_func=_month, key="rollback_month")
    row = by_month[month]
    st.markdown(_("Withdraws upload {withdraw} ({withdraw_file}, uploaded {withdraw_at} by {withdraw_by}) and makes "
                  "upload {restore} ({restore_file}, uploaded {restore_at}) current again. Nothing is deleted: both "
                  "stay in the upload log.").format(
        withdraw=row["withdraw_upload"], withdraw_file=md(row["withdraw_file"]),
        withdraw_at=_when(row["withdraw_uploaded_at"]), withdraw_by=md(row["withdraw_uploaded_by"]),
        restore=row["restore_upload"], restore_file=md(row["restore_file"]),
        restore_at=_day(row["restore_uploaded_at"])))
    if st.button(_("Roll back {month}").format(month=_month(month)), key=f"rollback-{row['withdraw_upload']}"):
        rollback(month, service)
