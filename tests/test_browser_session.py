"""Real-browser checks of issue 17 #2: the sign-in screen shows no menu of page files, and a local
sign-in survives a page reload through a signed, expiring cookie, which sign-out and the inactivity
timeout end (the server's record of the session, not the cookie, decides). Playwright drives Debian's
Chromium; the server runs under libfaketime (Debian's `faketime`) so that the timeout passes without waiting.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from metrics.admin import access, sessions, setup, users
from metrics.returns import ingest
from tests.browser_support import CHROMIUM, ROOT, chromium, sidebar, sign_in, streamlit_server, wait_idle
from tests.servers import Clock

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]

PASSWORD = "correct horse battery"
SIGNED_OUT_IDLE = "Your session ended after a period without activity. Please sign in again."


@pytest.fixture(scope="module")
def clock(tmp_path_factory) -> Clock:
    return Clock(tmp_path_factory.mktemp("clock") / "offset")


@pytest.fixture(scope="module")
def server(tmp_path_factory, clock):
    """A fresh `streamlit run` on a real database with a manager and a commissioner, a 1-minute timeout."""
    folder = tmp_path_factory.mktemp("session")
    path = folder / "dashboard.duckdb"
    con = setup.open_database(path)
    ingest.ingest_paths(con, [ROOT / "sample_data" / "returns" / "2019-03.xlsx"], user="mary.manager")
    users.add_user(con, "mary.manager", "manager", PASSWORD, actor="test")
    users.add_user(con, "chris.commissioner", "commissioner", PASSWORD, actor="test")
    access.set_session_timeout(con, 1, actor="test")
    con.close()
    with streamlit_server(folder, real_db=path, env=clock.env()) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as browser:
        yield browser


@pytest.fixture
def context(browser):
    """A new browser profile: no cookie from another test."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context
    context.close()


def open_signed_out(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in").wait_for(timeout=90_000)
    wait_idle(page)


def reload(page, heading: str = "Summary") -> None:
    page.reload()
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    wait_idle(page)


def session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == sessions.COOKIE), None)


def test_the_first_visitor_of_a_new_server_sees_no_menu_and_lands_where_their_role_may(server, context):
    # The first run after the server starts, at a bookmarked page the commissioner may not see: with a
    # `pages/` folder Streamlit listed every page file here, and signing in left them on that page's refusal.
    page = context.new_page()
    open_signed_out(page, server + "/settings")
    assert page.locator('[data-testid="stSidebarNav"] a').count() == 0
    assert page.title() == "Sign in · MSHT advocate performance"
    assert page.get_by_role("textbox", name="Name").get_attribute("autocomplete") == "username"
    assert page.get_by_role("textbox", name="Password").get_attribute("autocomplete") == "current-password"
    sign_in(page, "chris.commissioner", PASSWORD)
    assert page.get_by_text("not available to you").count() == 0
    assert page.title() == "Summary · MSHT advocate performance"
    assert "Settings" not in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    # Signed in, a URL path naming a page the role may not see runs the Summary instead (Streamlit: "not found").
    page.goto(server + "/settings")
    page.get_by_role("heading", name="Summary").first.wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_role("heading", name="Settings").count() == 0
    assert page.get_by_text("not available to you").count() == 0


@pytest.mark.parametrize("path", ["/upload", "/settings", "/summary", "/data_quality"])
def test_a_visitor_not_signed_in_gets_only_the_sign_in_whatever_the_url(server, context, path):
    # Every run calls st.navigation with the sign-in as its only, hidden page: no menu of page files, and a
    # URL path naming a page file runs nothing of it (issue 17 #2).
    page = context.new_page()
    open_signed_out(page, server + path)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.locator('[data-testid="stFileUploader"], [data-testid="stDataFrame"], .card-value').count() == 0
    assert page.get_by_role("heading").all_inner_texts() == ["MSHT advocate performance"]
    assert page.title() == "Sign in · MSHT advocate performance"


def test_a_reload_keeps_the_sign_in_and_sign_out_ends_it(server, context):
    page = context.new_page()
    open_signed_out(page, server)
    sign_in(page, "mary.manager", PASSWORD)
    cookie = session_cookie(context)
    assert cookie is not None and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert 0 < cookie["expires"] - time.time() <= sessions.LIFETIME.total_seconds()
    reload(page)
    assert sidebar(page).get_by_text("Signed in as").inner_text() == "Signed in as mary.manager (Connect Gwent manager)"

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    wait_idle(page)
    assert session_cookie(context) is None
    # Even the old token, put back by hand, names a session the server has ended.
    context.add_cookies([{**cookie, "expires": time.time() + 3600}])
    reload(page, heading="MSHT advocate performance")
    assert page.get_by_role("button", name="Sign in").count() == 1
    assert session_cookie(context) is None  # and the browser is told to forget it


def test_an_altered_or_foreign_cookie_signs_nobody_in(server, context):
    page = context.new_page()
    open_signed_out(page, server)
    sign_in(page, "chris.commissioner", PASSWORD)
    cookie = session_cookie(context)
    payload, signature = cookie["value"].split(".")
    # The live session's token with its signature altered, and a token for the manager signed with another key.
    forged = sessions.issue(b"not the server's secret", "any", "mary.manager", dt.datetime.now())
    for value in (payload + "." + signature[::-1], forged):
        fresh = context.browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            fresh.add_cookies([{**cookie, "value": value}])
            other = fresh.new_page()
            open_signed_out(other, server)
            assert other.get_by_text("Signed in as").count() == 0
        finally:
            fresh.close()


def test_a_reload_after_the_inactivity_timeout_asks_for_sign_in_again(server, context, clock):
    page = context.new_page()
    open_signed_out(page, server)
    sign_in(page, "mary.manager", PASSWORD)
    clock.advance(61, server)  # the timeout is a minute
    page.reload()
    page.get_by_text(SIGNED_OUT_IDLE).wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_role("button", name="Sign in").count() == 1
    assert session_cookie(context) is None
