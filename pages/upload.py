"""Upload returns (manager): the template, checked uploads previewed before loading, the log and rollback."""

import streamlit as st

from metrics.contract import MAX_UPLOAD_BYTES
from metrics.returns import prefill
from metrics.returns.template import build_template
from metrics.store import logs
from ui import shell, state, uploads

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

if shell.page("Upload returns", needs_period=False):
    uploads.show_done()
    demo = state.database()[1]
    if demo:
        st.info(uploads.DEMO_NOTICE, icon=":material/science:")

    st.header("1. Fill in the monthly return")
    st.download_button("Download the blank template (.xlsx)", data=state.audited("the blank template", build_template),
                       file_name="monthly-return.xlsx", mime=XLSX, on_click="ignore", icon=":material/download:")

    st.caption("The template has the four sheets (About, Cases, Activity, Spend), the optional Commentary and Voices, "
               "their headers, a drop-down list for every short list of codes and a Notes sheet explaining each one.")
    months = state.ask(prefill.prefill_month, state.service()) if state.service() else None
    if months:
        latest, following = months
        st.download_button(f"Download next month's return, pre-filled ({following}, .xlsx)",
                           data=state.audited(f"the pre-filled return for {following}",
                                              state.later(prefill.prefilled_workbook, following, state.service())),
                           file_name=f"monthly-return-{following}.xlsx", mime=XLSX, on_click="ignore",
                           icon=":material/download:")
        st.caption(f"Every case open at the end of {latest}, with its latest values, and About filled in: change "
                   "what changed, close what closed, add new referrals, then fill in submitted_on, Activity and "
                   "Spend, which are the new month's own. Closed cases are not carried.")

    st.header("2. Upload, check and confirm")
    st.caption("Excel workbooks (.xlsx), LibreOffice's .ods, or a .zip of one CSV per sheet, up to "
               f"{MAX_UPLOAD_BYTES // 2**20} MB each. Every file is checked "
               "completely first: you see every problem at once, or exactly what would change, and nothing is "
               "loaded until you confirm. Uploading a month again replaces it (and can be rolled back).")
    files = uploads.uploader()
    if files:
        checked, problems = uploads.check(files)
        if problems:
            uploads.show_problems(problems, passed=len(checked))
        else:
            uploads.show_preview(uploads.preview_of(checked))
            if demo:
                st.warning("**The demo loads nothing**: this preview is as far as an upload goes here. "
                           + uploads.DEMO_NEXT_STEP, icon="🧪")
            else:
                # A date that may be the wrong way round loads only once the manager says it is right.
                dates_checked = not any(c.to_confirm for c in checked) or st.checkbox(
                    "I have checked the dates above: they are right", key="dates-" + uploads.confirm_key(checked))
                # So does a voice that may identify someone (metrics.returns.identifying).
                voices_checked = not any(c.identifying for c in checked) or st.checkbox(
                    "I have checked the voices above: they identify no one",
                    key="voices-" + uploads.confirm_key(checked))
                if st.button(f"Confirm: load {len(checked)} return{'s' * (len(checked) != 1)}", type="primary",
                             key=uploads.confirm_key(checked), icon=":material/upload:",
                             disabled=not (dates_checked and voices_checked)):
                    uploads.load(checked, voices_checked=voices_checked)

    st.header("Upload log")
    uploads.upload_log(state.ask(logs.upload_log))

    if state.service():
        st.header("Roll back a month")
        uploads.rollback_control(state.service())
