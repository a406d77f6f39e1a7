"""The sidebar shared by every page: who is looking, which service and which period.

Each choice lives under a plain session key (`kept_<name>`), which Streamlit never clears.
The widget has its own stable key (`pick_<name>`): before it is drawn the kept choice is put
into it, and its on_change callback copies a new choice back. Streamlit drops a widget's state
in any run that does not draw it (a page opened directly draws it under another page's ID),
so the widget key alone would not survive; and a widget without a key, whose identity follows
its arguments, is a new widget whenever the choice changes, which lost every second change.
"""

from __future__ import annotations

import streamlit as st

from metrics.answers import choices
from metrics.i18n import N_, _
from metrics.periods import Period
from ui import state

CUSTOM = N_("Custom range")  # also the radio's value: shown through format_func=_
ROLE_LABELS = {"manager": N_("Connect Gwent manager"), "commissioner": N_("PCC's office"),
               "partnership": N_("Partnership group")}


def role_label(role: str) -> str:
    """A role as the sidebar shows it, in the run's language."""
    return _(ROLE_LABELS[role])


def _keep(name: str) -> None:
    st.session_state[f"kept_{name}"] = st.session_state[f"pick_{name}"]


def _kept_select(widget, label: str, options: list, name: str, default=None, **kwargs):
    """A sidebar selectbox or radio whose choice survives page switches and takes every change."""
    kept = st.session_state.get(f"kept_{name}", default)
    if kept not in options:  # e.g. a month no longer loaded: fall back rather than fail
        kept = options[0]
    st.session_state[f"kept_{name}"] = st.session_state[f"pick_{name}"] = kept
    return widget(label, options, key=f"pick_{name}", on_change=_keep, args=(name,), **kwargs)


def demo_banner(compact: bool = False) -> None:
    """Every page says when it shows the demo; presenting mode in one short line, to leave the screen to the room."""
    if not state.database()[1]:
        return
    if compact:
        mode, what = _("Demo mode"), _("invented sample returns, not real data")
        st.markdown(f'<div class="present-note"><strong>{mode}</strong>: {what}</div>', unsafe_allow_html=True)
    else:
        st.warning(_("**Demo mode**: these are invented sample returns, not real data. The real database is "
                     "created on the server (`python -m metrics init`); then the demo is no longer shown."),
                   icon=":material/science:")


def role_picker(roles: tuple[str, ...]) -> str:
    """Until someone signs in, the demo lets you look as any of the three users."""
    return _kept_select(st.sidebar.selectbox, _("View as"), list(roles), "role", roles[0], format_func=role_label)


def service_picker() -> str | None:
    services = state.ask(choices.services)
    chosen = None
    if len(services) == 1:
        chosen = services[0]
    elif services:
        chosen = _kept_select(st.sidebar.selectbox, _("Service"), services, "service_choice")
    st.session_state["service"] = chosen
    return chosen


def period_picker() -> Period | None:
    """Quick picks (default the latest month loaded) or a custom run of months; for the partnership, its
    fixed periods only (whole quarters, financial years, grants)."""
    service = state.service()
    if service and state.audience() == "partnership":
        return _partnership_period(service)
    picks = state.ask(choices.quick_periods, service) if service else {}
    if not picks:
        st.session_state["period"] = None
        return None
    # The quick picks' keys (metrics.answers.choices: 'Latest month', 'Latest quarter', ...) and CUSTOM are the
    # choices' values, the same in every language: only their display is translated.
    choice = _kept_select(st.sidebar.radio, _("Period"), [*picks, CUSTOM], "period_choice", format_func=_)
    if choice == CUSTOM:
        months = state.ask(choices.months_loaded, service)
        first = _kept_select(st.sidebar.selectbox, _("From"), months, "period_from", picks["Latest quarter"].first)
        later = [m for m in months if m >= first]
        last = _kept_select(st.sidebar.selectbox, _("To"), later, "period_to", later[-1])
        period = Period(first, last)
    else:
        period = picks[choice]
    st.sidebar.caption(_("{period} · compared with {previous}").format(period=period.label,
                                                                        previous=period.previous().label))
    st.session_state["period"] = period
    return period


def _partnership_period(service: str) -> Period | None:
    offered = state.ask(choices.partnership_periods, service)
    if not offered:
        st.sidebar.caption(_("No whole quarter is complete in the returns yet: nothing is published."))
        st.session_state["period"] = None
        return None
    choice = _kept_select(st.sidebar.selectbox, _("Period"), list(offered), "partnership_period")
    period = offered[choice]
    st.sidebar.caption(_("Published figures: whole quarters, financial years and grants only."))
    st.session_state["period"] = period
    return period
