"""The language switch (English / Cymraeg) at the top of every page's sidebar, and the run's language.

The choice is kept in the session, and in the browser in a cookie (`msht_lang`) so that the next
visit opens in it; a first visit takes $DASHBOARD_LANGUAGE when it is set, else the browser's language
(st.context.locale) when it is Welsh or English, else English. Both names are written in their own
language, the same size, side by side: neither is the other's translation or the lesser choice.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from metrics import i18n

COOKIE = "msht_lang"
KEY = "pick_language"
FRAME_KEY = "language_cookie"  # hidden by ui.components' style: the frame shows nothing
# A fixed expiry (19 January 2038), so that the frame's arguments are the same on every rerun: new ones draw
# the frame again. It sends no answer (reply=False): an answer costs a rerun, in which a click was lost.
_FOREVER = 2**31 - 1
_frame = components.declare_component("language_cookie", path=str(Path(__file__).parent / "cookie_frontend"))


def _from_browser() -> str | None:
    try:
        remembered = st.context.cookies.get(COOKIE)
        if remembered in i18n.LANGUAGES:
            return remembered
        if os.environ.get("DASHBOARD_LANGUAGE", "").strip().lower() in i18n.LANGUAGES:
            return None  # the setting decides
        return i18n.from_locale(st.context.locale)
    except Exception:  # AppTest and bare runs have no browser to ask
        return None


def _changed() -> None:
    st.session_state["kept_language"] = st.session_state[KEY]


def current() -> str:
    """This session's language: its choice, else what the browser remembers or asks for, else the setting."""
    if "kept_language" not in st.session_state:
        st.session_state["kept_language"] = _from_browser() or i18n.default_language()
    return st.session_state["kept_language"]


def switch() -> str:
    """Draw the switch in the sidebar and make its language this run's; returns it."""
    chosen = current()
    i18n.set_language(chosen)
    st.session_state[KEY] = chosen
    st.sidebar.radio("Language · Iaith", list(i18n.LANGUAGES), key=KEY, format_func=i18n.LANGUAGES.get,
                     horizontal=True, on_change=_changed)
    # The frame keeps the choice in the browser and sets the page's `lang` (WCAG 3.1.1: a screen reader reads
    # Welsh with a Welsh voice); Streamlit's own page says lang="en" whatever it shows.
    with st.sidebar:
        _frame(name=COOKIE, token=chosen, expires=_FOREVER, lang=chosen, reply=False, key=FRAME_KEY,
               default=None)
    return chosen
