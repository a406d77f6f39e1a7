"""Real-browser checks of issue 17 ("meeting-grade in a real browser"): in demo mode, the sidebar's
pickers take every change, axe-core finds no serious or critical WCAG 2.2 A/AA violation on any page
for any role, and presenting mode fits a 1280×720 projector; on a real database, the keyboard alone
signs in and reaches the menu, the period, presenting mode, an upload and its confirmation, with the
focus visible at every step. Playwright drives Debian's Chromium.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from metrics.admin import access, setup, users
from metrics.returns import ingest
from tests.browser_support import (
    CHROMIUM,
    ROOT,
    axe_violations,
    chromium,
    main_heights,
    open_page,
    pick_radio,
    pick_select,
    selected,
    serious,
    sidebar,
    streamlit_server,
    wait_idle,
)
from ui.present import SECTIONS
from ui.sidebar import ROLE_LABELS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]

SERVICE = "Connect Gwent MSHT Advocate"
PASSWORD = "correct horse battery"
# The sample returns run from Jun 2018 to Jun 2019, and the sample grant starts in Jun 2018.
PERIODS = {
    "Latest month": ("Jun 2019", "May 2019"),
    "Latest quarter": ("Apr 2019 to Jun 2019", "Jan 2019 to Mar 2019"),
    "Grant to date": ("Jun 2018 to Jun 2019", "May 2017 to May 2018"),
    "Financial year": ("Apr 2019 to Jun 2019", "Jan 2019 to Mar 2019"),
}


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:  # one per module: Playwright's sync API allows one at a time
        yield browser


@pytest.fixture(scope="module")
def page(tmp_path_factory, browser):
    """A browser page on a demo-mode `streamlit run`, looking at the Summary at 1280×720."""
    folder = tmp_path_factory.mktemp("a11y")
    setup.build_sample_database(folder / "sample.duckdb")
    with streamlit_server(folder) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url)
        page.get_by_role("heading", name="Summary").first.wait_for(timeout=90_000)
        wait_idle(page)
        yield page


def assert_period(page, choice: str, label: str, previous: str) -> None:
    """The radio shows `choice`, and both the sidebar's caption and the page's name the period."""
    bar = sidebar(page)
    assert bar.get_by_role("radio", name=choice).is_checked(), choice
    assert bar.get_by_text(" · compared with ").inner_text() == f"{label} · compared with {previous}", choice
    assert page.get_by_text(f"{SERVICE} · {label} · figures as at 30 June 2019").count() == 1, choice


def test_five_period_changes_in_a_row_each_take_effect(page):
    open_page(page, "Summary")
    assert_period(page, "Latest month", *PERIODS["Latest month"])
    for choice in ["Latest quarter", "Grant to date", "Financial year", "Latest month", "Grant to date"]:
        pick_radio(page, "Period", choice)
        assert_period(page, choice, *PERIODS[choice])
    pick_radio(page, "Period", "Latest month")  # as the other tests expect to find it


def test_a_custom_range_takes_each_change_and_survives_a_page_switch(page):
    open_page(page, "Summary")
    pick_radio(page, "Period", "Custom range")
    assert_period(page, "Custom range", "Apr 2019 to Jun 2019", "Jan 2019 to Mar 2019")  # from the latest quarter
    pick_select(page, "From", "2018-09")
    assert_period(page, "Custom range", "Sep 2018 to Jun 2019", "Nov 2017 to Aug 2018")
    pick_select(page, "To", "2019-03")
    assert_period(page, "Custom range", "Sep 2018 to Mar 2019", "Feb 2018 to Aug 2018")
    open_page(page, "Advocate KPIs")
    assert (selected(page, "From"), selected(page, "To")) == ("2018-09", "2019-03")
    assert_period(page, "Custom range", "Sep 2018 to Mar 2019", "Feb 2018 to Aug 2018")
    pick_radio(page, "Period", "Latest month")
    assert_period(page, "Latest month", *PERIODS["Latest month"])


def menu(page) -> list[str]:
    return sidebar(page).locator('[data-testid="stSidebarNav"]').get_by_role("link").all_inner_texts()


def test_every_view_as_change_takes_effect_and_survives_a_page_switch(page):
    open_page(page, "Summary")
    for role in ["commissioner", "partnership", "manager", "partnership", "commissioner", "manager"]:
        pick_select(page, "View as", ROLE_LABELS[role])
        assert selected(page, "View as") == ROLE_LABELS[role]
        assert menu(page) == list(access.PAGES[role]), role
    pick_select(page, "View as", ROLE_LABELS["partnership"])
    open_page(page, "Trends")
    assert selected(page, "View as") == ROLE_LABELS["partnership"]
    assert menu(page) == ["Summary", "Trends", "Demand and value"]
    pick_select(page, "View as", ROLE_LABELS["manager"])
    open_page(page, "Summary")
    assert menu(page) == list(access.ALL_PAGES)


def test_no_serious_or_critical_axe_violation_on_any_page_for_any_role(page):
    found = {}
    for role in access.ROLES:
        open_page(page, "Summary")
        pick_select(page, "View as", ROLE_LABELS[role])
        for title in access.PAGES[role]:
            open_page(page, title)
            bad = serious(axe_violations(page))
            if bad:
                found[(role, title)] = sorted((v["rule"], v["impact"], v["nodes"]) for v in bad)
            wide = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                                 " return m.scrollWidth - m.clientWidth; }")
            if wide > 0:  # nothing scrolls sideways at 1,280 px (issue 17 #7: Trends' panels and a chart title)
                found[(role, title)] = found.get((role, title), []) + [("scrolls sideways", "px", wide)]
    pick_select(page, "View as", ROLE_LABELS["manager"])
    assert found == {}  # the partnership's Trends had 2 unnamed chart graphics (svg-img-alt) until #5


def overflow(page) -> int:
    """How far the main area's content runs past the bottom of the screen."""
    content, shown = main_heights(page)
    return content - shown


def computed(page, selector: str, prop: str = "fontSize") -> float:
    """A computed style, in px, of the first element the selector finds in the main area (0 when none)."""
    return page.evaluate("""([selector, prop]) => { const e = document.querySelector('[data-testid="stMain"] '
                            + selector); return e ? parseFloat(getComputedStyle(e)[prop]) : 0; }""", [selector, prop])


# Issue 17 #3: at 1280×720 the banner, title and toggle took 415 px and a section 1,065-1,240 px; the key
# messages were 16 px (Streamlit's paragraph style won over the 32 px asked for) and the grade badge 16 px.
@pytest.mark.parametrize(("width", "height", "message_px"), [(1280, 720, 32), (1920, 1080, 48)])
def test_presenting_mode_fits_each_section_on_the_screen(page, width, height, message_px):
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, "Summary")
    page.get_by_text("Presenting mode", exact=True).click()
    wait_idle(page)
    try:
        # It reopens where it was left: go back to the first section, one rerun at a time.
        page.get_by_text(f" of {len(SECTIONS)} · ").first.wait_for(timeout=60_000)
        where = page.get_by_text(f" of {len(SECTIONS)} · ").first.inner_text()
        for back in range(int(where.split()[1]) - 1, 0, -1):
            page.get_by_role("button", name="Previous").click()
            page.get_by_role("heading", name=SECTIONS[back - 1]).first.wait_for(timeout=60_000)
            wait_idle(page, quiet_ms=750)
        too_tall, too_wide, sizes = {}, {}, {}
        for number, section in enumerate(SECTIONS, start=1):
            page.get_by_role("heading", name=section).first.wait_for(timeout=60_000)
            wait_idle(page, quiet_ms=750)
            if overflow(page) > 0:
                too_tall[section] = overflow(page)
            wide = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                                 " return m.scrollWidth - m.clientWidth; }")
            if wide > 0:
                too_wide[section] = wide
            for name, selector in [("value", ".card-value"), ("grade", ".rag"), ("message", "p.present-message")]:
                if computed(page, selector):
                    sizes.setdefault(name, set()).add(round(computed(page, selector)))
            if number < len(SECTIONS):
                page.get_by_role("button", name="Next").click()
                wait_idle(page)
        assert too_tall == {} and too_wide == {}
        # Type for the room: the base is min(1.6vw, 2.8vh), 20 px at 1280×720 and 30 px at 1920×1080.
        assert sizes["message"] == {message_px}
        assert min(sizes["value"]) >= 2 * message_px and min(sizes["grade"]) >= 0.8 * message_px, sizes
        assert page.locator('section[data-testid="stSidebar"]').is_hidden()
    finally:
        page.get_by_text("Presenting mode", exact=True).click()
        wait_idle(page)
        page.set_viewport_size({"width": 1280, "height": 720})


_FOCUSED = """() => { const e = document.activeElement; if (!e) return ["", ""];
  const label = e.closest("label");
  const text = (node) => { const copy = node.cloneNode(true);  // the words a screen reader reads
    copy.querySelectorAll('[aria-hidden="true"]').forEach(hidden => hidden.remove());
    return copy.textContent.replace(/\\s+/g, " ").trim(); };
  const name = e.getAttribute("aria-label") || (label && text(label)) || text(e);
  const ringed = label || e;  // radios and switches hide their input: the ring goes on the label
  const style = getComputedStyle(ringed);
  return [name, style.outlineStyle + " " + style.outlineWidth + " " + style.outlineColor]; }"""
FOCUS_RING = "solid 3px rgb(255, 221, 0)"


def tab_to(page, name: str, limit: int = 150) -> None:
    """Press Tab until the control named `name` has the focus, and check that its focus shows."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused, ring = page.evaluate(_FOCUSED)
        if focused == name:
            assert ring == FOCUS_RING, (name, ring)
            return
    raise AssertionError(f"Tab never reached {name!r}")


def press_until(page, name: str, happened, tries: int = 3) -> None:
    """Tab to `name` and press Enter until `happened()` (again where a rerun swallowed the key)."""
    for _ in range(tries):
        if page.evaluate(_FOCUSED)[0] != name:
            tab_to(page, name)
        page.keyboard.press("Enter")
        wait_idle(page)
        if happened():
            return
    raise AssertionError(f"Enter on {name!r} never took effect")


def open_file_chooser_by_keyboard(page):
    """Tab to the uploader's button and press Enter; again if a rerun replaced the button under the key.

    A rerun that lands between the focus and the key press swaps the button for a new one, and the
    press goes nowhere (seen under load in CI): a person would press Enter again, so the test does.
    """
    for attempt in range(3):
        if page.evaluate(_FOCUSED)[0] != "Upload":
            tab_to(page, "Upload")
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Enter")
            return chooser.value
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            wait_idle(page)


@pytest.fixture
def real_server(tmp_path):
    """A real database holding all but the last sample month, and the manager's account."""
    path = tmp_path / "dashboard.duckdb"
    returns = sorted((ROOT / "sample_data" / "returns").glob("*.xlsx"))
    con = setup.open_database(path)
    ingest.ingest_paths(con, returns[:-1], user="mary.manager")
    users.add_user(con, "mary.manager", "manager", PASSWORD, actor="test")
    con.close()
    with streamlit_server(tmp_path, real_db=path) as url:
        yield url, returns[-1]


def test_the_keyboard_alone_reaches_menu_period_presenting_mode_upload_and_confirm(real_server, browser):
    url, last_month = real_server
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(url)
        page.get_by_role("button", name="Sign in").wait_for(timeout=90_000)
        wait_idle(page)
        tab_to(page, "Name")
        page.keyboard.type("mary.manager")
        tab_to(page, "Password")
        page.keyboard.type(PASSWORD)
        tab_to(page, "Sign in")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
        wait_idle(page)

        # The menu, then the period: arrows move the radio's choice, and each move takes.
        tab_to(page, "Advocate KPIs")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Advocate KPIs").wait_for(timeout=60_000)
        wait_idle(page)
        tab_to(page, "Latest month")
        for choice in ["Latest quarter", "Grant to date", "Financial year"]:
            page.keyboard.press("ArrowDown")
            wait_idle(page)
            assert sidebar(page).get_by_role("radio", name=choice).is_checked(), choice
        assert sidebar(page).get_by_text(" · compared with ").inner_text() == (
            "Apr 2019 to May 2019 · compared with Feb 2019 to Mar 2019")  # June is not loaded yet

        # Presenting mode: Space turns it on, Enter on Next moves on, Space turns it off.
        tab_to(page, "Summary")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
        wait_idle(page)
        tab_to(page, "Presenting mode")
        page.keyboard.press("Space")
        page.get_by_role("heading", name=SECTIONS[0]).wait_for(timeout=60_000)
        wait_idle(page)
        tab_to(page, "Next")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name=SECTIONS[1]).wait_for(timeout=60_000)
        wait_idle(page)
        tab_to(page, "Presenting mode")
        page.keyboard.press("Space")
        wait_idle(page)

        # The upload and its confirmation.
        tab_to(page, "Upload returns")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Upload returns").wait_for(timeout=60_000)
        wait_idle(page)
        open_file_chooser_by_keyboard(page).set_files(str(last_month))
        page.get_by_role("button", name="Confirm").first.wait_for(timeout=60_000)
        wait_idle(page)
        # June's return holds a voice the identity check lists: Space ticks that it identifies no one (issue 18).
        tab_to(page, "I have checked the voices above: they identify no one")
        page.keyboard.press("Space")
        wait_idle(page)
        press_until(page, "Confirm: load 1 return", lambda: page.get_by_text("Loaded ").first.is_visible())
        tab_to(page, "Summary")
        page.keyboard.press("Enter")
        page.get_by_text("Apr 2019 to Jun 2019 · figures as at 30 June 2019").first.wait_for(timeout=60_000)
    finally:
        page.close()
