"""Charts of the Trends page and the pack: referrals, measures over time, small multiples, activity."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from metrics.charts.base import (
    PALETTE,
    SUPPRESSED_NOTE,
    colour_scale,
    finish,
    many,
    panel_notes,
    plottable,
    titled,
    x_slices,
)


def referrals_breakdown(frame: pd.DataFrame, dimension_label: str, grain_title: str = "Month") -> alt.Chart:
    """Stacked bars: referrals by month (or quarter) and category, from answers.referrals.referrals_by."""
    categories = list(dict.fromkeys(frame["category"]))
    kept, left_out = plottable(frame, "referrals")
    kept = kept[kept["referrals"] > 0]
    chart = alt.Chart(kept).mark_bar().encode(
        x=x_slices(frame, grain_title),
        y=alt.Y("sum(referrals):Q", title="Referrals received (people)", axis=alt.Axis(tickMinStep=1)),
        color=colour_scale("category", categories, dimension_label),
        order=alt.Order("category_order:Q"),
        tooltip=[alt.Tooltip("label:O", title=grain_title), alt.Tooltip("category:N", title=dimension_label),
                 alt.Tooltip("shown:N", title="Referrals")],
    ).transform_calculate(category_order=f"indexof({json.dumps(categories)}, datum.category)")
    notes = [SUPPRESSED_NOTE.format(n=many(left_out, "cell"))] if left_out else []
    return finish(chart.properties(title=titled(f"Referrals received by {dimension_label.lower()}", notes)))


def rolling_referrals(frame: pd.DataFrame) -> alt.LayerChart:
    """Bars for each month's referrals and a line for the three months to each month (answers: rolling_referrals)."""
    month_label, rolling_label = "In the month", "In the three months to the month"
    long = pd.concat([
        frame.assign(series=month_label, count=frame["referrals"], shown=frame["referrals_shown"]),
        frame.assign(series=rolling_label, count=frame["rolling_3m"], shown=frame["rolling_shown"]),
    ])[["month", "label", "series", "count", "shown"]]
    kept, left_out = plottable(long, "count")
    scale = colour_scale("series", [month_label, rolling_label], "Referrals received")
    base = alt.Chart(kept).encode(
        x=x_slices(frame),
        y=alt.Y("count:Q", title="Referrals received (people)", axis=alt.Axis(tickMinStep=1)),
        color=scale,
        tooltip=[alt.Tooltip("label:O", title="Month"), alt.Tooltip("series:N", title="Referrals"),
                 alt.Tooltip("shown:N", title="Count")],
    )
    bars = base.transform_filter(alt.datum.series == month_label).mark_bar(opacity=0.75)
    line = base.transform_filter(alt.datum.series == rolling_label).mark_line(point=True, strokeWidth=3)
    notes = ["The three-month line starts once three months of returns are loaded"]
    if left_out:
        notes.append(SUPPRESSED_NOTE.format(n=many(left_out, "value")))
    return finish(alt.layer(bars, line).properties(title=titled("Referrals received: monthly and rolling", notes)))


def measure_lines(frame: pd.DataFrame, title: str, grain_title: str = "Month",
                  reference: tuple[float, str] | None = None):
    """One line per measure over time (answers: measure_series); rates on a 0-100% axis; gaps break the line."""
    kept, _ = plottable(frame, "value", keep_gaps=True)
    is_rate = set(frame["unit"]) == {"rate"}
    measures = list(dict.fromkeys(frame["measure_label"]))
    notes = panel_notes(frame, is_rate)
    y = (alt.Y("value:Q", title="Share (%)", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
         if is_rate else alt.Y("value:Q", title="Number of cases (people)", axis=alt.Axis(tickMinStep=1)))
    tooltip = [alt.Tooltip("label:O", title=grain_title), alt.Tooltip("measure_label:N", title="Measure"),
               alt.Tooltip("shown:N", title="Value")]
    if is_rate:
        tooltip.append(alt.Tooltip("basis:N", title="People behind it"))
    chart = alt.Chart(kept).mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=3).encode(
        x=x_slices(frame, grain_title), y=y, color=colour_scale("measure_label", measures, "Measure"), tooltip=tooltip,
    )
    if reference is not None:  # e.g. (0.5, "half"): a dotted line to read the figures against
        value, label = reference
        line = pd.DataFrame({"value": [value], "text": [label]})
        rule = alt.Chart(line).mark_rule(color="#555555", strokeDash=[2, 3]).encode(y="value:Q")
        text = alt.Chart(line).mark_text(align="left", dx=4, dy=-8, color="#555555", fontSize=13).encode(
            y="value:Q", x=alt.value(0), text="text:N")
        chart = alt.layer(chart, rule, text)
    return finish(chart.properties(title=titled(title, notes)))


def panels(frame: pd.DataFrame, title: str, grain_title: str = "Month", columns: int = 4):
    """Small multiples, one panel per measure (answers: measure_series): rates as lines on a shared 0-100% axis,
    counts as bars each on its own scale. For many measures at once, where one chart would be a tangle."""
    is_rate = set(frame["unit"]) == {"rate"}
    kept, _ = plottable(frame, "value", keep_gaps=is_rate)
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
    chart = mark.encode(x=x_slices(frame, grain_title), y=y, tooltip=tooltip).properties(width=230, height=150)
    facet = chart.facet(
        facet=alt.Facet("measure_label:N", title=None, sort=measures,
                        header=alt.Header(labelFontSize=13, labelLimit=280)),
        columns=columns,
    )
    if not is_rate:
        facet = facet.resolve_scale(y="independent")
    facet = facet.properties(title=titled(title, panel_notes(frame, is_rate)))
    return (facet.configure_axis(labelFontSize=11, titleFontSize=12)
            .configure_title(fontSize=20, subtitleFontSize=14, anchor="start", subtitleColor="#444444")
            .configure_view(stroke=None))


def activity(frame: pd.DataFrame, grain_title: str = "Month"):
    """Each activity count over time on its own scale (answers: measure_series of ACTIVITY)."""
    return panels(frame, f"Activity by {grain_title.lower()} (counts from the monthly returns)", grain_title)
