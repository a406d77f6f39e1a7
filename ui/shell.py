"""What every page run needs, whichever way Streamlit starts it.

Normally dashboard.py runs first, draws the sidebar and routes to the page. But while a
`pages/` folder exists, Streamlit runs a page file directly on a session's first run after
the server starts (its old multipage mode), and AppTest always does. So each page also
calls `page()`: it draws the sidebar when the router did not, and refuses a page the user's
role may not see: access never depends on the menu alone.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

from metrics.admin import access
from metrics.store.connection import DatabaseBusy, DatabaseUnreadable
from ui import auth, components, sidebar, state

_routing = threading.local()
_log = logging.getLogger(__name__)


def chrome() -> str:
    """Style, sign-in, the demo banner and the shared sidebar; returns the role."""
    components.apply_style()
    role = auth.signed_in_role() or sidebar.role_picker(access.ROLES)
    sidebar.service_picker()
    sidebar.period_picker()
    sidebar.demo_banner()
    return role


def visible_pages(role: str | None, pages: dict[str, str]) -> dict[str, str]:
    """The pages of the menu for this role, in menu order."""
    return {title: path for title, path in pages.items() if access.allowed(role, title)}


def route(pages: dict[str, str]) -> None:
    """Draw the chrome, then run the chosen page among those this role may see; the database is let go
    when the run ends, however it ends."""
    _routing.active = True
    try:
        role = chrome()
        visible = [st.Page(path, title=title, default=title == "Summary")
                   for title, path in visible_pages(role, pages).items()]
        st.navigation(visible).run()
    except DatabaseBusy as exc:
        st.warning(f"{exc}", icon="⏳")
    except DatabaseUnreadable as exc:
        _log.error("%s", exc)  # with the path, for whoever looks after the server; never on a page
        st.error("The dashboard's database cannot be opened. Whoever looks after the server can see why in its "
                 "log.")
    finally:
        _routing.active = False
        state.release()


def page(title: str, needs_period: bool = True) -> bool:
    """Call first on every page; False when the page has nothing to show (and said why)."""
    if not getattr(_routing, "active", False):
        # dashboard.py's page config did not run: without this a page opened directly is narrow
        st.set_page_config(page_title="MSHT advocate performance", page_icon="🧭", layout="wide")
        chrome()
    try:
        access.require(state.role(), title)
    except PermissionError:
        st.error(f"The {title} page is not available to you.")
        st.stop()
    return components.page_header(title, needs_period)
