"""One real-browser test: Playwright drives Debian's Chromium against `streamlit run`.

It signs in, visits every page, uploads a workbook through the Upload page, and saves a
screenshot of each page under test-artifacts/screens/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from metrics.admin import setup, users
from metrics.returns import ingest
from tests.browser_support import CHROMIUM, chromium, open_page, sign_in, streamlit_server, wait_idle
from tests.conftest import ROOT
from ui.navigation import PAGE_FILES

SCREENS = ROOT / "test-artifacts" / "screens"
PASSWORD = "correct horse battery"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


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
    with streamlit_server(folder, real_db=path) as url:
        yield url, returns[-1], path


@pytest.fixture(scope="module")
def page(server):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1600, "height": 1200})
        yield context.new_page()


def shoot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def test_sign_in_visit_every_page_and_upload(server, page):
    url, last_month, _ = server
    page.goto(url)
    sign_in(page, "mary.manager", PASSWORD)
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
    # June's return holds a voice that the identity check lists ("Job Centre"): nothing loads until the manager
    # ticks that the voices identify no one (issue 18).
    page.get_by_text("Check these voices before you confirm").wait_for(timeout=30_000)
    assert confirm.first.is_disabled()
    shoot(page, "upload-preview")  # looked at: the voice listed with its row, column and what it looks like
    page.get_by_text("I have checked the voices above: they identify no one").click()  # its input is hidden
    # Quiet for longer: a click that lands while the tick's rerun is being replaced by another was seen lost.
    wait_idle(page, quiet_ms=3000)
    confirm = page.get_by_role("button", name="Confirm: load 1 return")
    assert confirm.is_enabled()
    confirm.click()
    page.get_by_text("Loaded 2019-06 from 2019-06.xlsx").wait_for(timeout=60_000)
    wait_idle(page)
    shoot(page, "upload-done")
    # The server holds the database, so check through the app: the latest month is now June 2019, with its voice.
    open_page(page, "Summary")
    page.get_by_text("Jun 2019 · figures as at 30 June 2019").first.wait_for(timeout=60_000)
    voice = page.get_by_text("The Job Centre finally listened when my advocate came with me.")
    voice.wait_for(timeout=30_000)
    wait_idle(page)
    shoot(page, "summary-after-upload")
    voice.scroll_into_view_if_needed()
    shoot(page, "summary-commentary-and-voices")


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
            cli("ingest", str(last_month), "--user", "mary.manager", "--voices-checked")]
    assert [d.returncode for d in done] == [0, 0, 0, 0], [d.stderr for d in done]
    assert '"as_at": "2019-06-30"' in done[0].stdout
    assert (tmp_path / "pack.pdf").stat().st_size > 10_000
    assert "replacing upload" in done[3].stdout  # June again, as a correction
    open_page(page, "Summary")  # after the command line's upload the dashboard reads the database again
    page.get_by_text("Jun 2019 · figures as at 30 June 2019").first.wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_raise_and_close_an_action_in_the_browser(server, page):
    """The action log as a person uses it: raise an action, close it with an update, find it among all actions."""
    url, _, _ = server
    if page.url != url and page.url.startswith("about:"):  # run on its own: sign in first
        page.goto(url)
        sign_in(page, "mary.manager", PASSWORD)
    open_page(page, "Actions")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("No open actions.").wait_for(timeout=60_000)
    main.get_by_role("textbox", name="Action").fill("Ask for the <i>June</i> spend lines")
    main.get_by_role("textbox", name="Owner").fill("Connect Gwent manager")
    main.get_by_role("button", name="Raise the action").click()
    main.get_by_text("Raised action 1.").wait_for(timeout=60_000)
    wait_idle(page)
    assert main.locator("table.figures tbody tr").count() == 1
    assert main.locator("table.figures tbody td").first.inner_text() == "Ask for the <i>June</i> spend lines"
    shoot(page, "actions-raised")

    which = main.get_by_role("combobox", name="Action")
    which.click()
    page.get_by_role("option", name="1. Ask for the <i>June</i> spend lines (open)", exact=True).click()
    main.get_by_role("textbox", name="Update").fill("Finance sent them on 3 July.")
    main.get_by_role("combobox", name="Status").click()
    page.get_by_role("option", name="done", exact=True).click()
    main.get_by_role("button", name="Save the update").click()
    main.get_by_text("Saved the update of action 1: now done.").wait_for(timeout=60_000)
    wait_idle(page)
    main.get_by_text("No open actions.").wait_for(timeout=60_000)
    main.get_by_text("All actions", exact=True).click()
    wait_idle(page)
    cells = main.locator("table.figures tbody td").all_inner_texts()
    assert cells[5:] == ["Done", f"{dt.date.today():%d %b %Y}: Finance sent them on 3 July."], cells
    assert page.locator('[data-testid="stException"]').count() == 0
    shoot(page, "actions-all")
