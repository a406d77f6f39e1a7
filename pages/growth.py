"""Referral growth: the service's referrals between two periods beside each NRM reference area's."""

import streamlit as st

from metrics import charts
from metrics.answers import growth
from metrics.answers.series import slice_label
from metrics.periods import Period
from metrics.safe_text import markdown as md
from ui import shell, state

CUSTOM = "Choose the months"


def month_pair(label: str, months: list[str], default: Period, key: str) -> Period:
    """A from/to pair of months; 'to' offers only months from 'from' on."""
    first_col, last_col = st.columns(2)
    first = first_col.selectbox(f"{label}: from", months, key=f"{key}_from",
                                index=months.index(default.first) if default.first in months else 0)
    later = [m for m in months if m >= first]
    last = last_col.selectbox(f"{label}: to", later, key=f"{key}_to",
                              index=later.index(default.last) if default.last in later else len(later) - 1)
    return Period(first, last)


if shell.page("Referral growth", needs_period=False):
    service = state.service()
    choices = state.ask(growth.growth_choices, service) if service else {}
    if not choices:
        st.info("No monthly returns are loaded yet: growth needs referrals in two periods.")
        st.stop()
    st.markdown("Referrals received by this service in a **base** period against a **compare** period, beside the "
                "National Referral Mechanism figures of each reference area (Settings: NRM reference data). NRM "
                "figures usually come by calendar year, so comparing whole calendar years shows every area.")
    choice = st.radio("Compare", [*choices, CUSTOM], horizontal=True, key="growth_choice")
    if choice == CUSTOM:
        months = state.ask(growth.growth_months, service)
        default_base, default_compare = next(iter(choices.values()))
        base_col, compare_col = st.columns(2)
        with base_col:
            base = month_pair("Base period", months, default_base, "growth_base")
        with compare_col:
            compare = month_pair("Compare period", months, default_compare, "growth_compare")
    else:
        base, compare = choices[choice]
    base_label, compare_label = slice_label(base), slice_label(compare)

    result = state.ask(growth.growth_comparison, base, compare, service, state.audience())
    st.markdown(f"## {md(result['headline'])}")
    st.caption(f"Referrals received in {base_label} (base) against {compare_label} (compare). Growth is "
               "(compare − base) ÷ base; an area's count is the sum of its reference rows lying wholly inside the "
               "period, and is not available when they do not cover all of it.")
    for note in result["notes"]:
        st.warning(md(note), icon=":material/warning:")

    table = result["table"]
    st.vega_lite_chart(state.chart(charts.growth, table, base_label, compare_label), width="stretch")
    st.dataframe(
        table[["area", "base_shown", "compare_shown", "change_shown", "growth_shown", "note"]],
        column_config={
            "area": st.column_config.TextColumn("Area", width="large"),
            "base_shown": st.column_config.TextColumn(f"Referrals, {base_label}", alignment="right"),
            "compare_shown": st.column_config.TextColumn(f"Referrals, {compare_label}", alignment="right"),
            "change_shown": st.column_config.TextColumn("Change", alignment="right"),
            "growth_shown": st.column_config.TextColumn("Growth", alignment="right"),
            "note": st.column_config.TextColumn("Note", width="large"),
        },
        hide_index=True, width="stretch",
    )
