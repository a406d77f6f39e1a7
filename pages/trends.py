"""Trends, the partnership's page: referrals by month and by each coded field, the myths, caseload,
outcomes and activity. Aggregates only; for the partnership every small number is suppressed."""

import streamlit as st

from metrics import charts
from metrics.answers import referrals, series
from metrics.answers.series import ACTIVITY, CASELOAD, GRAINS, MYTHS, OUTCOMES, pivot_shown
from metrics.measures.registry import BREAKDOWNS
from ui import components, shell, state


def show(chart, frame, grain_title: str, columns="measure_label", caption: str = "") -> None:
    """The chart, then the figures behind it in a table (as shown: '<5', 'not shown')."""
    st.altair_chart(chart, width="stretch")
    with st.expander("The figures behind this chart"):
        table = pivot_shown(frame, "label", columns).rename(columns={"label": grain_title})
        components.table(table, caption, numeric=tuple(table.columns[1:]))


if shell.page("Trends"):
    service, audience = state.service(), state.audience()
    period = state.ask(series.trend_period, state.period(), service)
    if period != state.period():
        st.info(f"A trend needs more than one month: showing **{period.label}**, the months up to the end of the "
                "period picked in the sidebar. Pick a longer period there to change it.")
    if audience == "partnership":
        st.caption("Partnership view: counts of 1 to 4 people show as '<5' and are left out of the charts (with "
                   "another small cell where a total would give them away); percentages of fewer than 10 people "
                   "are not shown. Quarters suppress less than months.")

    pick_dimension, pick_grain = st.columns([2, 1])
    dimension = pick_dimension.selectbox("Break referrals down by", list(BREAKDOWNS), format_func=BREAKDOWNS.get,
                                         key="trends_dimension")
    grain = pick_grain.radio("Show figures", list(GRAINS), format_func=GRAINS.get, horizontal=True,
                             index=1 if audience == "partnership" else 0, key="trends_grain")
    grain_title = "Month" if grain == "month" else "Quarter"

    st.header("Referrals")
    by_dimension = state.ask(referrals.referrals_by, period, dimension, service, audience, grain)
    show(charts.referrals_breakdown(by_dimension, BREAKDOWNS[dimension], grain_title), by_dimension, grain_title,
         columns="category", caption=f"Referrals received by {BREAKDOWNS[dimension].lower()}")
    rolling = state.ask(referrals.rolling_referrals, period, service, audience)
    st.altair_chart(charts.rolling_referrals(rolling), width="stretch")
    with st.expander("The figures behind this chart"):
        components.table(rolling[["label", "referrals_shown", "rolling_shown"]].set_axis(
            ["Month", "Referrals in the month", "In the three months to the month"], axis=1),
            "Referrals received: monthly and rolling", numeric=("Referrals in the month",
                                                               "In the three months to the month"))

    st.header("Myths busted")
    st.markdown("Thames Valley found that the largest group of clients were **UK citizens**, and that **fewer than "
                "half** had experienced any form of **trafficking**: modern slavery and trafficking are not the same "
                "thing. Here are the same two shares for this service's referrals.")
    myths = state.ask(series.measure_series, period, MYTHS, service, audience, grain)
    show(charts.measure_lines(myths, "Referrals who are UK nationals, and with trafficking indicated", grain_title,
                              reference=(0.5, "half")), myths, grain_title)

    st.header("Caseload and closures")
    caseload = state.ask(series.measure_series, period, CASELOAD, service, audience, grain)
    show(charts.measure_lines(caseload, f"Open cases at the end of each {grain}, and cases closed", grain_title),
         caseload, grain_title)

    st.header("Outcomes at closure")
    outcomes = state.ask(series.measure_series, period, OUTCOMES, service, audience, grain)
    # A chart title does not wrap: a longer one ran 35 px past a 1,280 px screen (issue 17 #7).
    show(charts.panels(outcomes, "Of cases closed: the share with each outcome", grain_title), outcomes,
         grain_title)

    st.header("Activity")
    activity = state.ask(series.measure_series, period, ACTIVITY, service, audience, grain)
    show(charts.activity(activity, grain_title), activity, grain_title)
