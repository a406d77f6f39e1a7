"""A partnership user reaches no figure that is not in figures.csv (issue 13).

In Chromium, a partnership account signs in to a real database holding the sample year and visits
Summary, Trends and Demand and value for every period it is offered, every expander open. Every number
the pages' text shows (cards, readings, notes, tables, the charts' mark labels) must be a value of the
publication as the app writes it; only labels (periods, dates), targets, the cost-benefit ratio and
the method's own words carry other numbers, and those are taken out first, by pattern. Every table
(HTML, and those st.dataframe draws on a canvas) is read again from the same pages run in AppTest.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics.admin import setup, users
from metrics.answers.choices import partnership_periods
from metrics.answers.demand import DEMAND_FUNNEL
from metrics.measures import formatting, publication
from metrics.measures.grading import targets
from metrics.measures.registry import MEASURES
from metrics.returns import ingest
from metrics.store.settings import cost_benefit
from tests.browser_support import CHROMIUM, chromium, open_page, pick_select, sign_in, streamlit_server, wait_idle
from tests.conftest import ROOT
from ui.navigation import PAGE_FILES

PASSWORD = "correct horse battery staple"
PAGES = ("Summary", "Trends", "Demand and value")
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# Numbers that are not figures: period labels and dates, and the fixed words of the method and notes.
NOT_FIGURES = [
    rf"\b(?:{MONTHS})[a-z]*(?:-(?:{MONTHS})[a-z]*)? \d{{4}}\b", rf"\b\d{{1,2}} (?:{MONTHS})[a-z]* \d{{4}}\b",
    r"\b\d{4}-\d{2}(?::\d{4}-\d{2})?\b", r"\b\d{4}-\d{2}\b", r"\b(?:19|20)\d{2}\b", r"Q[1-4]",
    r"nearest 5", r"1 to 4", r"<5", r"10 or more", r"under 5", r"fewer than (?:5|10)", r"2 working days",
    r"within 2", r"three-month", r"\b12 months\b", r"figures\.csv", r"for every £1 spent",
    r"about \d+%",  # the national survey's shares, beside the service's
]
# The text a person sees: every visible text node of the main area, but for the charts' axes, legends
# and titles (scales, not figures; the marks' own labels stay).
VISIBLE_TEXT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const out = [];
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest('.role-axis, .role-legend, .role-title, style, script') || !el.checkVisibility()) continue;
    out.push(walker.currentNode.textContent);
  }
  return out.join('\\n');
}"""
NUMBER = re.compile(r"[-+]?£?\d[\d,]*(?:\.\d+)?%?")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("partnership")
    path = folder / "dashboard.duckdb"
    con = setup.open_database(path)
    ingest.ingest_paths(con, sorted((ROOT / "sample_data" / "returns").glob("*.xlsx")), user="mary.manager",
                        voices_checked=True)  # June's voice the identity check lists was read: it names no one
    users.add_user(con, "pat.partner", "partnership", PASSWORD, actor="test")
    allowed = _allowed(con)
    offered = list(partnership_periods(con))
    con.close()
    with streamlit_server(folder, real_db=path) as url:
        yield url, allowed, offered


def _allowed(con) -> set[str]:
    """Every number the app may show the partnership: the publication's values as written, the targets and
    the cost-benefit ratio."""
    written = [_written(name, shown.value) for (_, name, _), shown in publication.publish(con).figures.items()]
    written += [formatting.text(MEASURES[name].format, goal["target"]) for name, goal in targets(con).items()]
    written += [f"{cost_benefit(con)[0]:g}", f"£{cost_benefit(con)[0]:g}"]
    written += [f"{s.share:g}" for s in DEMAND_FUNNEL]  # the national survey's shares, beside the service's
    allowed = {n.lstrip("+-") for text in written for n in NUMBER.findall(text)}
    return allowed | {n.lstrip("£") for n in allowed}


def _written(name: str, value) -> str:
    """A published value as the app writes it (counts with commas, rates as whole percentages, pounds)."""
    return formatting.text(MEASURES[name].format, value) if isinstance(value, int | float) else str(value)


def numbers_on(page) -> list[str]:
    """Every number in the main area's text and in its tables' data, labels and fixed words taken out."""
    main = page.locator('[data-testid="stMain"]')
    closed = main.locator('[data-testid="stExpander"] details:not([open]) > summary')
    for _ in range(20):  # open every expander, as a person would, one at a time
        if not closed.count():
            break
        closed.first.click()
        page.wait_for_timeout(300)
    text = page.evaluate(VISIBLE_TEXT)
    for pattern in NOT_FIGURES:
        text = re.sub(pattern, " ", text)
    return [n.lstrip("+-") for n in NUMBER.findall(text)]


@pytest.fixture(scope="module")
def page(server):
    with chromium() as browser:
        yield browser.new_context(viewport={"width": 1600, "height": 1200}).new_page()


def test_every_number_a_partnership_user_sees_is_a_published_figure(server, page):
    url, allowed, offered = server
    page.goto(url)
    sign_in(page, "pat.partner", PASSWORD)
    outside, seen = {}, 0
    for label in offered:
        pick_select(page, "Period", label)
        for title in PAGES:
            open_page(page, title)
            wait_idle(page)
            assert page.locator('[data-testid="stException"]').count() == 0, (label, title)
            found = numbers_on(page)
            seen += len(found)
            if stray := sorted({n for n in found if n not in allowed}):
                outside[(label, title)] = stray
    assert seen > 200  # the collection sees the pages' figures, so an empty result means something
    assert outside == {}




def test_every_number_in_the_partnership_s_tables_is_a_published_figure(sample_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "none.duckdb"))  # the demo, on a copy of the sample
    monkeypatch.setattr("metrics.store.connection.SAMPLE_DB", sample_db)
    con = setup.open_database(sample_db)
    allowed, offered = _allowed(con), list(partnership_periods(con))
    con.close()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["kept_role"] = "partnership"
    at.run()
    outside, seen = {}, 0
    for label in offered:
        at.selectbox(key="pick_partnership_period").set_value(label).run()
        for title in PAGES:
            at.switch_page(PAGE_FILES[title]).run()
            assert not at.exception, (label, title)
            cells = [str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()]
            cells += [html.unescape(cell) for m in at.markdown if "<table" in m.value  # the HTML tables' cells
                      for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", m.value)]
            found = [n.lstrip("+-") for n in NUMBER.findall(" ".join(re.sub("|".join(NOT_FIGURES), " ", c)
                                                                       for c in cells))]
            seen += len(found)
            if stray := sorted({n for n in found if n not in allowed}):
                outside[(label, title)] = stray
    assert seen > 50
    assert outside == {}

