"""Issue 14 in a real browser: what the penetration test did, done again through `streamlit run` in Chromium.

Finding 1: the lying workbook uploaded through the Upload page (by an anonymous demo visitor and by a
signed-in manager) leaves the server answering, and its rejection is audited.
Finding 3: with no database, a visitor of the demo cannot load a return nor become a user.
Finding 7: an image URL in the service name, the cost-benefit source or a file name is never an <img>.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
import urllib.request
from pathlib import Path

import hostile
import pytest

from metrics.admin import setup, users
from metrics.returns import ingest
from metrics.store import logs
from tests.browser_support import CHROMIUM, chromium, open_page, sign_in, streamlit_server, wait_idle
from tests.conftest import ROOT

PASSWORD = "violet tractor harbour"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LYING_SHOWN = "has been altered: its part xl/worksheets/sheet2.xml holds more than the file declares"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def real_database(folder: Path) -> Path:
    """A real database holding one sample month and one manager, mary.manager."""
    path = folder / "dashboard.duckdb"
    con = setup.open_database(path)
    ingest.ingest_paths(con, [ROOT / "sample_data" / "returns" / "2019-03.xlsx"], user="mary.manager")
    users.add_user(con, "mary.manager", "manager", PASSWORD, actor="test")
    con.close()
    return path


def upload(page, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": content}])
    wait_idle(page)


def healthy(url: str) -> bool:
    with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as answer:
        return answer.status == 200 and answer.read() == b"ok"


def newest_audit(path: Path, count: int) -> list[list[str]]:
    with setup.open_database(path) as con:
        return logs.audit_entries(con, count)[["actor", "action", "detail"]].values.tolist()


def test_the_lying_workbook_from_a_signed_in_manager_is_refused_and_audited(tmp_path, browser):
    path = real_database(tmp_path)
    with streamlit_server(tmp_path, real_db=path) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        sign_in(page, "mary.manager", PASSWORD)
        open_page(page, "Upload returns")
        upload(page, "lying.xlsx", hostile.lying_workbook())
        page.get_by_text("Nothing has been loaded.").wait_for(timeout=60_000)
        assert LYING_SHOWN in _grid_text(page, LYING_SHOWN)
        assert healthy(url)
        open_page(page, "Summary")  # the same session goes on: a rerun of another page
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
    assert newest_audit(path, 1) == [["mary.manager", "upload rejected", "lying.xlsx: 1 problem(s)"]]


def test_the_lying_workbook_from_an_anonymous_demo_visitor_leaves_the_server_answering(tmp_path, browser):
    with streamlit_server(tmp_path) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
        open_page(page, "Upload returns")
        upload(page, "lying.xlsx", hostile.lying_workbook())
        page.get_by_text("Nothing has been loaded.").wait_for(timeout=60_000)
        assert healthy(url)
        open_page(page, "Trends")
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
    # In demo mode the rejection goes to the demo's own audit log.
    assert newest_audit(tmp_path / "sample.duckdb", 1) == [["demo manager", "upload rejected",
                                                            "lying.xlsx: 1 problem(s)"]]


def _grid_text(page, wanted: str = "", seconds: float = 30) -> str:
    """The text of the page's tables: HTML tables, and Streamlit's data grids (drawn on a canvas; its cells
    are in an accessible table).

    A grid fills its table only once drawn, so each grid is scrolled into view, until `wanted` shows."""
    deadline = time.monotonic() + seconds
    while True:
        grids = page.locator('[data-testid="stDataFrame"]')
        for index in range(grids.count()):
            grids.nth(index).scroll_into_view_if_needed()
        text = " ".join(page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts())
        text += " " + " ".join(page.locator('[data-testid="stMain"] table').all_inner_texts())  # HTML tables
        if wanted in text or time.monotonic() > deadline:
            return text
        page.wait_for_timeout(500)


def test_with_no_database_a_demo_visitor_cannot_load_a_return_or_become_a_user(tmp_path, browser):
    real = tmp_path / "no-real-database.duckdb"  # what streamlit_server points DASHBOARD_DB at in the demo
    with streamlit_server(tmp_path) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
        open_page(page, "Upload returns")
        upload(page, "2019-03.xlsx", hostile.workbook())
        page.get_by_text("Every check passed").wait_for(timeout=60_000)
        page.get_by_text("The demo loads nothing").wait_for(timeout=10_000)
        assert page.get_by_role("button", name="Confirm").count() == 0
        assert page.get_by_role("textbox").count() == 0  # no name or password to fill in
        assert "python -m metrics init --manager NAME" in page.inner_text("body")
        assert str(tmp_path) not in page.content()
        assert page.get_by_text("Signed in as").count() == 0
        page.close()
    assert not real.exists()


class _Pixels(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        _Pixels.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def pixel_server():
    """A server that counts the requests for its images: a rendered <img> would be one."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pixels)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_image_urls_in_the_data_are_shown_as_text_and_never_fetched(tmp_path, browser):
    with pixel_server() as pixels:
        service, source = f"![service]({pixels}/service.png)", f"![source]({pixels}/source.png)"
        path = tmp_path / "dashboard.duckdb"
        data = hostile.base_return()
        data["about"]["service"] = service
        con = setup.open_database(path)
        ingest.ingest_bytes(con, hostile.workbook(data), "march.xlsx", user="mary.manager")
        from metrics.admin import reference

        reference.set_cost_benefit(con, 3.35, source, "mary.manager")
        users.add_user(con, "mary.manager", "manager", PASSWORD, actor="test")
        con.close()
        with streamlit_server(tmp_path, real_db=path) as url:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            sign_in(page, "mary.manager", PASSWORD)
            seen = {}
            for title in ("Summary", "Spend vs budget", "Demand and value", "Data quality"):
                open_page(page, title)
                seen[title] = page.content()
            open_page(page, "Upload returns")
            upload(page, f"![file]({pixels}/file.png).xlsx", hostile.workbook(data))
            page.get_by_text("Every check passed").wait_for(timeout=60_000)
            seen["Upload returns"] = page.content()
            page.close()
        for title, content in seen.items():
            assert not [img for img in content.split("<img")[1:] if pixels in img.split(">")[0]], title
        assert any("![service]" in content for content in seen.values())  # shown, as text
        assert _Pixels.requests == []
