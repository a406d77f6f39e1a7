"""Trends, the partnership's page: referrals by month and by each coded field, the myths, caseload,
outcomes and activity. Aggregates only; for the partnership every small number is suppressed."""

import streamlit as st

from metrics import charts
from metrics.answers import referrals, series
from metrics.answers.series import ACTIVITY, CASELOAD, GRAINS, MYTHS, OUTCOMES, TRENDS, only
from metrics.i18n import _
from metrics.measures.publication import PUBLICATION_METHOD
from metrics.measures.registry import BREAKDOWNS
from ui import components, shell, state, tables


def show(spec, frame, grain_title: str, columns="measure_label", caption: str = "") -> None:
    """The chart (state.chart's dict), then the figures behind it in a table (as shown: '<5', 'not shown')."""
    st.vega_lite_chart(spec, width="stretch")
    with st.expander(_("The figures behind this chart")):
        components.made_table(tables.pivoted, frame, grain_title, columns, caption)



if shell.page("Trends"):
    service, audience = state.service(), state.audience()
    period = state.ask(series.trend_period, state.period(), service, series.TREND_MONTHS, audience)
    if period != state.period():
        st.info((_("A trend needs more than one quarter: showing **{period}**, up to the end of the period picked in "
                   "the sidebar. Pick a longer period there to change it.") if audience == "partnership" else
                 _("A trend needs more than one month: showing **{period}**, up to the end of the period picked in "
                   "the sidebar. Pick a longer period there to change it.")).format(period=period.label))
    pick_dimension, pick_grain = st.columns([2, 1])
    dimension = pick_dimension.selectbox(_("Break referrals down by"), list(BREAKDOWNS),
                                         format_func=lambda name: _(BREAKDOWNS[name]), key="trends_dimension")
    if audience == "partnership":
        st.caption(_("Published figures, by quarter.") + " " + _(PUBLICATION_METHOD))
        components.publication_download(service)
        grain = "quarter"
    else:
        grain = pick_grain.radio(_("Show figures"), list(GRAINS), format_func=lambda name: _(GRAINS[name]),
                                 horizontal=True, key="trends_grain")
    grain_title = _("Month") if grain == "month" else _("Quarter")
    dimension_label = _(BREAKDOWNS[dimension])

    st.header(_("Referrals"))
    by_dimension = state.ask(referrals.referrals_by, period, dimension, service, audience, grain)
    show(state.chart(charts.referrals_breakdown, by_dimension, dimension_label, grain_title), by_dimension,
         grain_title, columns="category",
         caption=_("Referrals received by {breakdown}").format(breakdown=dimension_label.lower()))
    if audience == "internal":  # a rolling three months is a custom range: not for the partnership
        rolling = state.ask(referrals.rolling_referrals, period, service, audience)
        st.vega_lite_chart(state.chart(charts.rolling_referrals, rolling), width="stretch")
        with st.expander(_("The figures behind this chart")):
            components.made_table(tables.rolling, rolling)


    st.header(_("Myths busted"))
    st.markdown(_("Thames Valley found that the largest group of clients were **UK citizens**, and that **fewer "
                  "than half** had experienced any form of **trafficking**: modern slavery and trafficking are not "
                  "the same thing. Here are the same two shares for this service's referrals."))
    measures = state.ask(series.measure_series, period, TRENDS, service, audience, grain)  # the page's in one query
    myths = state.derived(only, measures, MYTHS)
    show(state.chart(charts.measure_lines, myths, _("Referrals who are UK nationals, and with trafficking indicated"),
                     grain_title, reference=(0.5, _("half"))), myths, grain_title)

    st.header(_("Caseload and closures"))
    caseload = state.derived(only, measures, CASELOAD)
    caseload_title = (_("Open cases at the end of each month, and cases closed") if grain == "month" else
                      _("Open cases at the end of each quarter, and cases closed"))
    show(state.chart(charts.measure_lines, caseload, caseload_title, grain_title), caseload, grain_title)

    st.header(_("Outcomes at closure"))
    outcomes = state.derived(only, measures, OUTCOMES)
    # A chart title does not wrap: a longer one ran 35 px past a 1,280 px screen (issue 17 #7).
    show(state.chart(charts.panels, outcomes, _("Of cases closed: the share with each outcome"), grain_title),
         outcomes, grain_title)

    st.header(_("Activity"))
    activity = state.derived(only, measures, ACTIVITY)
    show(state.chart(charts.activity, activity, grain_title), activity, grain_title)

