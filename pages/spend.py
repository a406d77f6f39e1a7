"""Spend vs budget: cumulative actual against the expected profile, variance, forecast outturn and value."""

import streamlit as st

from metrics import charts
from metrics.answers import spend
from metrics.answers.spend import TOTAL
from metrics.i18n import _
from metrics.measures.formatting import text
from metrics.safe_text import markdown as md
from ui import components, shell, state, tables

if shell.page("Spend vs budget"):
    period, service, audience = state.period(), state.service(), state.audience()
    table = state.ask(spend.spend_table, period, service, audience)
    profile = state.ask(spend.spend_profile, period, service, audience)
    value = state.ask(spend.value_for_money, period, service, audience)
    forecast = state.ask(spend.forecast_reading, period, service, audience)
    total = table.set_index("budget_line").loc[TOTAL]

    components.card_row([
        components.figure_card_html(_("Spend in the period"), f"£{total['actual']:,.0f}",
                                    _("{change} against {expected} expected").format(
                                        change=text("change_money", total["variance"]),
                                        expected=f"£{total['expected']:,.0f}")),
        # coloured by what it means (the spend-on-profile target), not by its sign
        components.figure_card_html(_("Forecast outturn"), f"£{total['forecast_outturn']:,.0f}", forecast["text"],
                                    forecast["grade"]),
        components.figure_card_html(_("Cost per victim supported"), value["shown"]["cost_per_victim"],
                                    _("spend ÷ {victims} victims supported").format(
                                        victims=value["shown"]["victims_supported"])),
        components.figure_card_html(_("Estimated public-money saving"), value["shown"]["estimated_saving"],
                                    _("spend × {ratio}: an estimate, not a measured saving").format(
                                        ratio=f"{value['ratio']:g}"))])
    st.caption(_("Expected: each budget line's amount × the share of its grant's days in the period. Forecast "
                 "outturn: spend from the grant's start to the period's end (or to the as-at date, where that is "
                 "earlier), scaled to the grant's full length. Estimated saving = spend × {ratio} ({ratio_shown}). "
                 "Source of the ratio: {source} The ratio and its source are settings the manager can "
                 "change.").format(ratio=f"{value['ratio']:g}", ratio_shown=value["shown"]["ratio"],
                                   source=md(value["source"])))

    st.header(_("Spend to date against the expected profile"))
    first, last = profile["label"].iloc[0], profile["label"].iloc[-1]
    st.caption(_("Cumulative by month from the start of the grant ({first}) to the end of the period "
                 "({last}).").format(first=first, last=last))
    lines = [TOTAL, *[b for b in dict.fromkeys(profile["budget_line"]) if b != TOTAL]]
    budgets = table.set_index("budget_line")["budget"]
    for tab, line in zip(st.tabs([tables.line_name(line) for line in lines]), lines):
        with tab:
            chart_col, variance_col = st.columns([3, 2])
            chart_col.vega_lite_chart(state.chart(charts.cumulative_spend, profile, line, budgets.get(line)),
                                     width="stretch")
            variance_col.vega_lite_chart(state.chart(charts.spend_variance, profile, line), width="stretch")
            with st.expander(_("The figures behind these charts")):
                components.made_table(tables.spend_profile, profile, line)

    st.header(_("By budget line, {period}").format(period=period.label))
    components.made_table(tables.spend_by_line, table, period.label)
    st.caption(_("Budget: the lines whose grant overlaps the period. Variance: actual − expected; positive is spend "
                 "ahead of the profile (overspend so far), negative behind it."))
