"""What the real-browser tests and the accessibility audit share: a `streamlit run` server, Debian's
Chromium through Playwright, waiting for Streamlit to settle, moving around as a person does, and
axe-core injected into the page.

    with streamlit_server(folder) as url:                # demo mode; streamlit_server(folder, real_db) signs in
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(url); wait_idle(page)
            violations = axe_violations(page)            # [{"rule", "impact", "nodes", "target", "html", ...}]
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Installed by `npm ci` in tests/a11y (the lock file pins the version).
AXE_JS = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA is everything tagged A or AA in 2.0, 2.1 and 2.2 (axe tags each rule with the version
# that added it; 2.2 added no A rule).
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MAX_AXE_HEIGHT = 12_000  # px: a taller window than any page here, and short of what Chromium refuses
BUSY = '[data-testid="stStatusWidget"], [data-testid="stSkeleton"], .stSpinner'


class ServerFailed(RuntimeError):
    """streamlit did not answer its health check."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(folder: Path, real_db: Path | None = None, start_timeout: float = 60,
                     env: dict | None = None) -> Iterator[str]:
    """`streamlit run dashboard.py` on `real_db` (everyone signs in), or in demo mode when None, with `env` added
    to its environment; yields the URL."""
    folder.mkdir(parents=True, exist_ok=True)
    # Demo mode is "the real database's file does not exist": point it at a name that is never created.
    database = real_db if real_db is not None else folder / "no-real-database.duckdb"
    env = os.environ | (env or {}) | {"DASHBOARD_DB": str(database),
                                      "DASHBOARD_SAMPLE_DB": str(folder / "sample.duckdb")}
    port = free_port()
    # The server's output goes to a file, which nothing has to keep reading (a full pipe would block it).
    log = folder / f"streamlit-{port}.log"
    with log.open("wb") as output:  # the server keeps its own copy of the file
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise ServerFailed("streamlit did not start:\n" + log.read_text(errors="replace")) from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # Seen once in CI (10 s then): uvicorn waits for open connections before it stops. The server
            # has done its part by now; say so rather than fail a browser test in its clean-up.
            process.kill()
            process.wait()
            tail = log.read_text(errors="replace")[-2000:]
            warnings.warn(f"streamlit did not stop within 30 s of SIGTERM:\n{tail}", stacklevel=2)


@contextlib.contextmanager
def chromium():
    """Debian's Chromium under Playwright (Playwright's own browser download does not work here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_idle(page, quiet_ms: int = 1500, timeout_ms: int = 60_000) -> None:
    """Wait until the script has stopped running, and nothing is still loading, for `quiet_ms` together.

    Streamlit shows its running indicator only after a short delay, so one look is not enough.
    """
    quiet = 0
    waited = 0
    while quiet < quiet_ms:
        if waited > timeout_ms:
            raise TimeoutError("the page kept running")
        page.wait_for_timeout(250)
        waited += 250
        quiet = quiet + 250 if page.locator(BUSY).count() == 0 else 0


def open_page(page, title: str) -> None:
    """Click the page's link in the sidebar menu (a new URL would start a new, signed-out session)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    wait_idle(page)


def sign_in(page, name: str, password: str) -> None:
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
    wait_idle(page)


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def pick_radio(page, group: str, option: str) -> None:
    """Click an option of the sidebar radio labelled `group`, as a mouse does."""
    radio = sidebar(page).get_by_role("radiogroup", name=group)
    radio.get_by_text(option, exact=True).click()
    wait_idle(page)


def pick_select(page, label: str, option: str) -> None:
    """Open the sidebar selectbox labelled `label`, type to narrow its list, and click `option`."""
    box = sidebar(page).get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def selected(page, label: str) -> str:
    """The option a sidebar selectbox shows as chosen."""
    return sidebar(page).get_by_role("combobox", name=label).input_value()


_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    target: v.nodes[0].target.join(" "), html: v.nodes[0].html.slice(0, 240),
    // For colour contrast: each distinct foreground / background / ratio among the nodes.
    colours: [...new Set(v.nodes.flatMap(n => n.any.concat(n.all, n.none))
      .filter(c => c.data && c.data.contrastRatio)
      .map(c => `${c.data.fgColor} on ${c.data.bgColor} ${c.data.contrastRatio}:1`))],
  }));
}"""


def axe_violations(page, tags: list[str] = WCAG_AA_TAGS, whole_page: bool = True) -> list[dict]:
    """axe-core's WCAG A/AA violations on the page as it is now: rule, impact, node count, a sample.

    axe judges colour contrast only for what is on the screen (the rest it leaves "incomplete"), and
    Streamlit scrolls its main area rather than the document; so by default the window is made as tall
    as the page for the check, then put back.
    """
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `npm ci` in tests/a11y")
    # Streamlit never reloads the document between reruns or page switches, so once is enough.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    screen = page.viewport_size
    if whole_page:
        content, shown = main_heights(page)
        page.set_viewport_size({"width": screen["width"],
                                "height": min(screen["height"] + max(content - shown, 0), MAX_AXE_HEIGHT)})
        wait_idle(page, quiet_ms=500)
    try:
        return page.evaluate(_AXE_RUN, tags)
    finally:
        page.set_viewport_size(screen)


def main_heights(page) -> tuple[int, int]:
    """(content height, visible height) of Streamlit's main area, which scrolls instead of the document."""
    return tuple(page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
                                          return m ? [m.scrollHeight, m.clientHeight] : [0, 0]; }"""))


def serious(violations: list[dict]) -> list[dict]:
    """The violations a WCAG AA claim cannot stand with."""
    return [v for v in violations if v["impact"] in ("serious", "critical")]
