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

    st.header("Who needs what kind of support")
    st.markdown("The national demand funnel says how many victims want support and what kind: of those who want it, "
                "about 60% need a short-term, supportive intervention and about 40% specialist support. The first "
                "chart shows everyone the advocate was in contact with, by support level; the second puts this "
                "service's short-term and specialist shares beside the funnel's. Both tables are below the charts.")
    if audience == "partnership":
        components.publication_download(service)
    mix_col, demand_col = st.columns(2)
    mix_col.vega_lite_chart(state.chart(charts.support_mix, mix), width="stretch")
    demand_col.vega_lite_chart(state.chart(charts.demand_mix, demand["comparison"]), width="stretch")

    # The two shares side by side: of everyone in contact (the first chart), and of those given short-term or
    # specialist support (the second chart, and the funnel's basis), each named for what it is a share of.
    comparison = demand["comparison"]
    of_both = dict(zip(comparison["label"].str.removesuffix(" support"), comparison["service_shown"]))
    table = mix[["support_level", "shown", "share_shown"]].assign(
        both=mix["support_level"].map(of_both)).set_axis(
        ["Support level", "People in contact", "Share of everyone in contact",
         "Share of short-term and specialist support"], axis=1)
    if audience == "partnership":  # no shares of the service's own for the partnership: counts as published
        table = table.iloc[:, :2]
    components.table(table, f"This service's support, {period.label}", numeric=tuple(table.columns[1:]))
    st.caption(f"People in contact in {period.label}: open at some time in the period and first contacted by its end. "
               "All but those who declined count as victims supported; a blank support level counts as supported.")
    funnel = demand["funnel"].assign(share=demand["funnel"]["share"].map(lambda v: f"about {v:.0%}")).set_axis(
        ["Demand", "Share", "Of"], axis=1)
    components.table(funnel, "The national demand funnel", numeric=("Share",))
    st.caption(f"Source: {md(demand['source'])}.")
    for row in demand["comparison"].itertuples():
        if row.basis:
            st.markdown(f"- **{row.label}**: {row.service_shown} here ({row.basis}) against about "
                        f"{row.seed_share:.0%} of {row.seed_of} nationally.")

    st.header("Value for money")
    spent, saving, per_victim = st.columns(3)
    with spent:
        components.figure_card("Spend in the period", value["shown"]["spend_actual"])
    with saving:
        components.figure_card("Estimated public-money saving", value["shown"]["estimated_saving"],
                               "spend × the cost-benefit ratio: an estimate, not a measured saving")
    with per_victim:
        components.figure_card("Cost per victim supported", value["shown"]["cost_per_victim"],
                               f"spend ÷ {value['shown']['victims_supported']} victims supported")
    st.markdown(f"**How the saving is estimated:** spend in the period × a cost-benefit ratio of "
                f"**{value['ratio']:g}** ({value['shown']['ratio']}).  \n"
                f"**Source of the ratio:** {md(value['source'])}")
