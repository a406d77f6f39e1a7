"""What every page run needs, whichever way Streamlit starts it.

dashboard.py runs first, draws the sidebar and routes to the page. Every run of it calls
st.navigation, the sign-in screen included (as the only page, hidden): Streamlit 1.67 treats a
`pages/` folder beside the entrypoint as its old multipage mode (a menu of the file names, and a
URL path running a file directly) until some run in the process has called st.navigation, and a
sign-in screen that stopped before the router left every visitor that menu. The first run after
the server starts still takes that old path, and AppTest runs a page file directly, so each page
also calls `page()`: it draws the sign-in or the sidebar when the router did not, and refuses a
page the user's role may not see: access never depends on the menu alone.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from metrics.admin import access
from metrics.i18n import N_, _
from metrics.store.connection import DatabaseBusy, DatabaseUnreadable
from ui import auth, components, language, present, sidebar, state
from ui.navigation import PAGE_FILES

ROOT = Path(__file__).resolve().parent.parent
APP_TITLE = N_("MSHT advocate performance")  # dashboard.py's first page config shows it in English
# Streamlit's own favicon, served by the app: a Material icon as the page icon is fetched from
# fonts.gstatic.com, which the deployment's CSP (img-src 'self') refuses, and an emoji is an empty box
# without an emoji font.
APP_ICON = None
_routing = threading.local()
_log = logging.getLogger(__name__)


def browser_title(title: str) -> str:
    """The browser tab's title: the page first, so that each tab says where it is (WCAG 2.4.2); `title` is the
    page's (English) title, shown in the run's language."""
    return _("{page} · {app}").format(page=_(title), app=_(APP_TITLE))


def chrome() -> str:
    """Style, sign-in and the shared sidebar; returns the role, or auth.NotSignedIn."""
    components.apply_style()
    language.switch()
    role = auth.signed_in_role() or sidebar.role_picker(access.ROLES)
    sidebar.service_picker()
    sidebar.period_picker()
    return role


def visible_pages(role: str | None, pages: dict[str, str]) -> dict[str, str]:
    """The pages of the menu for this role, in menu order."""
    return {title: path for title, path in pages.items() if access.allowed(role, title)}


def _sign_in_navigation(needed: auth.NotSignedIn) -> st.Page:
    """The sign-in screen as the only page, hidden; also at each page's URL path (a bookmark, a reload), so
    that such a URL shows the sign-in rather than Streamlit's "page not found", and runs nothing of the page."""
    title = _("Sign in")
    at_paths = [st.Page(needed.screen, title=title, url_path=Path(path).stem, visibility="hidden")
                for path in PAGE_FILES.values()]
    return st.navigation([st.Page(needed.screen, title=title, default=True), *at_paths], position="hidden")


def _menu(role: str | None, pages: dict[str, str]) -> st.Page:
    """Streamlit's navigation of the pages this role may see; returns the page to run (absolute paths: a page
    file run directly is the main script, and its folder then Streamlit's base for relative ones). The titles are
    shown in the run's language; the URL paths are the files' names whatever the language."""
    return st.navigation([st.Page(str(ROOT / path), title=_(title), default=title == "Summary")
                          for title, path in visible_pages(role, pages).items()])


def route(pages: dict[str, str]) -> None:
    """Draw the chrome, then run the chosen page among those this role may see; the database is let go
    when the run ends, however it ends. With nobody signed in, the sign-in screen is the only page."""
    _routing.active = True
    try:
        try:
            role = chrome()
        except auth.NotSignedIn as needed:
            _sign_in_navigation(needed).run()
            return
        _menu(role, pages).run()
    except DatabaseBusy as exc:
        st.warning(f"{exc}", icon=":material/hourglass_top:")
    except DatabaseUnreadable as exc:
        _log.error("%s", exc)  # with the path, for whoever looks after the server; never on a page
        st.error(_("The dashboard's database cannot be opened. Whoever looks after the server can see why in its "
                   "log."))
    finally:
        _routing.active = False
        state.release()


def _entrypoint_is_main() -> bool:
    ctx = get_script_run_ctx()
    return ctx is not None and Path(ctx.main_script_path).resolve() == ROOT / "dashboard.py"


def page(title: str, needs_period: bool = True) -> bool:
    """Call first on every page; False when the page has nothing to show (and said why)."""
    if not getattr(_routing, "active", False):
        # dashboard.py's page config did not run: without this a page opened directly is narrow
        st.set_page_config(page_title=browser_title(title), page_icon=APP_ICON, layout="wide")
        if _entrypoint_is_main():
            # Streamlit's old multipage mode ran this file itself (the process's first run; every AppTest run):
            # the router takes over, with our navigation (which ends that mode) and the sign-in as a page of
            # it, so that the sign-in form has the same widget ids as in every later run.
            route(PAGE_FILES)
            st.stop()
        # The page file is the main script (AppTest.from_file): our navigation, and the page's own guard.
        try:
            _menu(chrome(), PAGE_FILES)
        except auth.NotSignedIn as needed:
            _sign_in_navigation(needed)
            needed.screen()  # it stops the run
    try:
        access.require(state.role(), title)
    except PermissionError:
        st.error(_("The {page} page is not available to you.").format(page=_(title)))
        st.stop()
    st.set_page_config(page_title=browser_title(title))
    compact = title == "Summary" and present.is_on()  # presenting mode: the screen is the meeting's
    sidebar.demo_banner(compact)
    return components.page_header(title, needs_period, compact)
