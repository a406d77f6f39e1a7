"""Referral growth: the service's referrals between two periods beside each NRM reference area's."""

import streamlit as st

from metrics import charts
from metrics.answers import growth
from metrics.answers.series import slice_label
from metrics.i18n import N_, _
from metrics.periods import Period
from metrics.safe_text import markdown as md
from ui import shell, state

CUSTOM = N_("Choose the months")  # also the radio's value: shown through format_func=_


def month_pair(label: str, months: list[str], default: Period, key: str) -> Period:
    """A from/to pair of months; 'to' offers only months from 'from' on (`label` in the run's language)."""
    first_col, last_col = st.columns(2)
    first = first_col.selectbox(_("{period}: from").format(period=label), months, key=f"{key}_from",
                                index=months.index(default.first) if default.first in months else 0)
    later = [m for m in months if m >= first]
    last = last_col.selectbox(_("{period}: to").format(period=label), later, key=f"{key}_to",
                              index=later.index(default.last) if default.last in later else len(later) - 1)
    return Period(first, last)


if shell.page("Referral growth", needs_period=False):
    service = state.service()
    choices = state.ask(growth.growth_choices, service) if service else {}
    if not choices:
        st.info(_("No monthly returns are loaded yet: growth needs referrals in two periods."))
        st.stop()
    st.markdown(_("Referrals received by this service in a **base** period against a **compare** period, beside "
                  "the National Referral Mechanism figures of each reference area (Settings: NRM reference data). "
                  "NRM figures usually come by calendar year, so comparing whole calendar years shows every area."))
    choice = st.radio(_("Compare"), [*choices, CUSTOM], horizontal=True, key="growth_choice", format_func=_)
    if choice == CUSTOM:
        months = state.ask(growth.growth_months, service)
        default_base, default_compare = next(iter(choices.values()))
        base_col, compare_col = st.columns(2)
        with base_col:
            base = month_pair(_("Base period"), months, default_base, "growth_base")
        with compare_col:
            compare = month_pair(_("Compare period"), months, default_compare, "growth_compare")
    else:
        base, compare = choices[choice]
    base_label, compare_label = slice_label(base), slice_label(compare)

    result = state.ask(growth.growth_comparison, base, compare, service, state.audience())
    st.markdown(f"## {md(result['headline'])}")
    st.caption(_("Referrals received in {base} (base) against {compare} (compare). Growth is (compare − base) ÷ "
                 "base; an area's count is the sum of its reference rows lying wholly inside the period, and is not "
                 "available when they do not cover all of it.").format(base=base_label, compare=compare_label))
    for note in result["notes"]:
        st.warning(md(note), icon=":material/warning:")

    table = result["table"]
    st.vega_lite_chart(state.chart(charts.growth, table, base_label, compare_label), width="stretch")
    st.dataframe(
        table[["area", "base_shown", "compare_shown", "change_shown", "growth_shown", "note"]],
        column_config={
            "area": st.column_config.TextColumn(_("Area"), width="large"),
            "base_shown": st.column_config.TextColumn(_("Referrals, {period}").format(period=base_label),
                                                      alignment="right"),
            "compare_shown": st.column_config.TextColumn(_("Referrals, {period}").format(period=compare_label),
                                                         alignment="right"),
            "change_shown": st.column_config.TextColumn(_("Change"), alignment="right"),
            "growth_shown": st.column_config.TextColumn(_("Growth"), alignment="right"),
            "note": st.column_config.TextColumn(_("Note"), width="large"),
        },
        hide_index=True, width="stretch",
    )
