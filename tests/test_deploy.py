"""The deployment, tested: nginx from deploy/nginx.conf (TLS) in front of `streamlit run`, as on the server.

Streamlit runs with the project's .streamlit/config.toml and no address on its command line, so
the checks below hold for the committed settings: it listens on loopback only, shows no error
details, and the proxy adds the security headers, refuses Streamlit's own endpoints but health,
the websocket and uploads, answers host-config itself, and keeps /media/ and pages out of caches.
Chromium signs in and visits every page through https, failing on any Content-Security-Policy
violation.
"""

from __future__ import annotations

import json
import re
import shutil
import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from metrics.admin import setup, users
from metrics.returns import ingest
from tests import deploy_servers
from tests.servers import CHROMIUM, ROOT, chromium, free_port, stop, streamlit, wait_idle
from ui.navigation import PAGE_FILES

PASSWORD = "correct horse battery"  # 21 characters, zxcvbn score 4

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(shutil.which("nginx") is None or shutil.which("openssl") is None,
                       reason="Debian's nginx and openssl are not installed"),
]

CSP = ("default-src 'self'; script-src 'self' 'sha256-THxz9J9+wf7rhwR2YkXJoSZ13UCmYyC+3lNDv2+8ugA='; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
       "worker-src 'self' blob:; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'self'")
SECURITY_HEADERS = {
    "strict-transport-security": "max-age=63072000",
    "content-security-policy": CSP,
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


class Site:
    def __init__(self, app_port: int, https_port: int, http_port: int, processes: list):
        self.app_port, self.https_port, self.http_port, self.processes = app_port, https_port, http_port, processes
        self.url = f"https://127.0.0.1:{https_port}"

    def stop(self) -> None:
        for process, log in reversed(self.processes):
            stop(process, log)


def deploy(folder: Path, database: Path) -> Site:
    """streamlit run (the project's config.toml, no --server.address) behind nginx on free ports."""
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    env = {"DASHBOARD_DB": str(database), "DASHBOARD_SAMPLE_DB": str(folder / "sample.duckdb")}
    app = streamlit(app_port, folder / "streamlit.log", env)
    try:
        proxy = deploy_servers.start_nginx(folder / "nginx", app_port, https_port, http_port)
    except BaseException:
        stop(app, folder / "streamlit.log")
        raise
    return Site(app_port, https_port, http_port, [(app, folder / "streamlit.log"), (proxy, folder / "nginx.out")])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The dashboard on a real database (three sample months, one manager), behind nginx."""
    folder = tmp_path_factory.mktemp("deploy")
    path = folder / "dashboard.duckdb"
    con = setup.open_database(path)
    ingest.ingest_paths(con, sorted((ROOT / "sample_data" / "returns").glob("*.xlsx"))[:3], user="mary.manager")
    users.add_user(con, "mary.manager", "manager", PASSWORD, actor="test")
    con.close()
    running = deploy(folder, path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    """The dashboard over a database from a newer version of the code: every page run raises.

    (A file that is no database at all is caught and said so on the page: tests/test_no_paths.py.)"""
    folder = tmp_path_factory.mktemp("broken")
    path = folder / "dashboard.duckdb"
    con = setup.open_database(path)
    con.execute("UPDATE schema_version SET version = 99")
    con.close()
    running = deploy(folder, path)
    yield running
    running.stop()


def fetch(url: str, method: str = "GET"):
    """(status, lower-cased headers, body) without following redirects or checking the certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, method=method), timeout=30) as response:
            return response.status, deploy_servers.headers_of(response), response.read()
    except urllib.error.HTTPError as error:
        return error.code, deploy_servers.headers_of(error), error.read()


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = chromium(p, "--ignore-certificate-errors")  # the test's self-signed certificate
        yield launched
        launched.close()


# Collects Content-Security-Policy violations, which Chromium would otherwise only log.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
"""


def test_streamlit_listens_on_loopback_only(site):
    # Pen test finding 9: with Streamlit's default address it listens on every interface.
    assert deploy_servers.listening_addresses(site.app_port) == {"127.0.0.1"}


def test_plain_http_is_redirected_to_https(site):
    status, headers, _ = fetch(f"http://127.0.0.1:{site.http_port}/some/page?x=1")
    assert (status, headers["location"]) == (301, "https://127.0.0.1/some/page?x=1")


def test_pages_carry_the_security_headers_and_are_not_cached(site):
    status, headers, body = fetch(site.url + "/")
    assert status == 200 and b"<!DOCTYPE html>" in body
    assert {k: headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
    assert headers["cache-control"] == "no-store"
    assert "server" not in headers or headers["server"] == "nginx"  # no version (server_tokens off)


def test_the_front_ends_assets_may_be_cached_for_a_day(site):
    _, _, body = fetch(site.url + "/")
    script = body.decode().split('<script type="module" crossorigin src="./', 1)[1].split('"', 1)[0]
    status, headers, _ = fetch(f"{site.url}/{script}")
    assert (status, headers["cache-control"]) == (200, "public, max-age=86400")
    assert {k: headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/script-health-check", "/_stcore/agent/openapi.json",
                                  "/_stcore/agent/mcp", "/_stcore/bidi-components/x", "/_stcore/anything"])
def test_streamlits_own_endpoints_are_refused(site, path):
    # Pen test finding 9: /_stcore/metrics answered anyone. Streamlit itself still answers it on
    # loopback (what the proxy protects), as this shows.
    assert fetch(site.url + path)[0] == 404
    if path == "/_stcore/metrics":
        assert fetch(f"http://127.0.0.1:{site.app_port}{path}")[0] == 200


def test_health_passes_through_and_host_config_is_answered_by_nginx(site):
    assert fetch(site.url + "/_stcore/health")[::2] == (200, b"ok")
    status, headers, body = fetch(site.url + "/_stcore/host-config")
    assert (status, headers["content-type"]) == (200, "application/json")
    answered = json.loads(body)
    assert answered["allowedOrigins"] == []  # Streamlit's own lists its cloud's origins
    _, _, own = fetch(f"http://127.0.0.1:{site.app_port}/_stcore/host-config")
    own = json.loads(own)
    assert "https://*.streamlit.app" in own["allowedOrigins"]
    # A Streamlit upgrade that adds a key to host-config must be looked at: nginx answers for it.
    assert sorted(answered) == sorted(own)
    assert {k: v for k, v in answered.items() if k != "allowedOrigins"} == {
        k: v for k, v in own.items() if k != "allowedOrigins"}


def test_sign_in_and_every_page_through_https(site, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    try:
        page.goto(site.url)
        page.get_by_role("textbox", name="Name").fill("mary.manager", timeout=60_000)
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
        wait_idle(page)
        for title in PAGE_FILES:
            page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
            page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
            wait_idle(page)
            assert page.locator('[data-testid="stException"]').count() == 0, title
        # /media/ through the proxy: the blank template's download is not kept in any cache.
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Upload returns", exact=True).click()
        page.get_by_role("heading", name="Upload returns").first.wait_for(timeout=60_000)
        wait_idle(page)
        with page.expect_response(lambda r: "/media/" in r.url, timeout=60_000) as media:
            page.get_by_role("button", name="Download the blank template (.xlsx)").click()
        response = media.value
        assert (response.status, response.headers["cache-control"]) == (200, "no-store")
        assert response.headers["x-content-type-options"] == "nosniff"
        # An upload through the proxy (/_stcore/upload_file/, with Streamlit's XSRF token) reaches the
        # checks: the fourth sample month is previewed, ready to confirm.
        fourth = sorted((ROOT / "sample_data" / "returns").glob("*.xlsx"))[3]
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(fourth))
        page.get_by_role("button", name="Confirm").first.wait_for(timeout=60_000)
        wait_idle(page)
        # One known probe is refused, harmlessly: protobuf's 64-bit maths (long.js) tries WebAssembly,
        # which script-src does not allow ('wasm-unsafe-eval'), and falls back to JavaScript.
        violations = [v for v in page.evaluate("window.__cspViolations")
                      if not (v.startswith("script-src blocked wasm-eval (") and "/static/js/protobuf." in v)]
        assert violations == []
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["_streamlit_xsrf"]["secure"] is True  # added by the proxy
    finally:
        context.close()


def test_an_error_shows_no_details_to_the_user(broken_site, browser):
    # Pen test finding 9: Streamlit's default shows the exception, its message and traceback.
    page = browser.new_page()
    try:
        page.goto(broken_site.url)
        box = page.locator('[data-testid="stException"]')
        box.wait_for(timeout=60_000)
        wait_idle(page)
        shown = page.locator("body").inner_text()
        assert "This app has encountered an error." in box.inner_text()
        for detail in ("Traceback", "RuntimeError", "schema version", "dashboard.duckdb", ".py", "line "):
            assert detail not in shown, detail
    finally:
        page.close()
    log = re.sub(r"\x1b\[[0-9;]*m", "", Path(broken_site.processes[0][1]).read_text(errors="replace"))  # no colours
    assert "the database has schema version 99" in log  # the details are in the server's log, for the administrator
