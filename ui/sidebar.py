"""The sidebar shared by every page: who is looking, which service and which period."""

from __future__ import annotations

import streamlit as st

from metrics.periods import Period
from ui import state

CUSTOM = "Custom range"


def demo_banner() -> None:
    if state.database()[1]:
        st.warning("**Demo mode**: these are invented sample returns, not real data. The first real "
                   "upload creates the real database and the demo is no longer shown.", icon="🧪")


def role_picker(roles: tuple[str, ...]) -> str:
    """Until someone signs in, the demo lets you look as any of the three users."""
    labels = {"manager": "Connect Gwent manager", "commissioner": "PCC's office", "partnership": "Partnership group"}
    chosen = st.sidebar.selectbox("View as", roles, format_func=labels.get, key="role")
    return chosen


def service_picker() -> str | None:
    services = state.ask("store", "services")
    if not services:
        st.session_state["service"] = None
        return None
    if len(services) == 1:
        st.session_state["service"] = services[0]
        return services[0]
    return st.sidebar.selectbox("Service", services, key="service")


def period_picker() -> Period | None:
    """Quick picks (default the latest month loaded) or a custom run of months."""
    service = state.service()
    picks = state.ask("report", "quick_periods", service) if service else {}
    if not picks:
        st.session_state["period"] = None
        return None
    choice = st.sidebar.radio("Period", [*picks, CUSTOM], key="period_choice")
    if choice == CUSTOM:
        months = state.ask("report", "months_loaded", service)
        default = picks["Latest quarter"]
        first = st.sidebar.selectbox("From", months, index=months.index(default.first)
                                     if default.first in months else 0, key="period_from")
        later = [m for m in months if m >= first]
        last = st.sidebar.selectbox("To", later, index=len(later) - 1, key="period_to")
        period = Period(first, last)
    else:
        period = picks[choice]
    st.sidebar.caption(f"{period.label} · compared with {period.previous().label}")
    st.session_state["period"] = period
    return period
