"""Altair chart builders shared by the dashboard pages and the PDF pack (no Streamlit here).

Each builder takes a frame from metrics.trends and returns a finished chart: a title, axes labelled
with their units, tooltips, and the Okabe-Ito palette, which stays distinguishable with the common
kinds of colour blindness. Disclosure control survives charting: a value that is suppressed (or
missing) is never plotted, and the subtitle says how many were left out and why.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from metrics.disclosure import SECONDARY, SMALL

# Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, vermillion, sky blue,
# reddish purple, yellow, black; then grey for a ninth category (no dimension has more).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000", "#999999")
WIDTH, HEIGHT = 900, 360  # the PDF's size; in the app Streamlit stretches charts to the page
GBP_LABEL = "'£' + format(datum.value, ',.0f')"
SUPPRESSED_NOTE = "{n} not shown: fewer than 5 people, or hidden so that a small number cannot be worked out"
RATE_HIDDEN_NOTE = "{n} not shown: fewer than 10 people behind the percentage"
UNDEFINED_NOTE = "{n} with nothing to measure (no cases behind it)"


def _many(count: int, noun: str) -> str:
    """'1 value', '3 values'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# Fit the width only: `height` is the plot's own height, so a legend or a subtitle never squeezes it
# (Streamlit's default, "fit", would make the whole chart, legend and all, `height` tall).
AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")


def _finish(chart, width: int = WIDTH, height: int = HEIGHT):
    """Size, large type for a projector, legend below."""
    return (
        chart.properties(width=width, height=height, autosize=AUTOSIZE)
        .configure_axis(labelFontSize=13, titleFontSize=14, labelLimit=420)
        .configure_legend(labelFontSize=13, titleFontSize=14, orient="bottom", columns=4, labelLimit=360)
        .configure_title(fontSize=20, subtitleFontSize=14, anchor="start", subtitleColor="#444444")
        .configure_view(stroke=None)
    )


def _title(text: str, notes: list[str] | tuple[str, ...] = ()) -> alt.TitleParams:
    notes = [n for n in notes if n]
    return alt.TitleParams(text, subtitle=notes) if notes else alt.TitleParams(text)


def _suppressed(frame: pd.DataFrame) -> pd.Series:
    """Which rows disclosure control hid (as opposed to rows with nothing to measure)."""
    if "suppressed" in frame:
        return frame["suppressed"].astype(bool)
    if "status" in frame:
        return frame["status"] == "suppressed"
    if "shown" in frame:
        return frame["shown"].isin([SMALL, SECONDARY])
    return pd.Series(False, index=frame.index)


def _plottable(frame: pd.DataFrame, value: str, keep_gaps: bool = False) -> tuple[pd.DataFrame, int]:
    """Rows safe to plot and how many disclosure control hid.

    A hidden value never reaches the chart. With keep_gaps the rows stay with an empty value, so that
    a line breaks there rather than joining its neighbours across the gap.
    """
    hidden = _suppressed(frame)
    numbers = pd.to_numeric(frame[value].astype("Float64"), errors="coerce").where(~hidden)
    kept = frame.assign(**{value: numbers.astype(float)})
    if not keep_gaps:
        kept = kept[kept[value].notna()]
    return kept, int(hidden.sum())


def _colour(field: str, domain: list[str], title: str) -> alt.Color:
    palette = list(PALETTE) * (len(domain) // len(PALETTE) + 1)
    scale = alt.Scale(domain=domain, range=palette[: len(domain)])
    return alt.Color(f"{field}:N", title=title, sort=domain, scale=scale)


def _x_slices(frame: pd.DataFrame, title: str = "Month") -> alt.X:
    """Months or quarters in order, every one on the axis even when nothing is plotted there."""
    labels = list(dict.fromkeys(frame["label"]))
    return alt.X("label:O", title=title, sort=labels, scale=alt.Scale(domain=labels), axis=alt.Axis(labelAngle=-40))


def referrals_breakdown(frame: pd.DataFrame, dimension_label: str, grain_title: str = "Month") -> alt.Chart:
    """Stacked bars: referrals by month (or quarter) and category, from trends.referrals_by."""
    categories = list(dict.fromkeys(frame["category"]))
    kept, left_out = _plottable(frame, "referrals")
    kept = kept[kept["referrals"] > 0]
    chart = alt.Chart(kept).mark_bar().encode(
        x=_x_slices(frame, grain_title),
        y=alt.Y("sum(referrals):Q", title="Referrals received (people)", axis=alt.Axis(tickMinStep=1)),
        color=_colour("category", categories, dimension_label),
        order=alt.Order("category_order:Q"),
        tooltip=[alt.Tooltip("label:O", title=grain_title), alt.Tooltip("category:N", title=dimension_label),
                 alt.Tooltip("shown:N", title="Referrals")],
    ).transform_calculate(category_order=f"indexof({json.dumps(categories)}, datum.category)")
    notes = [SUPPRESSED_NOTE.format(n=_many(left_out, "cell"))] if left_out else []
    return _finish(chart.properties(title=_title(f"Referrals received by {dimension_label.lower()}", notes)))


def rolling_referrals(frame: pd.DataFrame) -> alt.LayerChart:
    """Bars for each month's referrals and a line for the three months to each month (trends.rolling_referrals)."""
    month_label, rolling_label = "In the month", "In the three months to the month"
    long = pd.concat([
        frame.assign(series=month_label, count=frame["referrals"], shown=frame["referrals_shown"]),
        frame.assign(series=rolling_label, count=frame["rolling_3m"], shown=frame["rolling_shown"]),
    ])[["month", "label", "series", "count", "shown"]]
    kept, left_out = _plottable(long, "count")
    colour = _colour("series", [month_label, rolling_label], "Referrals received")
    base = alt.Chart(kept).encode(
        x=_x_slices(frame),
        y=alt.Y("count:Q", title="Referrals received (people)", axis=alt.Axis(tickMinStep=1)),
        color=colour,
        tooltip=[alt.Tooltip("label:O", title="Month"), alt.Tooltip("series:N", title="Referrals"),
                 alt.Tooltip("shown:N", title="Count")],
    )
    bars = base.transform_filter(alt.datum.series == month_label).mark_bar(opacity=0.75)
    line = base.transform_filter(alt.datum.series == rolling_label).mark_line(point=True, strokeWidth=3)
    notes = ["The three-month line starts once three months of returns are loaded"]
    if left_out:
        notes.append(SUPPRESSED_NOTE.format(n=_many(left_out, "value")))
    return _finish(alt.layer(bars, line).properties(title=_title("Referrals received: monthly and rolling", notes)))


def measure_lines(frame: pd.DataFrame, title: str, grain_title: str = "Month",
                  reference: tuple[float, str] | None = None):
    """One line per measure over time (trends.measure_series); rates on a 0-100% axis; gaps break the line."""
    kept, _ = _plottable(frame, "value", keep_gaps=True)
    is_rate = set(frame["unit"]) == {"rate"}
    measures = list(dict.fromkeys(frame["measure_label"]))
    notes = _panel_notes(frame, is_rate)
    y = (alt.Y("value:Q", title="Share (%)", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
         if is_rate else alt.Y("value:Q", title="Number of cases (people)", axis=alt.Axis(tickMinStep=1)))
    tooltip = [alt.Tooltip("label:O", title=grain_title), alt.Tooltip("measure_label:N", title="Measure"),
               alt.Tooltip("shown:N", title="Value")]
    if is_rate:
        tooltip.append(alt.Tooltip("basis:N", title="People behind it"))
    chart = alt.Chart(kept).mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=3).encode(
        x=_x_slices(frame, grain_title), y=y, color=_colour("measure_label", measures, "Measure"), tooltip=tooltip,
    )
    if reference is not None:  # e.g. (0.5, "half"): a dotted line to read the figures against
        value, label = reference
        line = pd.DataFrame({"value": [value], "text": [label]})
        rule = alt.Chart(line).mark_rule(color="#555555", strokeDash=[2, 3]).encode(y="value:Q")
        text = alt.Chart(line).mark_text(align="left", dx=4, dy=-8, color="#555555", fontSize=13).encode(
            y="value:Q", x=alt.value(0), text="text:N")
        chart = alt.layer(chart, rule, text)
    return _finish(chart.properties(title=_title(title, notes)))


def _panel_notes(frame: pd.DataFrame, is_rate: bool) -> list[str]:
    hidden = int((frame["status"] == "suppressed").sum())
    undefined = int((frame["status"] == "undefined").sum())
    notes = []
    if hidden:
        notes.append((RATE_HIDDEN_NOTE if is_rate else SUPPRESSED_NOTE).format(n=_many(hidden, "value")))
    if undefined:
        notes.append(UNDEFINED_NOTE.format(n=_many(undefined, "value")))
    return notes


def panels(frame: pd.DataFrame, title: str, grain_title: str = "Month", columns: int = 4):
    """Small multiples, one panel per measure (trends.measure_series): rates as lines on a shared 0-100% axis,
    counts as bars each on its own scale. For many measures at once, where one chart would be a tangle."""
    is_rate = set(frame["unit"]) == {"rate"}
    kept, _ = _plottable(frame, "value", keep_gaps=is_rate)
    measures = list(dict.fromkeys(frame["measure_label"]))
    tooltip = [alt.Tooltip("label:O", title=grain_title), alt.Tooltip("measure_label:N", title="Measure"),
               alt.Tooltip("shown:N", title="Value")]
    if is_rate:
        y = alt.Y("value:Q", title="Share (%)", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
        mark = alt.Chart(kept).mark_line(point=alt.OverlayMarkDef(size=50), strokeWidth=2.5, color=PALETTE[0])
        tooltip.append(alt.Tooltip("basis:N", title="People behind it"))
    else:
        y = alt.Y("value:Q", title="Count", axis=alt.Axis(tickMinStep=1))
        mark = alt.Chart(kept).mark_bar(color=PALETTE[0])
    chart = mark.encode(x=_x_slices(frame, grain_title), y=y, tooltip=tooltip).properties(width=230, height=150)
    facet = chart.facet(
        facet=alt.Facet("measure_label:N", title=None, sort=measures,
                        header=alt.Header(labelFontSize=13, labelLimit=280)),
        columns=columns,
    )
    if not is_rate:
        facet = facet.resolve_scale(y="independent")
    facet = facet.properties(title=_title(title, _panel_notes(frame, is_rate)))
    return (facet.configure_axis(labelFontSize=11, titleFontSize=12)
            .configure_title(fontSize=20, subtitleFontSize=14, anchor="start", subtitleColor="#444444")
            .configure_view(stroke=None))


def activity(frame: pd.DataFrame, grain_title: str = "Month"):
    """Each activity count over time on its own scale (trends.measure_series of ACTIVITY)."""
    return panels(frame, f"Activity by {grain_title.lower()} (counts from the monthly returns)", grain_title)


def cumulative_spend(profile: pd.DataFrame, budget_line: str = "Total", budget: float | None = None) -> alt.LayerChart:
    """Cumulative actual spend against the expected profile by month for one budget line (trends.spend_profile)."""
    rows = profile[profile["budget_line"] == budget_line]
    actual, expected = "Actual (cumulative)", "Expected profile (cumulative)"
    long = pd.concat([
        rows.assign(series=actual, amount=rows["cumulative_actual"]),
        rows.assign(series=expected, amount=rows["cumulative_expected"]),
    ])
    colour = _colour("series", [actual, expected], "Spend")
    lines = alt.Chart(long).mark_line(point=True, strokeWidth=3).encode(
        x=_x_slices(rows),
        y=alt.Y("amount:Q", title="Spend to date (£)", axis=alt.Axis(labelExpr=GBP_LABEL)),
        color=colour,
        strokeDash=alt.StrokeDash("series:N", sort=[actual, expected], title="Spend",
                                  scale=alt.Scale(domain=[actual, expected], range=[[1, 0], [8, 4]])),
        tooltip=[alt.Tooltip("label:O", title="Month"), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("amount:Q", title="To date (£)", format=",.2f"),
                 alt.Tooltip("actual:Q", title="Actual in the month (£)", format=",.2f"),
                 alt.Tooltip("expected:Q", title="Expected in the month (£)", format=",.2f"),
                 alt.Tooltip("cumulative_variance:Q", title="Variance to date (£)", format="+,.2f")],
    )
    layers = [lines]
    notes = []
    if budget is not None:
        rule = alt.Chart(pd.DataFrame({"budget": [budget]})).mark_rule(color="#555555", strokeDash=[2, 2]).encode(
            y="budget:Q", tooltip=[alt.Tooltip("budget:Q", title="Budget (£)", format=",.2f")])
        layers.append(rule)
        notes.append(f"Dotted line: the budget of £{budget:,.0f}")
    title = "Spend to date against the expected profile" + ("" if budget_line == "Total" else f": {budget_line}")
    return _finish(alt.layer(*layers).properties(title=_title(title, notes)))


def spend_variance(profile: pd.DataFrame, budget_line: str = "Total") -> alt.Chart:
    """Bars of spend to date minus expected to date, by month: above zero is ahead of profile (trends.spend_profile)."""
    rows = profile[profile["budget_line"] == budget_line].assign(
        side=lambda f: f["cumulative_variance"].map(lambda v: "Ahead of profile" if v > 0 else "On or behind profile"))
    sides = ["Ahead of profile", "On or behind profile"]
    chart = alt.Chart(rows).mark_bar().encode(
        x=_x_slices(rows),
        y=alt.Y("cumulative_variance:Q", title="Actual minus expected, to date (£)",
                axis=alt.Axis(labelExpr=GBP_LABEL)),
        color=alt.Color("side:N", title="Variance", sort=sides,
                        scale=alt.Scale(domain=sides, range=[PALETTE[3], PALETTE[0]])),
        tooltip=[alt.Tooltip("label:O", title="Month"),
                 alt.Tooltip("cumulative_variance:Q", title="Variance to date (£)", format="+,.2f"),
                 alt.Tooltip("cumulative_actual:Q", title="Actual to date (£)", format=",.2f"),
                 alt.Tooltip("cumulative_expected:Q", title="Expected to date (£)", format=",.2f")],
    )
    title = "Variance to date" + ("" if budget_line == "Total" else f": {budget_line}")
    return _finish(chart.properties(title=_title(title, ["Spend to date minus the expected profile to date"])),
                   height=220)


def _bar_labels(base: alt.Chart, field: str, text: str) -> list[alt.Chart]:
    """Labels at the outer end of horizontal bars: right of a positive bar, left of a negative one."""
    return [
        base.transform_filter(f"datum.{field} >= 0").mark_text(align="left", dx=6, fontSize=14).encode(text=text),
        base.transform_filter(f"datum.{field} < 0").mark_text(align="right", dx=-6, fontSize=14).encode(text=text),
    ]


def _room_for_labels(values: pd.Series, share: float = 0.6) -> list[float]:
    """An axis domain from the values (and zero) with room beyond the bars for their labels."""
    low, high = min(0.0, float(values.min())), max(0.0, float(values.max()))
    span = (high - low) or 1.0
    return [low - share * span if low < 0 else 0.0, high + share * span if high > 0 else 0.0]


def growth(table: pd.DataFrame, base_label: str, compare_label: str) -> alt.Chart:
    """Referral growth of the service and each reference area, as bars (trends.growth_comparison's table)."""
    kept = table[table["available"] & table["growth"].notna()].copy()
    kept["text"] = kept["growth_shown"] + " (" + kept["base_shown"] + " to " + kept["compare_shown"] + ")"
    left_out = table.loc[~table.index.isin(kept.index), "area"].tolist()
    kinds = {"service": "This service", "reference": "Reference area (NRM)", "national": "National (NRM)"}
    kept["kind_label"] = kept["kind"].map(kinds)
    tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("base_shown:N", title=f"Referrals, {base_label}"),
               alt.Tooltip("compare_shown:N", title=f"Referrals, {compare_label}"),
               alt.Tooltip("growth_shown:N", title="Growth")]
    domain = _room_for_labels(kept["growth"]) if len(kept) else [0.0, 1.0]
    base = alt.Chart(kept).encode(
        y=alt.Y("area:N", title=None, sort=list(kept["area"])),
        x=alt.X("growth:Q", title=f"Change in referrals from {base_label} to {compare_label} (%)",
                scale=alt.Scale(domain=domain), axis=alt.Axis(format="%")),
        tooltip=tooltip,
    )
    bars = base.mark_bar().encode(color=_colour("kind_label", list(kinds.values()), "Figures"))
    notes = [f"Not shown: {', '.join(left_out)} (no figures for both periods: see the table)"] if left_out else []
    chart = alt.layer(bars, *_bar_labels(base, "growth", "text:N"))
    return _finish(chart.properties(title=_title("Growth in referrals", notes)), height=70 * max(len(kept), 1))


def support_mix(mix: pd.DataFrame) -> alt.Chart:
    """People in contact with the advocate by support level (trends.support_mix)."""
    kept, left_out = _plottable(mix, "people")
    levels = list(mix["support_level"])
    base = alt.Chart(kept).encode(
        y=alt.Y("support_level:N", title=None, sort=levels),
        x=alt.X("people:Q", title="People in contact in the period", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("support_level:N", title="Support level"), alt.Tooltip("shown:N", title="People"),
                 alt.Tooltip("share_shown:N", title="Share of everyone in contact")],
    )
    bars = base.mark_bar().encode(color=_colour("support_level", levels, "Support level").legend(None))
    labels = base.mark_text(align="left", dx=6, fontSize=14).encode(text="shown:N")
    notes = [SUPPRESSED_NOTE.format(n=_many(left_out, "support level"))] if left_out else []
    return _finish(alt.layer(bars, labels).properties(title=_title("Support given, by level", notes)),
                   height=60 * max(len(levels), 1))


def demand_mix(comparison: pd.DataFrame, source_label: str = "Crime Survey (April 2019)") -> alt.Chart:
    """The service's short-term and specialist shares beside the demand funnel's (trends.demand_comparison)."""
    ours, theirs = "This service", f"Victims who want support: {source_label}"
    long = pd.concat([
        comparison.assign(source=ours, share=comparison["service_share"], shown=comparison["service_shown"]),
        comparison.assign(source=theirs, share=comparison["seed_share"],
                          shown=comparison["seed_share"].map(lambda v: f"about {v:.0%}")),
    ])
    kept = long[long["share"].notna()]
    notes = ["This service's shares are not shown: too few people behind them"] if len(kept) < len(long) else []
    base = alt.Chart(kept).encode(
        y=alt.Y("label:N", title=None, sort=list(comparison["label"])),
        yOffset=alt.YOffset("source:N", sort=[ours, theirs]),
        x=alt.X("share:Q", title="Share of short-term and specialist support (%)", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("label:N", title="Support"), alt.Tooltip("source:N", title="Figures"),
                 alt.Tooltip("shown:N", title="Share"), alt.Tooltip("basis:N", title="People behind it")],
    )
    bars = base.mark_bar().encode(color=_colour("source", [ours, theirs], "Figures"))
    labels = base.mark_text(align="left", dx=6, fontSize=14).encode(text="shown:N")
    title = _title("Short-term and specialist support, here and nationally", notes)
    return _finish(alt.layer(bars, labels).properties(title=title), height=240)
