"""Demand and value: the service's mix of support beside the national demand funnel, and the estimated saving."""

import streamlit as st

from metrics import charts
from metrics.answers import demand, spend
from metrics.contract import code_text
from metrics.i18n import _
from metrics.safe_text import markdown as md
from ui import components, shell, state

if shell.page("Demand and value"):
    period, service, audience = state.period(), state.service(), state.audience()
    mix = state.ask(demand.support_mix, period, service, audience)
    demand = state.ask(demand.demand_comparison, period, service, audience)
    value = state.ask(spend.value_for_money, period, service, audience)

    st.header(_("Who needs what kind of support"))
    st.markdown(_("The national demand funnel says how many victims want support and what kind: of those who want "
                  "it, about 60% need a short-term, supportive intervention and about 40% specialist support. The "
                  "first chart shows everyone the advocate was in contact with, by support level; the second puts "
                  "this service's short-term and specialist shares beside the funnel's. Both tables are below the "
                  "charts."))
    if audience == "partnership":
        components.publication_download(service)
    mix_col, demand_col = st.columns(2)
    mix_col.vega_lite_chart(state.chart(charts.support_mix, mix), width="stretch")
    demand_col.vega_lite_chart(state.chart(charts.demand_mix, demand["comparison"]), width="stretch")

    # The two shares side by side: of everyone in contact (the first chart), and of those given short-term or
    # specialist support (the second chart, and the funnel's basis), each named for what it is a share of. The
    # comparison's rows are the short-term and the specialist levels, in that order (its labels are words in the
    # run's language, the levels codes); the levels are shown in words.
    of_both = dict(zip(("Short-term", "Specialist"), demand["comparison"]["service_shown"]))
    table = mix[["support_level", "shown", "share_shown"]].assign(
        both=mix["support_level"].map(of_both),
        support_level=[code_text("support_level", code) for code in mix["support_level"]]).set_axis(
        [_("Support level"), _("People in contact"), _("Share of everyone in contact"),
         _("Share of short-term and specialist support")], axis=1)
    if audience == "partnership":  # no shares of the service's own for the partnership: counts as published
        table = table.iloc[:, :2]
    components.table(table, _("This service's support, {period}").format(period=period.label),
                     numeric=tuple(table.columns[1:]))
    st.caption(_("People in contact in {period}: open at some time in the period and first contacted by its end. "
                 "All but those who declined count as victims supported; a blank support level counts as "
                 "supported.").format(period=period.label))
    about = _("about {share}")
    share_heading = _("Share")
    funnel = demand["funnel"].assign(share=demand["funnel"]["share"].map(
        lambda v: about.format(share=f"{v:.0%}"))).set_axis([_("Demand"), share_heading, _("Of")], axis=1)
    components.table(funnel, _("The national demand funnel"), numeric=(share_heading,))
    st.caption(_("Source: {source}.").format(source=md(demand["source"])))
    for row in demand["comparison"].itertuples():
        if row.basis:
            st.markdown("- " + _("**{label}**: {share} here ({basis}) against about {national} of {of} "
                                 "nationally.").format(label=row.label, share=row.service_shown, basis=row.basis,
                                                       national=f"{row.seed_share:.0%}", of=row.seed_of))

    st.header(_("Value for money"))
    components.card_row([
        components.figure_card_html(_("Spend in the period"), value["shown"]["spend_actual"]),
        components.figure_card_html(_("Estimated public-money saving"), value["shown"]["estimated_saving"],
                                    _("spend × the cost-benefit ratio: an estimate, not a measured saving")),
        components.figure_card_html(_("Cost per victim supported"), value["shown"]["cost_per_victim"],
                                    _("spend ÷ {victims} victims supported").format(
                                        victims=value["shown"]["victims_supported"]))])
    st.markdown(_("**How the saving is estimated:** spend in the period × a cost-benefit ratio of **{ratio}** "
                  "({ratio_shown}).").format(ratio=f"{value['ratio']:g}", ratio_shown=value["shown"]["ratio"])
                + "  \n" + _("**Source of the ratio:** {source}").format(source=md(value["source"])))
