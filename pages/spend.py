"""Spend vs budget: cumulative actual against the expected profile, variance, forecast outturn and value."""

import streamlit as st

from metrics import charts
from metrics.answers import spend
from metrics.answers.spend import TOTAL
from metrics.i18n import _
from metrics.measures.formatting import text
from metrics.safe_text import markdown as md
from ui import components, shell, state


def money(frame, columns: dict[str, str], change: tuple[str, ...] = ()):
    """The columns as people read them ('£1,204', '+£12', '−3.5%'), renamed."""
    formats = {column: "growth" if column.endswith("_pct") else "change_money" if column in change else "money"
               for column in list(columns)[1:]}
    return components.as_text(frame[list(columns)], formats).rename(columns=columns)


def line_name(line: str) -> str:
    """A budget line as shown: the lines' names are the budget's own; the total's is ours, in the run's language."""
    return _(TOTAL) if line == TOTAL else line


if shell.page("Spend vs budget"):
    period, service, audience = state.period(), state.service(), state.audience()
    table = state.ask(spend.spend_table, period, service, audience)
    profile = state.ask(spend.spend_profile, period, service, audience)
    value = state.ask(spend.value_for_money, period, service, audience)
    forecast = state.ask(spend.forecast_reading, period, service, audience)
    total = table.set_index("budget_line").loc[TOTAL]

    spent, outturn, per_victim, saving = st.columns(4)
    with spent:
        components.figure_card(_("Spend in the period"), f"£{total['actual']:,.0f}",
                               _("{change} against {expected} expected").format(
                                   change=text("change_money", total["variance"]),
                                   expected=f"£{total['expected']:,.0f}"))
    with outturn:  # coloured by what it means (the spend-on-profile target), not by its sign
        components.figure_card(_("Forecast outturn"), f"£{total['forecast_outturn']:,.0f}", forecast["text"],
                               forecast["grade"])
    with per_victim:
        components.figure_card(_("Cost per victim supported"), value["shown"]["cost_per_victim"],
                               _("spend ÷ {victims} victims supported").format(
                                   victims=value["shown"]["victims_supported"]))
    with saving:
        components.figure_card(_("Estimated public-money saving"), value["shown"]["estimated_saving"],
                               _("spend × {ratio}: an estimate, not a measured saving").format(
                                   ratio=f"{value['ratio']:g}"))
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
    for tab, line in zip(st.tabs([line_name(line) for line in lines]), lines):
        with tab:
            chart_col, variance_col = st.columns([3, 2])
            chart_col.vega_lite_chart(state.chart(charts.cumulative_spend, profile, line, budgets.get(line)),
                                     width="stretch")
            variance_col.vega_lite_chart(state.chart(charts.spend_variance, profile, line), width="stretch")
            with st.expander(_("The figures behind these charts")):
                columns = {"label": _("Month"), "actual": _("Actual in the month"),
                           "expected": _("Expected in the month"), "cumulative_actual": _("Actual to date"),
                           "cumulative_expected": _("Expected to date"), "cumulative_variance": _("Variance to date")}
                shown = money(profile[profile["budget_line"] == line], columns, change=("cumulative_variance",))
                components.table(shown, _("{line}: spend by month against the expected profile").format(
                    line=line_name(line)), numeric=tuple(columns.values())[1:])

    st.header(_("By budget line, {period}").format(period=period.label))
    columns = {"budget_line": _("Budget line"), "budget": _("Budget"), "expected": _("Expected"),
               "actual": _("Actual"), "variance": _("Variance"), "variance_pct": _("Variance (% of expected)"),
               "forecast_outturn": _("Forecast outturn"), "forecast_against_budget": _("Forecast − budget")}
    by_line = money(table, columns, change=("variance", "forecast_against_budget"))
    by_line[columns["budget_line"]] = [line_name(line) for line in by_line[columns["budget_line"]]]
    components.table(by_line, _("Spend against budget by budget line, {period}").format(period=period.label),
                     numeric=tuple(columns.values())[1:])
    st.caption(_("Budget: the lines whose grant overlaps the period. Variance: actual − expected; positive is spend "
                 "ahead of the profile (overspend so far), negative behind it."))
