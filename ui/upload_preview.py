"""The upload page's preview of checked returns: per month, what is new, changed or gone against what is
loaded, and the findings a manager should look at before confirming (ui.uploads checks and loads)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.i18n import _, ngettext
from metrics.safe_text import markdown as md
from ui.uploads import _day, _month, _when, problem_columns


def _findings(rows: list[dict], heading: str) -> None:
    st.dataframe(pd.DataFrame(rows), column_config={**problem_columns(), "problem": st.column_config.TextColumn(
        heading, width="large")}, hide_index=True, width="stretch")


def show_preview(result: dict) -> None:
    """What confirming would change: per file, the headline counts, then the detail."""
    counts = result["counts"]
    st.success(ngettext("Every check passed: {n} return ready to load. Nothing changes until you confirm.",
                        "Every check passed: {n} returns ready to load. Nothing changes until you confirm.",
                        counts["files"]).format(n=counts["files"]), icon=":material/check_circle:")
    for item in result["files"]:
        text = _("**{month}** from {file}: prepared by {prepared_by}, submitted {submitted}; {cases} case rows, "
                 "{lines} spend lines totalling {total}. ").format(
            month=_month(item["reporting_month"]), file=md(item["file"]), prepared_by=md(item["prepared_by"]),
            submitted=_day(item["submitted_on"]), cases=item["cases_rows"], lines=item["spend_lines"],
            total=f"£{item['spend_total']:,.2f}")
        replaced = item["replaces"]
        if replaced:
            text += (_("**Replaces** upload {upload} ({file}, uploaded {uploaded} by {by}, spend {total}): this is the "
                       "very same file.") if item["same_file"] else
                     _("**Replaces** upload {upload} ({file}, uploaded {uploaded} by {by}, spend {total}).")).format(
                upload=replaced["upload_id"], file=md(replaced["file_name"]), uploaded=_when(replaced["uploaded_at"]),
                by=md(replaced["uploaded_by"]), total=f"£{replaced['spend_total']:,.2f}")
        else:
            text += _("A month not loaded before.")
        if item["commentary_rows"] or item["voices_rows"]:
            topics = ngettext("{n} commentary topic", "{n} commentary topics", item["commentary_rows"]).format(
                n=item["commentary_rows"])
            voices = ngettext("{n} voice", "{n} voices", item["voices_rows"]).format(n=item["voices_rows"])
            text += " " + _("With {topics} and {voices} with consent to share.").format(topics=topics, voices=voices)
        st.markdown(text)
    if result["notes"]:
        st.info(_("**Read as noted below**: nothing to do unless a note is wrong."), icon="📝")
        _findings(result["notes"], _("Note"))
    if result["identifying"]:
        st.warning(_("**Check these voices before you confirm**: they may identify someone. If one does, edit it "
                     "in the workbook and upload it again."), icon="🔒")
        _findings(result["identifying"], _("Check"))
    if result["to_confirm"]:
        st.warning(_("**Check these dates before you confirm**: they may have been read the wrong way round."),
                   icon="📅")
        _findings(result["to_confirm"], _("Check"))
    columns = st.columns(5)
    columns[0].metric(_("New cases"), counts["new_cases"])
    columns[1].metric(_("Updated cases"), counts["updated_cases"])
    columns[2].metric(_("Closures recorded"), counts["closures_recorded"])
    columns[3].metric(_("Spend lines"), counts["spend_lines"])
    columns[4].metric(_("Spend total"), f"£{counts['spend_total']:,.2f}")
    if counts["no_longer_listed"]:
        st.warning(_("{n} case(s) listed in the version being replaced appear in no return any more: check that the "
                     "new workbook is complete.").format(n=counts["no_longer_listed"]))
    if counts["left_out"]:
        st.warning(_("{n} case(s) open at the end of the month before are not in this return: a case open at any time "
                     "in the month needs its row (give a closed case its closed_date and closure_reason rather than "
                     "deleting it), or it stays open as last listed.").format(n=counts["left_out"]), icon="⚠️")
        st.dataframe(result["left_out"], hide_index=True, width="stretch")
    with st.expander(_("Cases that change"), expanded=True):
        st.dataframe(result["cases"], hide_index=True, width="stretch",
                     column_order=["case_ref", "change", "listed_in", "referral_date", "closed_date", "changed",
                                   "detail"],
                     column_config={
                         "case_ref": _("Case"), "change": _("Change"), "listed_in": _("Month"),
                         "referral_date": st.column_config.DateColumn(_("Referred"), format="YYYY-MM-DD"),
                         "closed_date": st.column_config.DateColumn(_("Closed"), format="YYYY-MM-DD"),
                         "changed": _("Fields changed"),
                         "detail": st.column_config.TextColumn(_("From → to"), width="large"),
                     })
    if not result["commentary"].empty:
        with st.expander(_("The provider's commentary")):
            st.dataframe(result["commentary"], hide_index=True, width="stretch", column_config={
                "reporting_month": _("Month"), "row": st.column_config.NumberColumn(_("Row"), format="%d"),
                "topic": _("Topic"), "text": st.column_config.TextColumn(_("Commentary"), width="large")})
    if not result["voices"].empty:
        with st.expander(_("Victims' voices (seen by the manager and the PCC's office only)")):
            st.dataframe(result["voices"], hide_index=True, width="stretch", column_config={
                "reporting_month": _("Month"), "row": st.column_config.NumberColumn(_("Row"), format="%d"),
                "theme": _("Theme"), "quote_or_summary": st.column_config.TextColumn(_("Voice"), width="large")})
    with st.expander(_("Spend lines")):
        st.dataframe(result["spend"], hide_index=True, width="stretch", column_config={
            "file": _("File"), "reporting_month": _("Month"),
            "row": st.column_config.NumberColumn(_("Row"), format="%d"),
            "budget_line": _("Budget line"), "detail": _("Detail"),
            "amount_gbp": st.column_config.NumberColumn(_("Amount"), format="£%,.2f"), "grant": _("Grant")})
    with st.expander(_("Activity counts")):
        st.dataframe(result["activity"], hide_index=True, width="stretch", column_config={
            "reporting_month": _("Month"), "measure": _("Activity"), "count": _("This return"),
            "loaded_now": _("Loaded now (replaced)")})
