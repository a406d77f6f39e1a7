"""Settings (manager): budget, KPI targets, NRM reference data, bank holidays and the cost-benefit ratio."""

import streamlit as st

from metrics.admin import reference
from metrics.contract import BANK_HOLIDAYS, BUDGET, KPI_TARGETS, NRM_REFERRALS, Rejected
from metrics.i18n import N_, _
from metrics.store import settings
from ui import editors, shell, state

TABLES = (  # contract sheet, tab title, the noun in messages, what the table is for: words shown through _()
    (BUDGET, N_("Budget"), N_("budget"),
     N_("The budget lines of each grant. Spend is charged to the grant whose dates cover its month; where grants "
        "follow each other (an extension year, say), add the new grant's lines.")),
    (KPI_TARGETS, N_("KPI targets"), N_("KPI targets"),
     N_("A target for each graded measure: *Better* says whether higher or lower is better, and the amber band how "
        "far short of target is still amber. A percentage is typed as a percentage (80 for 80%, an amber band of 10 "
        "for 10 points); the CSV file holds it as a fraction (0.8 and 0.1), as the report does.")),
    (NRM_REFERRALS, N_("NRM reference data"), N_("NRM reference data"),
     N_("Published NRM referral counts, by area and period, that referral growth is compared with. An area's count "
        "for a period sums the rows lying wholly inside it.")),
    (BANK_HOLIDAYS, N_("Bank holidays"), N_("bank holidays"),
     N_("Bank holidays of England and Wales: they are not working days when the deadline for first contact is "
        "counted.")),
)

if shell.page("Settings", needs_period=False):
    done = st.session_state.pop("settings_done", None)
    if done:
        st.success(done, icon=":material/check_circle:")
    if state.database()[1]:
        st.warning(_("Demo mode: changes here change the demo only. The real database starts from the default "
                     "settings when it is created on the server (`python -m metrics init`)."),
                   icon=":material/science:")
    st.caption(_("Each table is checked exactly like an upload when you save it or import a CSV: every problem is "
                 "listed with its row and column, and nothing is saved unless every row passes."))
    tabs = st.tabs([_(title) for _sheet, title, _noun, _about in TABLES] + [_("Cost-benefit ratio")])
    for tab, (sheet, title, noun, about) in zip(tabs, TABLES):
        with tab:
            st.markdown(_(about))
            editors.table_editor(sheet, _(title), _(noun))

    with tabs[-1]:
        ratio, source = state.ask(settings.cost_benefit)
        st.markdown(_("The estimated public-money saving is actual spend × this ratio. The Spend and Demand pages "
                      "state the source given here."))
        with st.form("cost_benefit"):
            new_ratio = st.number_input(_("Pounds of public money saved for every £1 spent"), min_value=0.0,
                                        max_value=999.99, value=float(ratio), step=0.05, format="%.2f")
            new_source = st.text_area(_("Source of the ratio"), value=source, height=100)
            submitted = st.form_submit_button(_("Save the cost-benefit ratio"), type="primary")
        if submitted:
            if not new_source.strip():
                st.error(_("**Not saved.** Say where the ratio comes from: the pages quote the source beside it."))
            else:
                try:
                    reference.set_cost_benefit(state.con(), new_ratio, new_source.strip(), state.user_name())
                except Rejected as exc:
                    editors.show_problems(exc.problems, _("the cost-benefit ratio"))
                else:
                    st.session_state["settings_done"] = _("Saved the cost-benefit ratio: £{ratio} per £1.").format(
                        ratio=f"{new_ratio:.2f}")
                    st.rerun()
