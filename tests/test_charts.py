"""metrics.charts: every builder gives a titled, described Altair chart with labelled axes, tooltips, dark
text and a palette of at least 3:1 on white, tells lines apart without colour, and never plots a value
that disclosure control hid. Frames are built by hand in the shapes metrics.answers returns."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from metrics import charts


def contrast(colour: str, background: str = "#ffffff") -> float:
    """WCAG's contrast ratio of two sRGB colours."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def spec(chart) -> dict:
    return chart.to_dict()


def data_rows(chart) -> list[dict]:
    """Every row of every dataset the chart carries."""
    return [row for rows in spec(chart).get("datasets", {}).values() for row in rows]


def encodings(node) -> list[dict]:
    """Every `encoding` block in a spec, however deeply layered or faceted."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("encoding"), dict):
            found.append(node["encoding"])
        for value in node.values():
            found += encodings(value)
    elif isinstance(node, list):
        for value in node:
            found += encodings(value)
    return found


def title(chart) -> tuple[str, list[str]]:
    t = spec(chart)["title"]
    return t["text"], t.get("subtitle", [])


BREAKDOWN = pd.DataFrame({
    "key": ["2019-01", "2019-01", "2019-02", "2019-02"],
    "label": ["Jan 2019", "Jan 2019", "Feb 2019", "Feb 2019"],
    "category": ["Female", "Male", "Female", "Male"],
    "referrals": pd.array([7, None, 0, None], dtype="Int64"),
    "shown": ["7", "<5", "0", "not shown"],
    "suppressed": [False, True, False, True],
})


def series(unit: str, rows: list[tuple]) -> pd.DataFrame:
    """A measure_series frame: rows of (key, label, measure_label, value, shown, basis, status)."""
    frame = pd.DataFrame(rows, columns=["key", "label", "measure_label", "value", "shown", "basis", "status"])
    return frame.assign(measure=frame["measure_label"].str.lower(), unit=unit).astype({"value": "float64"})


MYTHS = series("rate", [
    ("2019-01", "Jan 2019", "UK nationals", 0.5, "50%", "6 of 12", "shown"),
    ("2019-01", "Jan 2019", "Trafficking", None, "not shown", "", "suppressed"),
    ("2019-02", "Feb 2019", "UK nationals", None, "n/a", "0 of 0", "undefined"),
    ("2019-02", "Feb 2019", "Trafficking", 0.25, "25%", "<5 of 12", "shown"),
])
CASELOAD = series("count", [
    ("2019-01", "Jan 2019", "Caseload", 12, "12", "", "shown"),
    ("2019-01", "Jan 2019", "Closures", None, "<5", "", "suppressed"),
    ("2019-02", "Feb 2019", "Caseload", 14, "14", "", "shown"),
    ("2019-02", "Feb 2019", "Closures", 6, "6", "", "shown"),
])
ROLLING = pd.DataFrame({
    "month": ["2019-01", "2019-02", "2019-03"], "label": ["Jan 2019", "Feb 2019", "Mar 2019"],
    "referrals": pd.array([6, None, 9], dtype="Int64"), "referrals_shown": ["6", "<5", "9"],
    "rolling_3m": pd.array([None, None, None], dtype="Int64"), "rolling_shown": ["n/a", "n/a", "not shown"],
})
PROFILE = pd.DataFrame({
    "month": ["2019-01", "2019-02"] * 2, "label": ["Jan 2019", "Feb 2019"] * 2,
    "budget_line": ["Salary", "Salary", "Total", "Total"],
    "actual": [300.0, 300.0, 370.0, 350.0], "expected": [310.0, 280.0, 372.0, 336.0],
    "cumulative_actual": [300.0, 600.0, 370.0, 720.0], "cumulative_expected": [310.0, 590.0, 372.0, 708.0],
    "cumulative_variance": [-10.0, 10.0, -2.0, 12.0],
})
GROWTH = pd.DataFrame({
    "area": ["Tiny (this service)", "Gwent Police", "UK"], "kind": ["service", "reference", "national"],
    "growth": [0.5, None, -0.1], "available": [True, False, True],
    "base_shown": ["8", "n/a", "1,500"], "compare_shown": ["12", "n/a", "1,350"],
    "growth_shown": ["+50%", "n/a", "-10%"],
})
MIX = pd.DataFrame({
    "support_level": ["Short-term", "Specialist", "Declined support"],
    "people": pd.array([10, 6, None], dtype="Int64"), "shown": ["10", "6", "<5"], "suppressed": [False, False, True],
    "share": [0.5, 0.3, None], "share_shown": ["50%", "30%", "not shown"], "supported": [True, True, False],
})
DEMAND = pd.DataFrame({
    "label": ["Short-term support", "Specialist support"], "service_share": [0.625, 0.375],
    "service_shown": ["62%", "38%"], "basis": ["10 of 16", "6 of 16"], "seed_share": [0.6, 0.4],
    "seed_of": ["victims who want support"] * 2,
})


def test_every_colour_of_the_palette_stands_out_from_white():
    # issue 17 #4: yellow 1.32, orange 2.25, sky blue 2.31 and grey 2.85 to 1 were too faint for a bar or a line
    assert {c: round(contrast(c), 2) for c in charts.PALETTE} == {
        "#0072B2": 5.19, "#D55E00": 3.87, "#007A5A": 5.34, "#B5508A": 4.69, "#8A7F00": 4.1, "#000000": 21.0,
        "#B86E00": 3.99, "#882255": 8.73, "#5F5F5F": 6.39}
    assert len(set(charts.PALETTE)) == 9


def test_chart_text_is_dark_enough_to_read():
    # issue 17 #4: Vega's default grey for axis and legend text is 3.72:1; the app's text and captions are used
    config = spec(charts.measure_lines(MYTHS, "Myths"))["config"]
    assert config["axis"]["labelColor"] == config["axis"]["titleColor"] == "#0b0c0c"
    assert config["legend"]["labelColor"] == config["legend"]["titleColor"] == "#0b0c0c"
    assert (config["title"]["color"], config["title"]["subtitleColor"]) == ("#0b0c0c", "#505a5f")
    assert contrast("#505a5f") >= 4.5 and contrast("#0b0c0c") >= 4.5
    assert spec(charts.activity(CASELOAD))["config"]["header"]["labelColor"] == "#0b0c0c"


def test_referrals_breakdown():
    chart = charts.referrals_breakdown(BREAKDOWN, "Gender")
    assert isinstance(chart, alt.Chart)
    # issue 17 #7: the bars say how far short of the true totals they fall
    assert title(chart) == ("Referrals received by gender", [
        "The bars add up to 7 referrals: 2 cells left out (fewer than 5 people, or hidden so that a small number "
        "cannot be worked out)"])
    assert spec(chart)["mark"] == {"type": "bar", "stroke": "white", "strokeWidth": 1.5}  # segments apart
    assert spec(chart)["description"] == (
        "Stacked bar chart of referrals received by gender, by month, Jan 2019 to Feb 2019. The bars add up to 7 "
        "referrals; the largest group is Female (7). Every figure is in the table with the chart.")
    enc = spec(chart)["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"], enc["x"]["title"]) == ("label", "ordinal", "Month")
    assert enc["x"]["scale"]["domain"] == ["Jan 2019", "Feb 2019"]  # every month stays on the axis
    assert (enc["y"]["field"], enc["y"]["aggregate"], enc["y"]["title"]) == (
        "referrals", "sum", "Referrals received (people)")
    assert enc["color"]["scale"] == {"domain": ["Female", "Male"], "range": ["#0072B2", "#D55E00"]}
    assert [t["field"] for t in enc["tooltip"]] == ["label", "category", "shown"]
    # only the 7 is plotted: the suppressed cells never reach the chart, nor does the zero bar
    assert [(r["category"], r["referrals"]) for r in data_rows(chart)] == [("Female", 7.0)]


def test_referrals_breakdown_by_quarter_names_its_axis():
    chart = charts.referrals_breakdown(BREAKDOWN.assign(suppressed=False, referrals=1), "Gender", "Quarter")
    assert spec(chart)["encoding"]["x"]["title"] == "Quarter"
    assert title(chart)[1] == []


def test_rolling_referrals_leaves_out_hidden_months():
    chart = charts.rolling_referrals(ROLLING)
    assert isinstance(chart, alt.LayerChart)
    text, notes = title(chart)
    assert text == "Referrals received: monthly and rolling"
    assert notes[1] == "2 values not shown: fewer than 5 people, or hidden so that a small number cannot be worked out"
    assert sorted((r["label"], r["series"], r["count"]) for r in data_rows(chart)) == [
        ("Jan 2019", "In the month", 6.0), ("Mar 2019", "In the month", 9.0)]
    y_titles = {e["y"]["title"] for e in encodings(spec(chart)) if "y" in e}
    assert y_titles == {"Referrals received (people)"}


def test_measure_lines_for_rates():
    chart = charts.measure_lines(MYTHS, "Myths", reference=(0.5, "half"))
    text, notes = title(chart)
    assert text == "Myths"
    assert notes == ["1 value not shown: fewer than 10 people behind the percentage",
                     "1 value with nothing to measure (no cases behind it)"]
    lines, points = spec(chart)["layer"][:2]
    line = lines["encoding"]
    assert line["y"]["axis"]["format"] == "%" and line["y"]["scale"]["domain"] == [0, 1]
    assert line["y"]["title"] == "Share (%)"
    # issue 17 #4: the two lines differ by dash and by point shape, not by colour alone
    assert line["strokeDash"]["scale"] == {"domain": ["UK nationals", "Trafficking"], "range": [[1, 0], [8, 4]]}
    assert points["encoding"]["shape"]["scale"] == {"domain": ["UK nationals", "Trafficking"],
                                                    "range": ["circle", "square"]}
    assert lines["mark"]["aria"] is False  # the points, one per value, carry the names and the tooltips
    assert [t["field"] for t in points["encoding"]["tooltip"]] == ["label", "measure_label", "shown", "basis"]
    assert spec(chart)["description"] == (
        "Line chart of uk nationals, trafficking by month, Jan 2019 to Feb 2019. In Feb 2019: Trafficking 25%. "
        "Every figure is in the table with the chart.")
    plotted = {(r["label"], r["measure_label"]): r["value"] for r in data_rows(chart) if "measure_label" in r}
    # gaps stay as empty values so that the line breaks; the hidden value is not there
    assert plotted == {("Jan 2019", "UK nationals"): 0.5, ("Jan 2019", "Trafficking"): None,
                       ("Feb 2019", "UK nationals"): None, ("Feb 2019", "Trafficking"): 0.25}
    assert {"value": 0.5, "text": "half"} in data_rows(chart)


def test_measure_lines_for_counts_never_plot_a_suppressed_count():
    chart = charts.measure_lines(CASELOAD, "Caseload and closures")
    assert title(chart)[1] == [
        "1 value not shown: fewer than 5 people, or hidden so that a small number cannot be worked out"]
    assert spec(chart)["layer"][0]["encoding"]["y"]["title"] == "Number of cases (people)"
    hidden = [r for r in data_rows(chart) if r["status"] == "suppressed"]
    assert [(r["shown"], r["value"]) for r in hidden] == [("<5", None)]


def test_panels_share_a_percentage_axis_for_rates_and_free_axes_for_counts():
    rates = spec(charts.panels(MYTHS, "Outcomes"))
    # three panels of 190 px fit the main column at 1280 px wide (issue 17 #7: four were 1,174-1,238 px)
    assert rates["facet"]["field"] == "measure_label" and rates["columns"] == 3
    assert (rates["spec"]["width"], rates["spec"]["height"]) == (190, 130)
    assert rates["spec"]["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert "resolve" not in rates
    counts = spec(charts.activity(CASELOAD))
    assert counts["resolve"] == {"scale": {"y": "independent"}}
    assert counts["title"]["text"] == "Activity by month (counts from the monthly returns)"
    assert counts["spec"]["mark"]["type"] == "bar"


def test_cumulative_spend_and_variance():
    chart = charts.cumulative_spend(PROFILE, "Salary", budget=3650.0)
    assert title(chart) == ("Spend to date against the expected profile: Salary",
                            ["Dotted line: the budget of £3,650"])
    lines, points = spec(chart)["layer"][:2]
    assert lines["encoding"]["y"]["title"] == "Spend to date (£)"
    assert lines["encoding"]["y"]["axis"]["labelExpr"] == charts.GBP_LABEL
    assert lines["encoding"]["color"]["scale"]["domain"] == ["Actual (cumulative)", "Expected profile (cumulative)"]
    # where the lines overlap, dash and point shape still tell them apart
    assert lines["encoding"]["strokeDash"]["scale"]["range"] == [[1, 0], [8, 4]]
    assert points["encoding"]["shape"]["scale"]["range"] == ["circle", "square"]
    assert spec(chart)["description"] == (
        "Line chart of salary spend to date against the expected profile, Jan 2019 to Feb 2019. By Feb 2019: £600 "
        "spent against £590 expected. Every figure is in the table with the chart.")
    amounts = sorted((r["series"], r["amount"]) for r in data_rows(chart) if "series" in r)
    assert amounts == [("Actual (cumulative)", 300.0), ("Actual (cumulative)", 600.0),
                       ("Expected profile (cumulative)", 310.0), ("Expected profile (cumulative)", 590.0)]
    variance = charts.spend_variance(PROFILE)
    assert title(variance) == ("Variance to date", ["Actual minus expected, to date"])
    assert [(r["label"], r["cumulative_variance"], r["side"]) for r in data_rows(variance) if "side" in r] == [
        ("Jan 2019", -2.0, "On or behind profile"), ("Feb 2019", 12.0, "Ahead of profile")]
    assert {"zero": 0} in data_rows(variance)


def test_growth_leaves_out_unavailable_areas_and_says_so():
    chart = charts.growth(GROWTH, "2018", "2019")
    assert title(chart) == ("Growth in referrals",
                            ["Not shown: Gwent Police (no figures for both periods: see the table)"])
    bars = spec(chart)["layer"][0]["encoding"]
    assert bars["x"]["title"] == "Change in referrals from 2018 to 2019 (%)" and bars["x"]["axis"]["format"] == "%"
    assert bars["x"]["scale"]["domain"] == [pytest.approx(-0.46), pytest.approx(0.86)]  # room for the labels
    assert sorted((r["area"], r["text"]) for r in data_rows(chart) if "area" in r) == [
        ("Tiny (this service)", "+50% (8 to 12)"), ("UK", "-10% (1,500 to 1,350)")]


def test_growth_bars_all_below_zero_show_where_zero_is():
    # issue 17 #7: an all-negative chart's bars ended at the plot's edge, with no zero to read them from
    falling = GROWTH.assign(growth=[-0.4, None, -0.1], growth_shown=["-40%", "n/a", "-10%"])
    layers = spec(charts.growth(falling, "2018", "2019"))["layer"]
    assert layers[1]["mark"]["type"] == "rule" and layers[1]["encoding"]["x"]["field"] == "zero"
    assert layers[0]["encoding"]["x"]["scale"]["domain"] == [pytest.approx(-0.64), 0.0]  # -0.4 - 0.6 x 0.4
    assert len(layers) == 3  # bars, zero and the labels left of them: no empty layer for positive labels


def test_support_mix_and_demand():
    mix = charts.support_mix(MIX)
    assert title(mix) == ("Support given, by level", [
        "1 support level not shown: fewer than 5 people, or hidden so that a small number cannot be worked out"])
    assert sorted(r["support_level"] for r in data_rows(mix)) == ["Short-term", "Specialist"]
    demand = charts.demand_mix(DEMAND)
    assert title(demand) == ("Short-term and specialist: here and nationally", [])
    assert sorted((r["label"], r["source"], r["shown"]) for r in data_rows(demand)) == [
        ("Short-term support", "This service", "62%"),
        ("Short-term support", "Victims who want support: Crime Survey (April 2019)", "about 60%"),
        ("Specialist support", "This service", "38%"),
        ("Specialist support", "Victims who want support: Crime Survey (April 2019)", "about 40%")]
    hidden = charts.demand_mix(DEMAND.assign(service_share=None, service_shown="not shown", basis=""))
    assert title(hidden)[1] == ["This service's shares are not shown: too few people behind them"]
    assert {r["source"] for r in data_rows(hidden)} == {"Victims who want support: Crime Survey (April 2019)"}


def test_every_chart_renders_to_png_for_the_pack():
    vl_convert = pytest.importorskip("vl_convert")
    built = [charts.referrals_breakdown(BREAKDOWN, "Gender"), charts.rolling_referrals(ROLLING),
             charts.measure_lines(MYTHS, "Myths", reference=(0.5, "half")), charts.panels(MYTHS, "Outcomes"),
             charts.activity(CASELOAD), charts.cumulative_spend(PROFILE, "Total", 4380.0),
             charts.spend_variance(PROFILE), charts.growth(GROWTH, "2018", "2019"), charts.support_mix(MIX),
             charts.demand_mix(DEMAND)]
    for chart in built:
        png = vl_convert.vegalite_to_png(chart.to_json())
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
