"""Issue 14 in a real browser: what the penetration test did, done again through `streamlit run` in Chromium.

Finding 1: the lying workbook uploaded through the Upload page (by an anonymous demo visitor and by a
signed-in manager) leaves the server answering, and its rejection is audited.
"""

from __future__ import annotations

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
        assert LYING_SHOWN in _grid_text(page)
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


def _grid_text(page) -> str:
    """The text of Streamlit's data grids (drawn on a canvas; its cells are in an accessible table)."""
    return " ".join(page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts())
