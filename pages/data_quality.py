"""Data quality: months missing or late, cases that vanished, blanks in optional fields, unresolved spend."""

import streamlit as st

from metrics.answers import quality
from metrics.contract import CASES
from metrics.safe_text import markdown as md
from metrics.store import logs
from metrics.store.marts import LATE_AFTER_DAYS, blank_fields
from ui import components, shell, state, uploads

SHORT = {"first_contact_date": "First contact", "intelligence_shared": "Intelligence", "voice_captured": "Voice"}
SHARE = {name: st.column_config.TextColumn(
    SHORT.get(name, name.removeprefix("outcome_").replace("_", " ").capitalize()), alignment="right",
    help=f"{name}: {CASES.column(name).description}") for name in blank_fields()}
WHEN = "%-d %b %Y, %H:%M"
STATUS_COLOURS = {"late": "background-color: #fde3b0", "missing": "background-color: #f6c9c4"}


def rows_tall(count: int) -> int:
    """A table height that shows every row without scrolling."""
    return 35 * (count + 1) + 3

if shell.page("Data quality", needs_period=False):
    service = state.service()
    if service is None:
        st.info("No monthly returns are loaded yet: once the first is uploaded, this page checks every month.")
    else:
        overview = state.ask(quality.overview, service, state.audience())
        st.caption(f"{md(service)} · returns from {overview['first_month']} to {overview['latest_month']}")
        columns = st.columns(5)
        columns[0].metric("Months loaded", overview["loaded"])
        columns[1].metric("Months missing", overview["missing"])
        columns[2].metric("Returns late", overview["late"], help=f"Submitted more than {LATE_AFTER_DAYS} days "
                          "after the month ends")
        columns[3].metric("Cases vanished", overview["vanished"], help="Open in one return, absent from the next")
        columns[4].metric("Spend lines without a grant", overview["unresolved_spend"])

        st.header("Months")
        st.caption(f"Every month from the first return to the latest. A return is **late** when it was submitted "
                   f"more than {LATE_AFTER_DAYS} days after its month ended; a **missing** month has no return.")
        months = components.as_text(state.ask(quality.months, service), {
            "submitted_on": lambda d: f"{d:%Y-%m-%d}", "days_after_month_end": "number", "upload_id": "number",
            "uploaded_at": lambda t: f"{t:{WHEN}}"})  # a missing month has none of these: '—'
        right = st.column_config.TextColumn
        st.dataframe(months.style.map(lambda status: STATUS_COLOURS.get(status, ""), subset=["status"]),
                     hide_index=True, width="stretch", height=rows_tall(len(months)), column_config={
            "reporting_month": "Month", "status": "Status", "submitted_on": "Submitted",
            "days_after_month_end": right("Days after month end", alignment="right"),
            "upload_id": right("Upload", alignment="right"), "file_name": "File", "uploaded_at": "Uploaded",
            "uploaded_by": "By"})

        st.header("Cases that vanished without a closure")
        st.caption("Listed as open in one month's return, but absent from the next month's return although that "
                   "month is loaded. Each should be listed until it closes: add it to the later return with its "
                   "closed_date, or correct its reference. Case-level rows: internal use only.")
        vanished = state.ask(quality.vanished_cases, service, state.audience())
        if vanished.empty:
            st.success("None: every open case is listed again in the next month's return.",
                       icon=":material/check_circle:")
        else:
            vanished = components.as_text(vanished, {"referral_date": lambda d: f"{d:%Y-%m-%d}"})
            st.dataframe(vanished, hide_index=True, width="stretch", column_config={
                "case_ref": "Case", "referral_date": "Referred",
                "last_listed": "Last listed open in", "missing_from": "Missing from",
                "listed_again": "Listed again in"})

        st.header("Blanks in optional fields")
        st.caption("The share of each month's case rows left blank in each optional field. The six outcomes "
                   "(safer … justice) and voice captured are asked at closure, so their share is of the month's "
                   "closed cases (— when no case closed).")
        blanks = components.as_text(state.ask(quality.optional_blanks, service), dict.fromkeys(SHARE, "percent"))
        st.dataframe(blanks, hide_index=True, width="stretch", height=rows_tall(len(blanks)),
                     column_config={"reporting_month": "Month", "cases": "Case rows", "closed": "Closed", **SHARE})

        st.header("Spend lines without a grant")
        unresolved = state.ask(quality.unresolved_spend, service)
        if unresolved.empty:
            st.success("None: every spend line is charged to a grant of the budget.", icon=":material/check_circle:")
        else:
            st.caption("These lines count in no grant's actual spend until the budget in Settings covers them, or "
                       "the month is uploaded again with the grant named.")
            st.dataframe(unresolved, hide_index=True, width="stretch", column_config={
                "reporting_month": "Month", "sheet_row": st.column_config.NumberColumn("Row", format="%d"),
                "budget_line": "Budget line", "detail": "Detail",
                "amount_gbp": st.column_config.NumberColumn("Amount", format="£%,.2f"),
                "grant_entered": "Grant given", "problem": st.column_config.TextColumn("Problem", width="large")})

    st.header("Upload log")
    uploads.upload_log(state.ask(logs.upload_log))

    if state.role() == "manager":
        st.subheader("Backup")
        st.caption("Backups of the whole database are made on the server, never downloaded through a page: "
                   "every night by the backup timer, or at any time with `python -m metrics backup DIR` "
                   "(see the deployment guide). Restore one with `python -m metrics restore DIR`.")
