"""The sidebar shared by every page: who is looking, which service and which period.

Streamlit forgets a widget's value when a page switch draws a new widget tree, so each
choice is kept under a plain session key (`kept_<name>`) and given back as the default.
"""

from __future__ import annotations

import streamlit as st

from metrics.answers import choices
from metrics.periods import Period
from ui import state

CUSTOM = "Custom range"
ROLE_LABELS = {"manager": "Connect Gwent manager", "commissioner": "PCC's office", "partnership": "Partnership group"}


def _kept_select(widget, label: str, options: list, key: str, default=None, **kwargs):
    """A sidebar selectbox or radio whose choice survives page switches."""
    kept = st.session_state.get(f"kept_{key}", default)
    index = options.index(kept) if kept in options else 0
    # No widget key: its identity follows `index`, so a page switch redraws it on the kept choice.
    chosen = widget(label, options, index=index, **kwargs)
    st.session_state[f"kept_{key}"] = chosen
    return chosen


def demo_banner() -> None:
    if state.database()[1]:
        st.warning("**Demo mode**: these are invented sample returns, not real data. The first real "
                   "upload creates the real database and the demo is no longer shown.", icon="🧪")


def role_picker(roles: tuple[str, ...]) -> str:
    """Until someone signs in, the demo lets you look as any of the three users."""
    return _kept_select(st.sidebar.selectbox, "View as", list(roles), "role", roles[0], format_func=ROLE_LABELS.get)


def service_picker() -> str | None:
    services = state.ask(choices.services)
    chosen = None
    if len(services) == 1:
        chosen = services[0]
    elif services:
        chosen = _kept_select(st.sidebar.selectbox, "Service", services, "service_choice")
    st.session_state["service"] = chosen
    return chosen


def period_picker() -> Period | None:
    """Quick picks (default the latest month loaded) or a custom run of months."""
    service = state.service()
    picks = state.ask(choices.quick_periods, service) if service else {}
    if not picks:
        st.session_state["period"] = None
        return None
    choice = _kept_select(st.sidebar.radio, "Period", [*picks, CUSTOM], "period_choice")
    if choice == CUSTOM:
        months = state.ask(choices.months_loaded, service)
        first = _kept_select(st.sidebar.selectbox, "From", months, "period_from", picks["Latest quarter"].first)
        later = [m for m in months if m >= first]
        last = _kept_select(st.sidebar.selectbox, "To", later, "period_to", later[-1])
        period = Period(first, last)
    else:
        period = picks[choice]
    st.sidebar.caption(f"{period.label} · compared with {period.previous().label}")
    st.session_state["period"] = period
    return period
