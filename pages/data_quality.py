"""Data quality: months missing or late, cases that vanished, blanks in optional fields, unresolved spend."""

import streamlit as st

from metrics.answers import quality
from metrics.i18n import _
from metrics.safe_text import markdown as md
from metrics.store import logs
from metrics.store.marts import LATE_AFTER_DAYS
from ui import components, quality_tables, shell, state, uploads

if shell.page("Data quality", needs_period=False):
    service = state.service()
    if service is None:
        st.info(_("No monthly returns are loaded yet: once the first is uploaded, this page checks every month."))
    else:
        overview = state.ask(quality.overview, service, state.audience())
        st.caption(_("{service} · returns from {first} to {latest}").format(
            service=md(service), first=overview["first_month"], latest=overview["latest_month"]))
        columns = st.columns(5)
        columns[0].metric(_("Months loaded"), overview["loaded"])
        columns[1].metric(_("Months missing"), overview["missing"])
        columns[2].metric(_("Returns late"), overview["late"], help=_(
            "Submitted more than {days} days after the month ends").format(days=LATE_AFTER_DAYS))
        columns[3].metric(_("Cases vanished"), overview["vanished"], help=_("Open in one return, absent from the next"))
        columns[4].metric(_("Spend lines without a grant"), overview["unresolved_spend"])

        st.header(_("Months"))
        st.caption(_("Every month from the first return to the latest. A return is **late** when it was submitted "
                     "more than {days} days after its month ended; a **missing** month has no return.").format(
                         days=LATE_AFTER_DAYS))
        months = state.derived(quality_tables.months_shown, state.ask(quality.months, service))
        right = st.column_config.TextColumn
        words = quality_tables.status_words()  # the status in words, and its colour by the word shown
        colours = {words[code]: colour for code, colour in quality_tables.STATUS_COLOURS.items()}
        st.dataframe(months.style.map(lambda status: colours.get(status, ""), subset=["status"]),
                     hide_index=True, width="stretch", height=quality_tables.rows_tall(len(months)), column_config={
            "reporting_month": _("Month"), "status": _("Status"), "submitted_on": _("Submitted"),
            "days_after_month_end": right(_("Days after month end"), alignment="right"),
            "upload_id": right(_("Upload"), alignment="right"), "file_name": _("File"), "uploaded_at": _("Uploaded"),
            "uploaded_by": _("By")})

        st.header(_("Cases that vanished without a closure"))
        st.caption(_("Listed as open in one month's return, but absent from the next month's return although that "
                     "month is loaded. Each should be listed until it closes: add it to the later return with its "
                     "closed_date, or correct its reference. Case-level rows: internal use only."))
        vanished = state.ask(quality.vanished_cases, service, state.audience())
        if vanished.empty:
            st.success(_("None: every open case is listed again in the next month's return."),
                       icon=":material/check_circle:")
        else:
            vanished = components.as_text(vanished, {"referral_date": lambda d: f"{d:%Y-%m-%d}"})
            st.dataframe(vanished, hide_index=True, width="stretch", column_config={
                "case_ref": _("Case"), "referral_date": _("Referred"),
                "last_listed": _("Last listed open in"), "missing_from": _("Missing from"),
                "listed_again": _("Listed again in")})

        st.header(_("Blanks in optional fields"))
        st.caption(_("The share of each month's case rows left blank in each optional field. The six outcomes "
                     "(safer … justice) and voice captured are asked at closure, so their share is of the month's "
                     "closed cases (— when no case closed)."))
        blanks = state.derived(quality_tables.blanks_shown, state.ask(quality.optional_blanks, service))
        st.dataframe(blanks, hide_index=True, width="stretch", height=quality_tables.rows_tall(blanks.num_rows),
                     column_config={"reporting_month": _("Month"), "cases": _("Case rows"), "closed": _("Closed"),
                                    **quality_tables.share_columns()})

        st.header(_("Spend lines without a grant"))
        unresolved = state.ask(quality.unresolved_spend, service)
        if unresolved.empty:
            st.success(_("None: every spend line is charged to a grant of the budget."),
                       icon=":material/check_circle:")
        else:
            st.caption(_("These lines count in no grant's actual spend until the budget in Settings covers them, or "
                         "the month is uploaded again with the grant named."))
            st.dataframe(unresolved, hide_index=True, width="stretch", column_config={
                "reporting_month": _("Month"), "sheet_row": st.column_config.NumberColumn(_("Row"), format="%d"),
                "budget_line": _("Budget line"), "detail": _("Detail"),
                "amount_gbp": st.column_config.NumberColumn(_("Amount"), format="£%,.2f"),
                "grant_entered": _("Grant given"),
                "problem": st.column_config.TextColumn(_("Problem"), width="large")})

    st.header(_("Upload log"))
    uploads.upload_log(state.ask(logs.upload_log))

    if state.role() == "manager":
        st.subheader(_("Backup"))
        st.caption(_("Backups of the whole database are made on the server, never downloaded through a page: "
                     "every night by the backup timer, or at any time with `python -m metrics backup DIR` "
                     "(see the deployment guide). Restore one with `python -m metrics restore DIR`."))
