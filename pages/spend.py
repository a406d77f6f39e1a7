"""Spend vs budget: cumulative actual against the expected profile, variance, forecast outturn and value."""

import streamlit as st

from metrics import charts
from metrics.answers import spend
from metrics.answers.spend import TOTAL
from metrics.measures.formatting import signed_money
from metrics.safe_text import markdown as md
from ui import shell, state

MONEY = "£%,.2f"
CHANGE = "%+,.2f"  # pounds with the sign first: "£-23.69" reads badly

if shell.page("Spend vs budget"):
    period, service, audience = state.period(), state.service(), state.audience()
    table = state.ask(spend.spend_table, period, service, audience)
    profile = state.ask(spend.spend_profile, period, service, audience)
    value = state.ask(spend.value_for_money, period, service, audience)
    total = table.set_index("budget_line").loc[TOTAL]

    spent, forecast, per_victim, saving = st.columns(4)
    spent.metric("Spend in the period", f"£{total['actual']:,.0f}", border=True,
                 delta=f"{signed_money(total['variance'])} against £{total['expected']:,.0f} expected",
                 delta_color="inverse", help="Actual spend rows of the period's months against each budget line's "
                 "amount × the share of its grant's days that fall in the period.")
    forecast.metric("Forecast outturn", f"£{total['forecast_outturn']:,.0f}", border=True,
                    delta=f"{signed_money(total['forecast_against_budget'])} against £{total['budget']:,.0f} budget",
                    delta_color="inverse", help="Spend from the grant's start to the period's end, scaled to the "
                    "grant's full length.")
    per_victim.metric("Cost per victim supported", value["shown"]["cost_per_victim"], border=True,
                      help=f"Spend in the period ÷ {value['shown']['victims_supported']} victims supported.")
    saving.metric("Estimated public-money saving", value["shown"]["estimated_saving"], border=True,
                  help="Spend in the period × the cost-benefit ratio: an estimate, not a measured saving.")
    st.caption(f"Estimated saving = spend × {value['ratio']:g} ({value['shown']['ratio']}). Source of the ratio: "
               f"{md(value['source'])} The ratio and its source are settings the manager can change.")

    st.subheader("Spend to date against the expected profile")
    first, last = profile["label"].iloc[0], profile["label"].iloc[-1]
    st.caption(f"Cumulative by month from the start of the grant ({first}) to the end of the period ({last}).")
    lines = [TOTAL, *[b for b in dict.fromkeys(profile["budget_line"]) if b != TOTAL]]
    budgets = table.set_index("budget_line")["budget"]
    for tab, line in zip(st.tabs(lines), lines):
        with tab:
            chart_col, variance_col = st.columns([3, 2])
            chart_col.vega_lite_chart(state.chart(charts.cumulative_spend, profile, line, budgets.get(line)),
                                     width="stretch")
            variance_col.vega_lite_chart(state.chart(charts.spend_variance, profile, line), width="stretch")

    st.subheader(f"By budget line, {period.label}")
    st.dataframe(
        table,
        column_config={
            "budget_line": st.column_config.TextColumn("Budget line"),
            "budget": st.column_config.NumberColumn("Budget", format=MONEY),
            "expected": st.column_config.NumberColumn("Expected", format=MONEY),
            "actual": st.column_config.NumberColumn("Actual", format=MONEY),
            "variance": st.column_config.NumberColumn("Variance (£)", format=CHANGE),
            "variance_pct": st.column_config.NumberColumn("Variance (%)", format="percent"),
            "forecast_outturn": st.column_config.NumberColumn("Forecast outturn", format=MONEY),
            "forecast_against_budget": st.column_config.NumberColumn("Forecast − budget (£)", format=CHANGE),
        },
        hide_index=True, width="stretch",
    )
    st.caption("Budget: the lines whose grant overlaps the period. Expected: each line's budget × the share of its "
               "grant's days in the period. Variance: actual − expected; positive is spend ahead of the profile "
               "(overspend so far), negative behind it.")
