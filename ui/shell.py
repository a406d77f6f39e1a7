"""What every page run needs, whichever way Streamlit starts it.

dashboard.py runs first, draws the sidebar and routes to the page. The page files live in `views/`,
not `pages/`: Streamlit 1.67 treats a `pages/` folder beside the entrypoint as its old multipage
mode until some run in the process calls st.navigation, and the sign-in screen stops before the
router does, so until somebody had signed in every visitor saw a menu of the page files and could
run one directly. AppTest still runs a page file directly, so each page also calls `page()`: it
draws the sidebar when the router did not, and refuses a page the user's role may not see: access
never depends on the menu alone.
"""

from __future__ import annotations

import threading

import streamlit as st

from metrics.admin import access
from metrics.store.connection import DatabaseBusy
from ui import auth, components, present, sidebar, state

APP_TITLE = "MSHT advocate performance"
APP_ICON = ":material/monitoring:"  # a Material icon: an emoji is an empty box without an emoji font
_routing = threading.local()


def browser_title(title: str) -> str:
    """The browser tab's title: the page first, so that each tab says where it is (WCAG 2.4.2)."""
    return f"{title} · {APP_TITLE}"


def chrome() -> str:
    """Style, sign-in, the demo banner and the shared sidebar; returns the role."""
    components.apply_style()
    role = auth.signed_in_role() or sidebar.role_picker(access.ROLES)
    sidebar.service_picker()
    sidebar.period_picker()
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
        st.warning(f"{exc}", icon=":material/hourglass_top:")
    finally:
        _routing.active = False
        state.release()


def page(title: str, needs_period: bool = True) -> bool:
    """Call first on every page; False when the page has nothing to show (and said why)."""
    if not getattr(_routing, "active", False):
        # dashboard.py's page config did not run: without this a page opened directly is narrow
        st.set_page_config(page_title=browser_title(title), page_icon=APP_ICON, layout="wide")
        chrome()
    try:
        access.require(state.role(), title)
    except PermissionError:
        st.error(f"The {title} page is not available to you.")
        st.stop()
    st.set_page_config(page_title=browser_title(title))
    compact = title == "Summary" and present.is_on()  # presenting mode: the screen is the meeting's
    sidebar.demo_banner(compact)
    return components.page_header(title, needs_period, compact)
