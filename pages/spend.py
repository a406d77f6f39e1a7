"""Spend vs budget: cumulative actual against the expected profile, variance, forecast outturn and value."""

import streamlit as st

from metrics import charts
from metrics.answers import spend
from metrics.answers.spend import TOTAL
from metrics.measures.formatting import text
from metrics.safe_text import markdown as md
from ui import components, shell, state


def money(frame, columns: dict[str, str], change: tuple[str, ...] = ()):
    """The columns as people read them ('£1,204', '+£12', '−3.5%'), renamed."""
    shown = frame[list(columns)].copy()
    for column in list(columns)[1:]:
        fmt = "growth" if column.endswith("_pct") else "change_money" if column in change else "money"
        shown[column] = [None if v != v else text(fmt, v) for v in frame[column]]
    return shown.rename(columns=columns)


if shell.page("Spend vs budget"):
    period, service, audience = state.period(), state.service(), state.audience()
    table = state.ask(spend.spend_table, period, service, audience)
    profile = state.ask(spend.spend_profile, period, service, audience)
    value = state.ask(spend.value_for_money, period, service, audience)
    forecast = state.ask(spend.forecast_reading, period, service, audience)
    total = table.set_index("budget_line").loc[TOTAL]

    spent, outturn, per_victim, saving = st.columns(4)
    with spent:
        components.figure_card("Spend in the period", f"£{total['actual']:,.0f}",
                               f"{text('change_money', total['variance'])} against £{total['expected']:,.0f} expected")
    with outturn:  # coloured by what it means (the spend-on-profile target), not by its sign
        components.figure_card("Forecast outturn", f"£{total['forecast_outturn']:,.0f}", forecast["text"],
                               forecast["grade"])
    with per_victim:
        components.figure_card("Cost per victim supported", value["shown"]["cost_per_victim"],
                               f"spend ÷ {value['shown']['victims_supported']} victims supported")
    with saving:
        components.figure_card("Estimated public-money saving", value["shown"]["estimated_saving"],
                               f"spend × {value['ratio']:g}: an estimate, not a measured saving")
    st.caption("Expected: each budget line's amount × the share of its grant's days in the period. Forecast outturn: "
               "spend from the grant's start to the period's end (or to the as-at date, where that is earlier), "
               f"scaled to the grant's full length. Estimated saving = spend × {value['ratio']:g} "
               f"({value['shown']['ratio']}). Source of the ratio: {md(value['source'])} The ratio and its source are "
               "settings the manager can change.")

    st.header("Spend to date against the expected profile")
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
            with st.expander("The figures behind these charts"):
                columns = {"label": "Month", "actual": "Actual in the month", "expected": "Expected in the month",
                           "cumulative_actual": "Actual to date", "cumulative_expected": "Expected to date",
                           "cumulative_variance": "Variance to date"}
                shown = money(profile[profile["budget_line"] == line], columns, change=("cumulative_variance",))
                components.table(shown, f"{line}: spend by month against the expected profile",
                                 numeric=tuple(columns.values())[1:])

    st.header(f"By budget line, {period.label}")
    columns = {"budget_line": "Budget line", "budget": "Budget", "expected": "Expected", "actual": "Actual",
               "variance": "Variance", "variance_pct": "Variance (% of expected)",
               "forecast_outturn": "Forecast outturn", "forecast_against_budget": "Forecast − budget"}
    components.table(money(table, columns, change=("variance", "forecast_against_budget")),
                     f"Spend against budget by budget line, {period.label}", numeric=tuple(columns.values())[1:])
    st.caption("Budget: the lines whose grant overlaps the period. Variance: actual − expected; positive is spend "
               "ahead of the profile (overspend so far), negative behind it.")
