"""Single sign-on end to end: st.login against a real OpenID Connect provider on localhost.

tests/oidc/provider.mjs (node, the certified `oidc-provider` package) issues ID tokens shaped like
Microsoft Entra's (tid, oid, groups); `streamlit run` signs in through it with Authlib, on a real
database; Chromium drives both. Covered: a user mapped by tenant and object ID, one mapped by a
tenant-bound group, a stranger whose email claim copies a mapped user's (refused), and expiry after
inactivity, in an open tab and in a new one. To make the servers believe time has passed without
waiting, both run under libfaketime (Debian's `faketime`) with an offset the test moves on; without
libfaketime each expiry test waits 61 s.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

import pytest

from metrics.admin import access, setup
from metrics.returns import ingest
from metrics.store import logs
from tests.servers import CHROMIUM, ROOT, Clock, chromium, free_port, start, stop, streamlit, wait_idle

PROVIDER = ROOT / "tests" / "oidc"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(not (PROVIDER / "node_modules" / "oidc-provider").exists(),
                       reason="run `npm ci` in tests/oidc first"),
]

COUNCIL = "6f1d2c3b-0000-4000-8000-00000000c0de"  # the council's Entra tenant
ELSEWHERE = "0badc0de-0000-4000-8000-000000000bad"  # any other tenant a multi-tenant app admits
MANAGERS = "9a9a9a9a-0000-4000-8000-000000000001"  # the group of dashboard managers
PASSWORD = "a test password"
ACCOUNTS = [
    {"login": "olive", "password": PASSWORD, "claims": {
        "sub": "olive-pairwise", "email": "olive.officer@pcc.example", "email_verified": True,
        "name": "Olive Officer", "tid": COUNCIL, "oid": "00000000-0000-4000-8000-0000000011ve", "groups": []}},
    {"login": "mo", "password": PASSWORD, "claims": {
        "sub": "mo-pairwise", "email": "mo.manager@gwent.example", "name": "Mo Manager", "tid": COUNCIL,
        "oid": "00000000-0000-4000-8000-00000000000m", "groups": ["someone-else's-group", MANAGERS]}},
    # Signs in through the same app (multi-tenant), from their own tenant, with Olive's address.
    {"login": "sam", "password": PASSWORD, "claims": {
        "sub": "sam-pairwise", "email": "olive.officer@pcc.example", "name": "Sam Stranger", "tid": ELSEWHERE,
        "oid": "00000000-0000-4000-8000-0000000005am", "groups": [MANAGERS]}},
]
ROLE_MAPPING = f"""
[roles.manager]
groups = [{{ tid = "{COUNCIL}", id = "{MANAGERS}" }}]

[roles.commissioner]
users = [{{ tid = "{COUNCIL}", oid = "{ACCOUNTS[0]['claims']['oid']}" }}]
"""
REFUSED = "Your account has no role on this dashboard. Ask the Connect Gwent manager for access."


@pytest.fixture(scope="module")
def clock(tmp_path_factory) -> Clock:
    return Clock(tmp_path_factory.mktemp("clock") / "offset")


@pytest.fixture(scope="module")
def provider(tmp_path_factory, clock):
    """The OIDC provider on a free port, with one client for the dashboard; yields (issuer, app port)."""
    folder = tmp_path_factory.mktemp("oidc")
    (folder / "accounts.json").write_text(json.dumps(ACCOUNTS))
    port, app_port = free_port(), free_port()
    # A URL-safe token starts with "-" one time in 64, which a command line reads as an option: begin
    # every secret with one, so the fixture cannot pass only when the draw is kind.
    secret = "-" + secrets.token_urlsafe(24)
    log = folder / "provider.log"
    process = start(
        ["node", str(PROVIDER / "provider.mjs"), "--port", str(port), "--client-id", "msht-dashboard",
         f"--client-secret={secret}", "--redirect-uri", f"http://127.0.0.1:{app_port}/oauth2callback",
         "--accounts", str(folder / "accounts.json")],
        log, f"http://127.0.0.1:{port}/.well-known/openid-configuration", env=os.environ | clock.env(), cwd=PROVIDER,
    )
    yield f"http://127.0.0.1:{port}", app_port, secret
    stop(process, log)


class Dashboard:
    """The running dashboard: its URL, and stop() to read its database."""

    def __init__(self, url, database, clock, process, log):
        self.url, self.database, self.clock, self.process, self.log = url, database, clock, process, log

    def advance_clock(self, seconds: int) -> None:
        self.clock.advance(seconds, self.url)

    def stop(self) -> None:
        stop(self.process, self.log)


@pytest.fixture(scope="module")
def dashboard(provider, clock, tmp_path_factory):
    """`streamlit run` on a real database, [auth] pointing at the provider, a 1-minute session timeout."""
    issuer, port, client_secret = provider
    folder = tmp_path_factory.mktemp("dashboard")
    path = folder / "dashboard.duckdb"
    con = setup.open_database(path)
    ingest.ingest_paths(con, [ROOT / "sample_data" / "returns" / "2019-03.xlsx"], user="mary.manager")
    access.set_session_timeout(con, 1, actor="test")
    con.close()
    (folder / "auth.toml").write_text(ROLE_MAPPING)
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "msht-dashboard"\n'
        f'client_secret = "{client_secret}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
    )
    env = {"DASHBOARD_DB": str(path), "DASHBOARD_SAMPLE_DB": str(folder / "sample.duckdb"),
           "DASHBOARD_AUTH_FILE": str(folder / "auth.toml"), **clock.env()}
    log = folder / "streamlit.log"
    process = streamlit(port, log, env, "--server.address", "127.0.0.1", "--secrets.files",
                        str(folder / "secrets.toml"))
    running = Dashboard(f"http://127.0.0.1:{port}", path, clock, process, log)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(dashboard):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = chromium(p)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A new browser profile: no cookies from another test's sign-in."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def sign_in(page, url: str, login: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()  # the dashboard's: st.login
    page.get_by_role("heading", name="Sign in to the test identity provider").wait_for(timeout=60_000)
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()  # the provider's: back to /oauth2callback, then /
    page.wait_for_url(f"{url}/**", timeout=60_000)


def signed_in_as(page) -> str:
    return page.locator('[data-testid="stSidebar"]').get_by_text("Signed in as").inner_text(timeout=60_000)


def menu(page) -> list[str]:
    return page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()


def test_a_user_mapped_by_tenant_and_object_id_signs_in_with_their_role(dashboard, page):
    sign_in(page, dashboard.url, "olive")
    page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
    wait_idle(page)
    assert signed_in_as(page) == "Signed in as olive.officer@pcc.example (PCC's office)"
    assert menu(page) == ["Summary", "Advocate KPIs", "Referral growth", "Spend vs budget", "Trends",
                          "Demand and value", "Data quality", "Actions"]


def test_a_user_in_a_mapped_group_of_the_tenant_signs_in_as_manager(dashboard, page):
    sign_in(page, dashboard.url, "mo")
    page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
    wait_idle(page)
    assert signed_in_as(page) == "Signed in as mo.manager@gwent.example (Connect Gwent manager)"
    assert menu(page)[-2:] == ["Upload returns", "Settings"]


def test_a_stranger_with_a_mapped_users_email_and_group_id_is_refused(dashboard, page):
    sign_in(page, dashboard.url, "sam")
    page.get_by_text(REFUSED).wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.get_by_role("heading", name="Summary").count() == 0
    assert page.get_by_text("Signed in as").count() == 0


def test_a_sign_in_idle_for_the_timeout_ends_at_the_next_click(dashboard, page):
    sign_in(page, dashboard.url, "olive")
    page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
    wait_idle(page)
    dashboard.advance_clock(61)  # the timeout is 1 minute
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Trends", exact=True).click()
    # st.logout(): the dashboard drops its identity cookie and sends the browser to the provider's
    # end-session page, which asks before it signs out there too, then back to the dashboard.
    page.get_by_role("button", name="Yes, sign me out").click(timeout=60_000)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_text("Signed in as").count() == 0
    assert page.get_by_role("heading", name="Trends").count() == 0
    page.goto(dashboard.url)  # a new session: the identity cookie is gone, nothing to revive
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert page.get_by_text("Signed in as").count() == 0


def test_a_new_tab_after_the_timeout_does_not_revive_the_sign_in(dashboard, page):
    # The identity cookie is still there (it lasts 30 days): the sign-in itself has expired.
    sign_in(page, dashboard.url, "olive")
    page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
    wait_idle(page)
    dashboard.advance_clock(61)
    page.goto(dashboard.url)  # a new session, as a reloaded or a new tab is
    page.get_by_role("button", name="Yes, sign me out").click(timeout=60_000)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_text("Signed in as").count() == 0


def test_the_audit_log_names_each_oidc_user_by_stable_claims(dashboard):
    # Runs last (pytest keeps file order): it stops the server, which holds the database.
    dashboard.stop()
    con = setup.open_database(dashboard.database)
    try:
        log = logs.audit_entries(con)
    finally:
        con.close()
    rows = log[log.action.isin(["sign-in", "sign-in refused", "sign-out"])][["actor", "action", "detail"]]
    olive, mo, sam = (f"tid={a['claims']['tid']} oid={a['claims']['oid']}" for a in ACCOUNTS)
    assert rows.values.tolist()[::-1] == [
        ["olive.officer@pcc.example", "sign-in", f"OIDC as commissioner ({olive})"],
        ["mo.manager@gwent.example", "sign-in", f"OIDC as manager ({mo})"],
        ["olive.officer@pcc.example", "sign-in refused", f"OIDC user {sam} has no role in auth.toml"],
        ["olive.officer@pcc.example", "sign-in", f"OIDC as commissioner ({olive})"],
        ["olive.officer@pcc.example", "sign-out", f"OIDC session of {olive} expired after inactivity"],
        ["olive.officer@pcc.example", "sign-in", f"OIDC as commissioner ({olive})"],
        ["olive.officer@pcc.example", "sign-out", f"OIDC session of {olive} expired after inactivity"],
    ]


def test_the_provider_refuses_a_wrong_password(provider, browser):
    # The provider is real: its sign-in checks passwords (so "refused" above is the dashboard's doing).
    issuer, port, _ = provider
    page = browser.new_page()
    try:
        page.goto(f"{issuer}/auth?client_id=msht-dashboard&response_type=code&scope=openid"
                  f"&redirect_uri=http://127.0.0.1:{port}/oauth2callback")
        page.get_by_label("Username").fill("olive")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("alert").inner_text(timeout=30_000) == "Wrong username or password."
    finally:
        page.close()

