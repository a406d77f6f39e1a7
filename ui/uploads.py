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
import streamlit as st

from metrics.admin import setup
from metrics.contract import MAX_UPLOAD_BYTES, Problem
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

DEMO_NEXT_STEP = ("To use the dashboard with real returns, whoever looks after the server creates the real "
                  "database and the first manager account there: `python -m metrics init --manager NAME` (see the "
                  "README). Everyone then signs in, and the demo is no longer shown.")
DEMO_NOTICE = ("You are looking at the **demo**. Returns you upload here are checked completely and previewed "
               "against a blank database with the default budget, targets and reference data, but they are not "
               "loaded. " + DEMO_NEXT_STEP)

PROBLEM_COLUMNS = {"file": "File", "sheet": "Sheet", "row": "Row", "column": "Column", "value": "Value",
                   "problem": "Problem"}


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
        "Monthly returns (.xlsx, .ods, or a .zip of one CSV per sheet)", accept_multiple_files=True,
        key=f"returns-{round_}", max_upload_size=MAX_UPLOAD_BYTES // 2**20,
        help="One workbook per month, made from the template. You can choose several at once.",
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
    st.error(f"**Nothing has been loaded.** {len(problems)} problem{'s' * (len(problems) != 1)} in "
             f"{files} file{'s' * (files != 1)}: fix {'them' if len(problems) != 1 else 'it'} in the workbook "
             "and upload it again." + (f" ({passed} other file(s) passed every check.)" if passed else ""))
    frame = pd.DataFrame([p.as_dict() for p in problems])[list(PROBLEM_COLUMNS)]
    # An HTML table: the problem is a sentence, which a dataframe's cell cut short.
    components.table(components.as_text(frame, {"row": "number"}).set_axis(list(PROBLEM_COLUMNS.values()), axis=1),
                     "Every problem found", numeric=("Row",), row_headers=False)


def _findings(rows: list[dict], heading: str) -> None:
    st.dataframe(pd.DataFrame(rows), column_config={**PROBLEM_COLUMNS, "problem": st.column_config.TextColumn(
        heading, width="large")}, hide_index=True, width="stretch")


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
        st.error("Nothing was loaded: the demo loads nothing. " + DEMO_NEXT_STEP)
        st.stop()
    ordered = sorted(checked, key=lambda c: (c.about["service"], c.about["reporting_month"]))
    with state.writing():
        results = [ingest.load_checked(state.con(), item, state.user_name(), voices_checked) for item in ordered]
    lines = [f"{r['reporting_month']} from {md(r['file'])} as upload {r['upload_id']}"
             + (f", replacing upload {r['replaced_upload_id']}" if r["replaced_upload_id"] else "") for r in results]
    finish("Loaded " + "; ".join(lines) + ".")


def rollback(month: str, service: str) -> None:
    with state.writing():
        result = loading.rollback(state.con(), month, service, state.user_name())
    finish(f"Rolled back {result['reporting_month']}: upload {result['withdrawn']} withdrawn, "
           f"upload {result['current']} is current again.")


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


def upload_log(frame: pd.DataFrame) -> None:
    """The upload log, newest first."""
    if frame.empty:
        st.caption("Nothing has been uploaded yet.")
        return
    several_services = frame["service"].nunique() > 1
    when = lambda t: f"{t:%-d %b %Y, %H:%M}"  # noqa: E731
    frame = components.as_text(frame, {"upload_id": "number", "replaced_upload_id": "number", "uploaded_at": when,
                                       "rolled_back_at": when, "cases_rows": "number", "activity_rows": "number",
                                       "spend_rows": "number"})
    right = functools.partial(st.column_config.TextColumn, alignment="right")
    st.dataframe(
        frame,
        column_order=["upload_id", "reporting_month", *(["service"] if several_services else []), "state",
                      "file_name", "uploaded_at", "uploaded_by", "cases_rows", "activity_rows", "spend_rows",
                      "replaced_upload_id", "rolled_back_at", "rolled_back_by"],
        column_config={
            "upload_id": right("Upload"), "reporting_month": "Month", "state": "State", "file_name": "File",
            "uploaded_at": "Uploaded", "uploaded_by": "By", "cases_rows": right("Case rows"),
            "activity_rows": right("Activity rows"), "spend_rows": right("Spend rows"),
            "replaced_upload_id": right("Replaced upload"), "rolled_back_at": "Rolled back",
            "rolled_back_by": "Rolled back by", "service": "Service",
        },
        hide_index=True, width="stretch",
    )


def _month(month: str) -> str:
    return Period(month, month).label


def show_preview(result: dict) -> None:
    """What confirming would change: per file, the headline counts, then the detail."""
    counts = result["counts"]
    st.success(f"Every check passed: {counts['files']} return{'s' * (counts['files'] != 1)} ready to load. "
               "Nothing changes until you confirm.", icon=":material/check_circle:")
    for item in result["files"]:
        text = (f"**{_month(item['reporting_month'])}** from {md(item['file'])}: prepared by "
                f"{md(item['prepared_by'])}, "
                f"submitted {item['submitted_on']:%-d %B %Y}; {item['cases_rows']} case rows, "
                f"{item['spend_lines']} spend lines totalling £{item['spend_total']:,.2f}. ")
        replaced = item["replaces"]
        if replaced:
            text += (f"**Replaces** upload {replaced['upload_id']} ({md(replaced['file_name'])}, uploaded "
                     f"{replaced['uploaded_at']:%-d %B %Y %H:%M} by {md(replaced['uploaded_by'])}, spend "
                     f"£{replaced['spend_total']:,.2f})"
                     + (": this is the very same file." if item["same_file"] else "."))
        else:
            text += "A month not loaded before."
        if item["commentary_rows"] or item["voices_rows"]:
            text += (f" With {item['commentary_rows']} commentary topic{'s' * (item['commentary_rows'] != 1)} and "
                     f"{item['voices_rows']} voice{'s' * (item['voices_rows'] != 1)} with consent to share.")
        st.markdown(text)
    if result["notes"]:
        st.info("**Read as noted below**: nothing to do unless a note is wrong.", icon="📝")
        _findings(result["notes"], "Note")
    if result["identifying"]:
        st.warning("**Check these voices before you confirm**: they may identify someone. If one does, edit it in "
                   "the workbook and upload it again.", icon="🔒")
        _findings(result["identifying"], "Check")
    if result["to_confirm"]:
        st.warning("**Check these dates before you confirm**: they may have been read the wrong way round.",
                   icon="📅")
        _findings(result["to_confirm"], "Check")
    columns = st.columns(5)
    columns[0].metric("New cases", counts["new_cases"])
    columns[1].metric("Updated cases", counts["updated_cases"])
    columns[2].metric("Closures recorded", counts["closures_recorded"])
    columns[3].metric("Spend lines", counts["spend_lines"])
    columns[4].metric("Spend total", f"£{counts['spend_total']:,.2f}")
    if counts["no_longer_listed"]:
        st.warning(f"{counts['no_longer_listed']} case(s) listed in the version being replaced appear in no "
                   "return any more: check that the new workbook is complete.")
    if counts["left_out"]:
        st.warning(f"{counts['left_out']} case(s) open at the end of the month before are not in this return: a "
                   "case open at any time in the month needs its row (give a closed case its closed_date and "
                   "closure_reason rather than deleting it), or it stays open as last listed.", icon="⚠️")
        st.dataframe(result["left_out"], hide_index=True, width="stretch")
    with st.expander("Cases that change", expanded=True):
        st.dataframe(result["cases"], hide_index=True, width="stretch",
                     column_order=["case_ref", "change", "listed_in", "referral_date", "closed_date", "changed",
                                   "detail"],
                     column_config={
                         "case_ref": "Case", "change": "Change", "listed_in": "Month",
                         "referral_date": st.column_config.DateColumn("Referred", format="YYYY-MM-DD"),
                         "closed_date": st.column_config.DateColumn("Closed", format="YYYY-MM-DD"),
                         "changed": "Fields changed",
                         "detail": st.column_config.TextColumn("From → to", width="large"),
                     })
    if not result["commentary"].empty:
        with st.expander("The provider's commentary"):
            st.dataframe(result["commentary"], hide_index=True, width="stretch", column_config={
                "reporting_month": "Month", "row": st.column_config.NumberColumn("Row", format="%d"),
                "topic": "Topic", "text": st.column_config.TextColumn("Commentary", width="large")})
    if not result["voices"].empty:
        with st.expander("Victims' voices (seen by the manager and the PCC's office only)"):
            st.dataframe(result["voices"], hide_index=True, width="stretch", column_config={
                "reporting_month": "Month", "row": st.column_config.NumberColumn("Row", format="%d"),
                "theme": "Theme", "quote_or_summary": st.column_config.TextColumn("Voice", width="large")})
    with st.expander("Spend lines"):
        st.dataframe(result["spend"], hide_index=True, width="stretch", column_config={
            "file": "File", "reporting_month": "Month", "row": st.column_config.NumberColumn("Row", format="%d"),
            "budget_line": "Budget line", "detail": "Detail",
            "amount_gbp": st.column_config.NumberColumn("Amount", format="£%,.2f"), "grant": "Grant"})
    with st.expander("Activity counts"):
        st.dataframe(result["activity"], hide_index=True, width="stretch", column_config={
            "reporting_month": "Month", "measure": "Activity", "count": "This return",
            "loaded_now": "Loaded now (replaced)"})


def rollback_control(service: str) -> None:
    """Pick a month that has an earlier version, see what rolling back does, and do it."""
    choices = state.ask(preview.rollback_choices, service).to_dict("records")
    if not choices:
        st.caption("No month has an earlier version to go back to. Rolling back withdraws a month's current "
                   "upload and makes the one it replaced current again.")
        return
    by_month = {row["reporting_month"]: row for row in choices}
    month = st.selectbox("Month to roll back", list(by_month), format_func=_month, key="rollback_month")
    row = by_month[month]
    st.markdown(f"Withdraws upload {row['withdraw_upload']} ({md(row['withdraw_file'])}, uploaded "
                f"{row['withdraw_uploaded_at']:%-d %B %Y %H:%M} by {md(row['withdraw_uploaded_by'])}) and makes upload "
                f"{row['restore_upload']} ({md(row['restore_file'])}, uploaded {row['restore_uploaded_at']:%-d %B %Y}) "
                "current again. Nothing is deleted: both stay in the upload log.")
    if st.button(f"Roll back {_month(month)}", key=f"rollback-{row['withdraw_upload']}"):
        rollback(month, service)
