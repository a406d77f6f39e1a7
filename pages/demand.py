"""Demand and value: the service's mix of support beside the national demand funnel, and the estimated saving."""

import streamlit as st

from metrics import charts
from metrics.answers import demand, spend
from metrics.safe_text import markdown as md
from ui import components, shell, state

if shell.page("Demand and value"):
    period, service, audience = state.period(), state.service(), state.audience()
    mix = state.ask(demand.support_mix, period, service, audience)
    demand = state.ask(demand.demand_comparison, period, service, audience)
    value = state.ask(spend.value_for_money, period, service, audience)

    st.subheader("Who needs what kind of support")
    st.markdown("The national demand funnel (table on the right) says how many victims want support and what kind. "
                "Beside it, this service's own mix of support among the people the advocate was in contact with.")
    if audience == "partnership":
        components.publication_download(service)
    mix_col, demand_col = st.columns(2)
    mix_col.vega_lite_chart(state.chart(charts.support_mix, mix), width="stretch")
    demand_col.vega_lite_chart(state.chart(charts.demand_mix, demand["comparison"]), width="stretch")

    table_col, funnel_col = st.columns([2, 3])
    with table_col:
        st.dataframe(
            mix[["support_level", "shown", "share_shown"] if audience == "internal" else ["support_level", "shown"]],
            column_config={
                "support_level": st.column_config.TextColumn("Support level", width="medium"),
                "shown": st.column_config.TextColumn("People in contact", alignment="right"),
                "share_shown": st.column_config.TextColumn("Share", alignment="right"),
            },
            hide_index=True, width="stretch",
        )
        st.caption(f"People in contact in {period.label}: open at some time in the period and first contacted by "
                   "its end. All but those who declined count as victims supported; a blank support level counts "
                   "as supported.")
    with funnel_col:
        st.dataframe(
            demand["funnel"],
            column_config={
                "label": st.column_config.TextColumn("Demand funnel", width="large"),
                "share": st.column_config.NumberColumn("About", format="percent"),
                "of": st.column_config.TextColumn("Of", width="medium"),
            },
            hide_index=True, width="stretch",
        )
        st.caption(f"Source: {md(demand['source'])}.")
    for row in demand["comparison"].itertuples():
        if row.basis:
            st.markdown(f"- **{row.label}**: {row.service_shown} here ({row.basis}) against about "
                        f"{row.seed_share:.0%} of {row.seed_of} nationally.")

    st.subheader("Value for money")
    spent, saving, per_victim = st.columns(3)
    spent.metric("Spend in the period", value["shown"]["spend_actual"], border=True)
    saving.metric("Estimated public-money saving", value["shown"]["estimated_saving"], border=True,
                  help="Spend × the cost-benefit ratio: an estimate, not a measured saving.")
    per_victim.metric("Cost per victim supported", value["shown"]["cost_per_victim"], border=True,
                      help=f"Spend ÷ {value['shown']['victims_supported']} victims supported.")
    st.markdown(f"**How the saving is estimated:** spend in the period × a cost-benefit ratio of "
                f"**{value['ratio']:g}** ({value['shown']['ratio']}).  \n"
                f"**Source of the ratio:** {md(value['source'])}")
