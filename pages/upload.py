"""Upload returns (manager): the template, checked uploads previewed before loading, the log and rollback."""

import streamlit as st

from metrics.contract import MAX_UPLOAD_BYTES
from metrics.i18n import _, ngettext
from metrics.returns import prefill
from metrics.returns.template import build_template
from metrics.store import logs
from ui import shell, state, upload_preview, uploads

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

if shell.page("Upload returns", needs_period=False):
    uploads.show_done()
    demo = state.database()[1]
    if demo:
        st.info(uploads.demo_notice(), icon=":material/science:")

    st.header(_("1. Fill in the monthly return"))
    st.download_button(_("Download the blank template (.xlsx)"),
                       data=state.audited("the blank template", build_template),
                       file_name="monthly-return.xlsx", mime=XLSX, on_click="ignore", icon=":material/download:")

    st.caption(_("The template has the four sheets (About, Cases, Activity, Spend), the optional Commentary and "
                 "Voices, their headers, a drop-down list for every short list of codes and a Notes sheet explaining "
                 "each one."))
    months = state.ask(prefill.prefill_month, state.service()) if state.service() else None
    if months:
        latest, following = months
        st.download_button(_("Download next month's return, pre-filled ({month}, .xlsx)").format(month=following),
                           data=state.audited(f"the pre-filled return for {following}",
                                              state.later(prefill.prefilled_workbook, following, state.service())),
                           file_name=f"monthly-return-{following}.xlsx", mime=XLSX, on_click="ignore",
                           icon=":material/download:")
        st.caption(_("Every case open at the end of {month}, with its latest values, and About filled in: change "
                     "what changed, close what closed, add new referrals, then fill in submitted_on, Activity and "
                     "Spend, which are the new month's own. Closed cases are not carried.").format(month=latest))

    st.header(_("2. Upload, check and confirm"))
    st.caption(_("Excel workbooks (.xlsx), LibreOffice's .ods, or a .zip of one CSV per sheet, up to {size} MB each. "
                 "Every file is checked completely first: you see every problem at once, or exactly what would "
                 "change, and nothing is loaded until you confirm. Uploading a month again replaces it (and can be "
                 "rolled back).").format(size=MAX_UPLOAD_BYTES // 2**20))
    files = uploads.uploader()
    if files:
        checked, problems = uploads.check(files)
        if problems:
            uploads.show_problems(problems, passed=len(checked))
        else:
            upload_preview.show_preview(uploads.preview_of(checked))
            if demo:
                st.warning(_("**The demo loads nothing**: this preview is as far as an upload goes here.") + " "
                           + uploads.demo_next_step(), icon="🧪")
            else:
                # A date that may be the wrong way round loads only once the manager says it is right.
                dates_checked = not any(c.to_confirm for c in checked) or st.checkbox(
                    _("I have checked the dates above: they are right"), key="dates-" + uploads.confirm_key(checked))
                # So does a voice that may identify someone (metrics.returns.identifying).
                voices_checked = not any(c.identifying for c in checked) or st.checkbox(
                    _("I have checked the voices above: they identify no one"),
                    key="voices-" + uploads.confirm_key(checked))
                confirm = ngettext("Confirm: load {n} return", "Confirm: load {n} returns", len(checked))
                if st.button(confirm.format(n=len(checked)), type="primary",
                             key=uploads.confirm_key(checked), icon=":material/upload:",
                             disabled=not (dates_checked and voices_checked)):
                    uploads.load(checked, voices_checked=voices_checked)

    st.header(_("Upload log"))
    uploads.upload_log(state.ask(logs.upload_log))

    if state.service():
        st.header(_("Roll back a month"))
        uploads.rollback_control(state.service())
