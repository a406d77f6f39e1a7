"""Trends, the partnership's page: referrals by month and by each coded field, the myths, caseload,
outcomes and activity. Aggregates only; for the partnership every small number is suppressed."""

import streamlit as st

from metrics import charts
from metrics.answers import referrals, series
from metrics.answers.series import ACTIVITY, CASELOAD, GRAINS, MYTHS, OUTCOMES, TRENDS, only, pivot_shown
from metrics.measures.publication import PUBLICATION_METHOD
from metrics.measures.registry import BREAKDOWNS
from ui import components, shell, state


def show(spec, frame, grain_title: str, columns="measure_label", caption: str = "") -> None:
    """The chart (state.chart's dict), then the figures behind it in a table (as shown: '<5', 'not shown')."""
    st.vega_lite_chart(spec, width="stretch")
    with st.expander("The figures behind this chart"):
        table = state.derived(pivot_shown, frame, "label", columns).rename(columns={"label": grain_title})
        components.table(table, caption, numeric=tuple(table.columns[1:]))



if shell.page("Trends"):
    service, audience = state.service(), state.audience()
    period = state.ask(series.trend_period, state.period(), service, series.TREND_MONTHS, audience)
    if period != state.period():
        st.info(f"A trend needs more than one {'quarter' if audience == 'partnership' else 'month'}: showing "
                f"**{period.label}**, up to the end of the period picked in the sidebar. Pick a longer period there "
                "to change it.")
    pick_dimension, pick_grain = st.columns([2, 1])
    dimension = pick_dimension.selectbox("Break referrals down by", list(BREAKDOWNS), format_func=BREAKDOWNS.get,
                                         key="trends_dimension")
    if audience == "partnership":
        st.caption(f"Published figures, by quarter. {PUBLICATION_METHOD}")
        components.publication_download(service)
        grain = "quarter"
    else:
        grain = pick_grain.radio("Show figures", list(GRAINS), format_func=GRAINS.get, horizontal=True,
                                 key="trends_grain")
    grain_title = "Month" if grain == "month" else "Quarter"

    st.header("Referrals")
    by_dimension = state.ask(referrals.referrals_by, period, dimension, service, audience, grain)
    show(state.chart(charts.referrals_breakdown, by_dimension, BREAKDOWNS[dimension], grain_title), by_dimension,
         grain_title, columns="category", caption=f"Referrals received by {BREAKDOWNS[dimension].lower()}")
    if audience == "internal":  # a rolling three months is a custom range: not for the partnership
        rolling = state.ask(referrals.rolling_referrals, period, service, audience)
        st.vega_lite_chart(state.chart(charts.rolling_referrals, rolling), width="stretch")
        with st.expander("The figures behind this chart"):
            components.table(rolling[["label", "referrals_shown", "rolling_shown"]].set_axis(
                ["Month", "Referrals in the month", "In the three months to the month"], axis=1),
                "Referrals received: monthly and rolling", numeric=("Referrals in the month",
                                                                   "In the three months to the month"))


    st.header("Myths busted")
    st.markdown("Thames Valley found that the largest group of clients were **UK citizens**, and that **fewer than "
                "half** had experienced any form of **trafficking**: modern slavery and trafficking are not the same "
                "thing. Here are the same two shares for this service's referrals.")
    measures = state.ask(series.measure_series, period, TRENDS, service, audience, grain)  # the page's in one query
    myths = only(measures, MYTHS)
    show(state.chart(charts.measure_lines, myths, "Referrals who are UK nationals, and with trafficking indicated",
                     grain_title, reference=(0.5, "half")), myths, grain_title)

    st.header("Caseload and closures")
    caseload = only(measures, CASELOAD)
    show(state.chart(charts.measure_lines, caseload, f"Open cases at the end of each {grain}, and cases closed",
                     grain_title), caseload, grain_title)

    st.header("Outcomes at closure")
    outcomes = only(measures, OUTCOMES)
    # A chart title does not wrap: a longer one ran 35 px past a 1,280 px screen (issue 17 #7).
    show(state.chart(charts.panels, outcomes, "Of cases closed: the share with each outcome", grain_title), outcomes,
         grain_title)

    st.header("Activity")
    activity = only(measures, ACTIVITY)
    show(state.chart(charts.activity, activity, grain_title), activity, grain_title)

