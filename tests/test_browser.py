"""One real-browser test: Playwright drives Debian's Chromium against `streamlit run`.

It signs in, visits every page, uploads a workbook through the Upload page, and saves a
screenshot of each page under test-artifacts/screens/ for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pytest

from metrics.admin import setup, users
from metrics.returns import ingest
from tests.conftest import ROOT
from ui.navigation import PAGE_FILES

CHROMIUM = "/usr/bin/chromium"
SCREENS = ROOT / "test-artifacts" / "screens"
PASSWORD = "correct horse battery"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run dashboard.py` on a real database holding the sample year and one manager."""
    folder = tmp_path_factory.mktemp("browser")
    path = folder / "dashboard.duckdb"
    con = setup.open_database(path)
    returns = sorted((ROOT / "sample_data" / "returns").glob("*.xlsx"))
    ingest.ingest_paths(con, returns[:-1], user="mary.manager")  # the last month is uploaded in the browser
    users.add_user(con, "mary.manager", "manager", PASSWORD, actor="test")
    con.close()
    port = _free_port()
    env = os.environ | {"DASHBOARD_DB": str(path), "DASHBOARD_SAMPLE_DB": str(folder / "sample.duckdb")}
    # The server's output goes to a file, which nothing has to keep reading (a full pipe would block it).
    log = folder / "streamlit.log"
    with log.open("wb") as output:  # the server keeps its own copy of the file
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("streamlit did not start:\n" + log.read_text(errors="replace"))
    yield url, returns[-1], path
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        # Seen once in CI (10 s then): uvicorn waits for open connections before it stops. The server
        # has done its part by now; say so rather than fail the browser test in its clean-up.
        process.kill()
        process.wait()
        tail = log.read_text(errors="replace")[-2000:]
        warnings.warn(f"streamlit did not stop within 30 s of SIGTERM:\n{tail}", stacklevel=2)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        context = browser.new_context(viewport={"width": 1600, "height": 1200})
        yield context.new_page()
        browser.close()


def wait_idle(page, quiet_ms: int = 1500, timeout_ms: int = 60_000) -> None:
    """Wait until the script has stopped running, and nothing is still loading, for `quiet_ms` together.

    Streamlit shows its running indicator only after a short delay, so one look is not enough.
    """
    busy = '[data-testid="stStatusWidget"], [data-testid="stSkeleton"], .stSpinner'
    quiet = 0
    waited = 0
    while quiet < quiet_ms:
        if waited > timeout_ms:
            raise TimeoutError("the page kept running")
        page.wait_for_timeout(250)
        waited += 250
        quiet = quiet + 250 if page.locator(busy).count() == 0 else 0


def open_page(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    wait_idle(page)


def shoot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def test_sign_in_visit_every_page_and_upload(server, page):
    url, last_month, _ = server
    page.goto(url)
    page.get_by_role("textbox", name="Name").fill("mary.manager")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
    wait_idle(page)
    # A new URL would start a new session (signed out): move around with the menu, as a person does.
    for title, path in PAGE_FILES.items():
        open_page(page, title)
        assert page.locator('[data-testid="stException"]').count() == 0, title
        shoot(page, Path(path).stem)

    open_page(page, "Upload returns")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(last_month))
    confirm = page.get_by_role("button", name="Confirm")
    confirm.first.wait_for(timeout=60_000)
    wait_idle(page)
    shoot(page, "upload-preview")
    confirm.first.click()
    wait_idle(page)
    shoot(page, "upload-done")
    # The server holds the database, so check through the app: the latest month is now June 2019.
    open_page(page, "Summary")
    page.get_by_text("Jun 2019 · figures as at 30 June 2019").first.wait_for(timeout=60_000)
    wait_idle(page)
    shoot(page, "summary-after-upload")


@pytest.fixture(autouse=True, scope="module")
def _clean_screens():
    shutil.rmtree(SCREENS, ignore_errors=True)
    yield


def test_the_command_line_works_while_the_dashboard_runs(server, page, tmp_path):
    """The dashboard holds the database only while a rerun uses it: report, pack, backup and ingest on the same
    file all work with the server up and a signed-in browser on it, and the browser goes on working after."""
    url, last_month, path = server
    env = os.environ | {"PYTHONPATH": str(ROOT)}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "metrics", *args, "--db", str(path)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    open_page(page, "Trends")  # a rerun that queries, just before
    done = [cli("report", "--from", "2018-06", "--to", "2019-06", "--json"),
            cli("pack", "--from", "2019-04", "--to", "2019-06", "--out", str(tmp_path / "pack.pdf")),
            cli("backup", str(tmp_path / "backup")),
            cli("ingest", str(last_month), "--user", "mary.manager")]
    assert [d.returncode for d in done] == [0, 0, 0, 0], [d.stderr for d in done]
    assert '"as_at": "2019-06-30"' in done[0].stdout
    assert (tmp_path / "pack.pdf").stat().st_size > 10_000
    assert "replacing upload" in done[3].stdout  # June again, as a correction
    open_page(page, "Summary")  # after the command line's upload the dashboard reads the database again
    page.get_by_text("Jun 2019 · figures as at 30 June 2019").first.wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
