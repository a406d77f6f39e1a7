"""ui.tables and the cards: the tables behind the Spend and Trends pages made once per answer, and a row of
cards drawn as one element (issue 15: both were rebuilt, element by element, on every rerun)."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from metrics.answers.spend import TOTAL
from tests.conftest import ROOT
from ui import components, tables

BY_LINE = pd.DataFrame({
    "budget_line": ["Salary", TOTAL], "budget": [30000.0, 34000.0], "expected": [1000.4, 1208.2],
    "actual": [990.0, 1184.0], "variance": [-10.4, -24.2], "variance_pct": [-0.0104, -0.02003],
    "forecast_outturn": [29990.0, 34073.0], "forecast_against_budget": [-10.0, 73.0]})
PROFILE = pd.DataFrame({
    "budget_line": ["Salary", "Salary", TOTAL], "label": ["May 2019", "Jun 2019", "Jun 2019"],
    "actual": [900.0, 990.0, 1184.0], "expected": [1000.0, 1000.4, 1208.2],
    "cumulative_actual": [900.0, 1890.0, 1184.0], "cumulative_expected": [1000.0, 2000.4, 1208.2],
    "cumulative_variance": [-100.0, -110.4, -24.2]})


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def cells(table: str) -> list[list[str]]:
    """The table's rows as the text of their cells (entities read), the headings first."""
    parser = _Cells()
    parser.feed(table)
    return parser.rows


def test_the_budget_lines_table_is_each_line_and_the_total_as_people_read_them():
    html = tables.spend_by_line(BY_LINE, "Jun 2019")
    assert "<caption>Spend against budget by budget line, Jun 2019</caption>" in html
    assert cells(html) == [
        ["Budget line", "Budget", "Expected", "Actual", "Variance", "Variance (% of expected)", "Forecast outturn",
         "Forecast − budget"],
        ["Salary", "£30,000", "£1,000", "£990.00", "−£10", "-1%", "£29,990", "−£10"],
        ["Total", "£34,000", "£1,208", "£1,184", "−£24", "-2%", "£34,073", "+£73"]]


def test_a_budget_lines_profile_is_its_own_months_only():
    html = tables.spend_profile(PROFILE, "Salary")
    assert "<caption>Salary: spend by month against the expected profile</caption>" in html
    assert cells(html) == [
        ["Month", "Actual in the month", "Expected in the month", "Actual to date", "Expected to date",
         "Variance to date"],
        ["May 2019", "£900.00", "£1,000", "£900.00", "£1,000", "−£100"],
        ["Jun 2019", "£990.00", "£1,000", "£1,890", "£2,000", "−£110"]]  # not the total's June
    assert cells(tables.spend_profile(PROFILE, TOTAL))[1:] == [
        ["Jun 2019", "£1,184", "£1,208", "£1,184", "£1,208", "−£24"]]


@pytest.fixture
def fresh_cache():
    """An empty answer cache: it is the process's, so another test in this worker may have made the tables."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_a_warm_rerun_of_spend_and_trends_writes_out_no_table(demo_env, fresh_cache, monkeypatch):
    written = []
    table_html = components.table_html
    monkeypatch.setattr(components, "table_html", lambda *a, **k: written.append(a[1]) or table_html(*a, **k))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    for page in ("pages/spend.py", "pages/trends.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception
    first = list(written)
    # Spend: a profile for each tab (the total, Salary, On-costs), then the budget lines; Trends: the
    # referrals by source, the rolling months, the myths, caseload, outcomes and activity.
    profiles = [f"{line}: spend by month against the expected profile" for line in ("Total", "Salary", "On-costs")]
    assert first == [*profiles, "Spend against budget by budget line, Jun 2019",
                     "Referrals received by referral source", "Referrals received: monthly and rolling", "", "", "", ""]
    for page in ("pages/spend.py", "pages/trends.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception
    assert written == first  # nothing made again
    # and the tables drawn from the cache are the page's: Trends, the last page drawn
    assert sum("<caption>Referrals received by referral source</caption>" in m.value for m in at.markdown) == 1
    assert not any("expected profile</caption>" in m.value for m in at.markdown)


def test_a_row_of_cards_is_one_element_holding_its_cards_in_order(demo_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()  # Summary, as the demo's manager
    assert not at.exception
    rows = [m.value for m in at.markdown if 'class="card-row"' in m.value]
    labels = [[html.unescape(part.split("</div>")[0]) for part in row.split('<div class="card-label">')[1:]]
              for row in rows]
    assert labels == [
        ["Referrals received", "Victims supported", "Timely first contact", "Median days to first contact"],
        ["Caseload at the period's end", "Cases closed", "Planned closures", "Outcome: feels safer"],
        ["Victim's voice captured", "Supported outside the NRM", "NRM referrals", "MS1 notifications (duty to notify)"],
        ["Actual spend", "Expected spend", "Spend on profile"],
        ["Forecast outturn", "Cost per victim supported", "Estimated public-money saving"]]
    assert [row.count('class="figure-card"') for row in rows] == [4, 4, 4, 3, 3]
    assert ['style="--cards:4"' in row for row in rows] == [True, True, True, False, False]
    # no card anywhere else, as a column of its own
    assert sum(m.value.count('class="figure-card"') for m in at.markdown) == 18


def test_a_warm_rerun_of_data_quality_and_upload_returns_writes_out_no_table(demo_env, fresh_cache, monkeypatch):
    written = []
    as_text = components.as_text
    monkeypatch.setattr(components, "as_text", lambda frame, *a, **k: written.append(list(frame.columns)[:2])
                        or as_text(frame, *a, **k))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    for page in ("pages/data_quality.py", "pages/upload.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception
    # the months, the blanks and the upload log (once: the Upload returns page draws the same log)
    assert written == [["reporting_month", "status"], ["reporting_month", "cases"], ["upload_id", "uploaded_at"]]
    for page in ("pages/data_quality.py", "pages/upload.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception
    assert len(written) == 3
    log = next(d.value for d in at.dataframe if "file_name" in d.value.columns)
    assert (len(log), log["upload_id"].iloc[0], log["reporting_month"].iloc[0]) == (13, "13", "2019-06")
