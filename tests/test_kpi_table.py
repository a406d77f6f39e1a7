"""The Advocate KPIs table's sparklines (issue 17 #7): drawn from zero, broken at a gap, named by their values."""

from ui import kpi_table


def test_a_sparkline_is_drawn_from_zero_so_a_small_change_looks_small():
    # 34,021 then 34,290 in a 30 px box with 2 px padding: y = 28 - 26 × value / 34,290 (the largest).
    (segment,) = kpi_table.sparkline_points([34021, 34290], is_rate=False)
    assert segment == [(2.0, 2.2), (98.0, 2.0)]  # min-to-max scaling drew these 26 px apart


def test_a_month_without_a_figure_breaks_the_line_and_rates_run_to_100_percent():
    segments = kpi_table.sparkline_points([1.0, None, 0.5, 1.0], is_rate=True)
    assert segments == [[(2.0, 2.0)], [(66.0, 15.0), (98.0, 2.0)]]


def test_a_sparkline_says_its_values_and_never_shows_raw_text():
    svg = kpi_table.sparkline("timely_contact_rate", [1.0, None, 0.5], ["2019-04", "2019-05", "2019-06"])
    assert 'role="img"' in svg
    assert 'aria-label="Last 12 months: Apr 2019 100%, May 2019 no figure, Jun 2019 50%"' in svg
    assert ",1,0.5" not in svg
