"""The sidebar's pickers under AppTest (demo mode): every change takes, and survives a page switch.

Issue 17 saw every second change ignored in Chromium; AppTest, which sets a widget's value by the
ID it had in the last run, loses the same changes (tests/test_browser_a11y.py clicks them for real).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.navigation import PAGE_FILES

SERVICE = "Connect Gwent MSHT Advocate"


def demo_app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.run()
    assert not at.exception
    return at


def widget(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def shown_period(at) -> tuple[str, str, str]:
    """(the radio's choice, the sidebar's caption, the page's caption)."""
    sidebar_caption = next(c.value for c in at.sidebar.caption if " · compared with " in c.value)
    page_caption = next(c.value for c in at.main.caption if c.value.startswith(SERVICE))
    return widget(at.sidebar.radio, "Period").value, sidebar_caption, page_caption


def expected(choice: str, label: str, previous: str) -> tuple[str, str, str]:
    return choice, f"{label} · compared with {previous}", f"{SERVICE} · {label} · figures as at 30 June 2019"


def test_five_period_changes_in_a_row_each_take_effect(demo_env):
    at = demo_app()
    assert shown_period(at) == expected("Latest month", "Jun 2019", "May 2019")
    for choice, label, previous in [
        ("Latest quarter", "Apr 2019 to Jun 2019", "Jan 2019 to Mar 2019"),
        ("Grant to date", "Jun 2018 to Jun 2019", "May 2017 to May 2018"),
        ("Financial year", "Apr 2019 to Jun 2019", "Jan 2019 to Mar 2019"),
        ("Latest month", "Jun 2019", "May 2019"),
        ("Grant to date", "Jun 2018 to Jun 2019", "May 2017 to May 2018"),
    ]:
        widget(at.sidebar.radio, "Period").set_value(choice).run()
        assert shown_period(at) == expected(choice, label, previous)


def test_a_custom_range_takes_each_change_and_survives_a_page_switch(demo_env):
    at = demo_app()
    widget(at.sidebar.radio, "Period").set_value("Custom range").run()
    assert shown_period(at) == expected("Custom range", "Apr 2019 to Jun 2019", "Jan 2019 to Mar 2019")
    widget(at.sidebar.selectbox, "From").set_value("2018-09").run()
    assert shown_period(at) == expected("Custom range", "Sep 2018 to Jun 2019", "Nov 2017 to Aug 2018")
    widget(at.sidebar.selectbox, "To").set_value("2019-03").run()
    assert shown_period(at) == expected("Custom range", "Sep 2018 to Mar 2019", "Feb 2018 to Aug 2018")
    at.switch_page(PAGE_FILES["Advocate KPIs"]).run()
    assert [t.value for t in at.title] == ["Advocate KPIs"]
    assert (widget(at.sidebar.selectbox, "From").value, widget(at.sidebar.selectbox, "To").value) == (
        "2018-09", "2019-03")
    assert shown_period(at) == expected("Custom range", "Sep 2018 to Mar 2019", "Feb 2018 to Aug 2018")


def test_every_view_as_change_takes_effect_and_survives_a_page_switch(demo_env):
    at = demo_app()
    for role in ["commissioner", "partnership", "manager", "partnership", "commissioner"]:
        widget(at.sidebar.selectbox, "View as").set_value(role).run()
        assert (widget(at.sidebar.selectbox, "View as").value, at.session_state["kept_role"]) == (role, role)
    at.switch_page(PAGE_FILES["Trends"]).run()
    assert [t.value for t in at.title] == ["Trends"]
    assert widget(at.sidebar.selectbox, "View as").value == "commissioner"
