"""Cymraeg in a real browser: the switch, every page in Welsh (a screenshot of each for a person to look at,
and axe-core's WCAG 2.2 AA check, `lang` included), and the choice remembered on the next visit."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics import i18n
from tests.browser_support import (
    AXE_JS,
    CHROMIUM,
    axe_violations,
    chromium,
    open_page,
    pick_radio,
    serious,
    streamlit_server,
    wait_idle,
)
from tests.conftest import ROOT
from ui.navigation import PAGE_FILES

SCREENS = ROOT / "test-artifacts" / "screens" / "cy"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def welsh(text: str) -> str:
    with i18n.use("cy"):
        return i18n._(text)


def test_every_page_in_welsh_and_the_choice_remembered(tmp_path):
    SCREENS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(tmp_path) as url, chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url)
        page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
        wait_idle(page)
        pick_radio(page, "Language · Iaith", "Cymraeg")
        page.get_by_role("heading", name=welsh("Summary")).wait_for(timeout=60_000)
        wait_idle(page)
        assert page.evaluate("document.documentElement.lang") == "cy"
        # the demo's role picker: the manager sees every page
        box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox").first
        box.click()
        page.get_by_role("option", name=welsh("Connect Gwent manager"), exact=True).click()
        wait_idle(page)
        problems = {}
        for title in PAGE_FILES:
            open_page(page, welsh(title))
            page.screenshot(path=str(SCREENS / f"{Path(PAGE_FILES[title]).stem}.png"), full_page=True)
            if AXE_JS.exists():
                found = serious(axe_violations(page))
                if found:
                    problems[title] = found
        assert not problems, problems
        # the next visit opens in Welsh: the choice is in the browser's cookie
        assert any(c["name"] == "msht_lang" and c["value"] == "cy" for c in context.cookies())
        again = context.new_page()
        again.goto(url)
        again.get_by_role("heading", name=welsh("Summary")).wait_for(timeout=60_000)
