"""Charts of the Trends page and the pack: referrals, measures over time, small multiples, activity."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from metrics.charts.base import (
    PALETTE,
    SUPPRESSED_NOTE,
    TEXT,
    colour_scale,
    configured,
    dash_scale,
    finish,
    many,
    panel_notes,
    plottable,
    shape_scale,
    span,
    titled,
    x_slices,
)

TABLE_BELOW = "Every figure is in the table with the chart."


def referrals_breakdown(frame: pd.DataFrame, dimension_label: str, grain_title: str = "Month") -> alt.Chart:
    """Stacked bars: referrals by month (or quarter) and category, from answers.referrals.referrals_by."""
    categories = list(dict.fromkeys(frame["category"]))
    kept, left_out = plottable(frame, "referrals")
    kept = kept[kept["referrals"] > 0]
    # White edges keep neighbouring segments apart where their colours are alike (and in greyscale).
    chart = alt.Chart(kept).mark_bar(stroke="white", strokeWidth=1.5).encode(
        x=x_slices(frame, grain_title),
        y=alt.Y("sum(referrals):Q", title="Referrals received (people)", axis=alt.Axis(tickMinStep=1)),
        color=colour_scale("category", categories, dimension_label),
        order=alt.Order("category_order:Q"),
        tooltip=[alt.Tooltip("label:O", title=grain_title), alt.Tooltip("category:N", title=dimension_label),
                 alt.Tooltip("shown:N", title="Referrals")],
    ).transform_calculate(category_order=f"indexof({json.dumps(categories)}, datum.category)")
    in_bars = int(kept["referrals"].sum())
    notes = []
    if left_out:  # say how far short the bars fall, as well as how many cells are missing
        notes.append(f"The bars add up to {in_bars:,} referrals: {many(left_out, 'cell')} left out (fewer than 5 "
                     "people, or hidden so that a small number cannot be worked out)")
    totals = kept.groupby("category", sort=False)["referrals"].sum()
    largest = f"; the largest group is {totals.idxmax()} ({int(totals.max()):,})" if len(totals) else ""
    description = (f"Stacked bar chart of referrals received by {dimension_label.lower()}, by {grain_title.lower()}, "
                   f"{span(frame)}. The bars add up to {in_bars:,} referrals{largest}. {TABLE_BELOW}")
    return finish(chart.properties(title=titled(f"Referrals received by {dimension_label.lower()}", notes)),
                  description=description)


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
    layers = []
    months = kept[kept["series"] == month_label]
    if len(months):  # an empty layer would be an unnamed graphic to a screen reader
        layers.append(base.transform_filter(alt.datum.series == month_label).mark_bar(opacity=0.85))
    if (kept["series"] == rolling_label).any():
        layers.append(base.transform_filter(alt.datum.series == rolling_label)
                      .mark_line(point=alt.OverlayMarkDef(size=60, aria=False), strokeWidth=3))
    notes = ["The three-month line starts once three months of returns are loaded"]
    if left_out:
        notes.append(SUPPRESSED_NOTE.format(n=many(left_out, "value")))
    busiest = (f" The most in a month was {int(months['count'].max()):,}, in "
               f"{months.loc[months['count'].idxmax(), 'label']}." if len(months) else "")
    description = (f"Bar and line chart of referrals received, {span(frame)}: bars for each month, a line for the "
                   f"three months to each month.{busiest} {TABLE_BELOW}")
    return finish(alt.layer(*layers).properties(title=titled("Referrals received: monthly and rolling", notes)),
                  description=description)


def _latest(frame: pd.DataFrame) -> str:
    """' In Jun 2019: UK nationals 50%, trafficking indicated 25%.' from the last slice with a value shown."""
    shown = frame[frame["status"] == "shown"]
    if shown.empty:
        return ""
    last = shown["label"].iloc[-1]
    values = ", ".join(f"{r.measure_label} {r.shown}" for r in shown[shown["label"] == last].itertuples())
    return f" In {last}: {values}."


def measure_lines(frame: pd.DataFrame, title: str, grain_title: str = "Month",
                  reference: tuple[float, str] | None = None):
    """One line per measure over time (answers: measure_series); rates on a 0-100% axis; gaps break the line.

    The lines differ by dash and point shape as well as colour, so that they can be told apart in greyscale.
    """
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
    base = alt.Chart(kept).encode(x=x_slices(frame, grain_title), y=y,
                                  color=colour_scale("measure_label", measures, "Measure"))
    lines = base.mark_line(strokeWidth=3, aria=False).encode(
        strokeDash=dash_scale("measure_label", measures, "Measure"))
    points = base.transform_filter("isValid(datum.value)").mark_point(size=80, filled=True, opacity=1).encode(
        shape=shape_scale("measure_label", measures, "Measure"), tooltip=tooltip)
    layers = [lines, points]
    if reference is not None:  # e.g. (0.5, "half"): a dotted line to read the figures against
        value, label = reference
        line = pd.DataFrame({"value": [value], "text": [label]})
        layers.append(alt.Chart(line).mark_rule(color=TEXT, strokeDash=[2, 3], aria=False).encode(y="value:Q"))
        layers.append(alt.Chart(line).mark_text(align="left", dx=4, dy=-8, color=TEXT, fontSize=13, aria=False)
                      .encode(y="value:Q", x=alt.value(0), text="text:N"))
    description = (f"Line chart of {', '.join(m.lower() for m in measures)} by {grain_title.lower()}, {span(frame)}."
                   f"{_latest(frame)} {TABLE_BELOW}")
    return finish(alt.layer(*layers).properties(title=titled(title, notes)), description=description)


def panels(frame: pd.DataFrame, title: str, grain_title: str = "Month", columns: int = 3, width: int = 190,
           height: int = 130):
    """Small multiples, one panel per measure (answers: measure_series): rates as lines on a shared 0-100% axis,
    counts as bars each on its own scale. For many measures at once, where one chart would be a tangle.

    Three panels of 190 px fit the app's main column at 1280 px wide; the pack asks for two larger ones.
    """
    is_rate = set(frame["unit"]) == {"rate"}
    kept, _ = plottable(frame, "value", keep_gaps=is_rate)
    measures = list(dict.fromkeys(frame["measure_label"]))
    tooltip = [alt.Tooltip("label:O", title=grain_title), alt.Tooltip("measure_label:N", title="Measure"),
               alt.Tooltip("shown:N", title="Value")]
    if is_rate:
        y = alt.Y("value:Q", title="Share (%)", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
        mark = alt.Chart(kept).mark_line(point=alt.OverlayMarkDef(size=50, aria=False), strokeWidth=2.5,
                                         color=PALETTE[0])
        tooltip.append(alt.Tooltip("basis:N", title="People behind it"))
    else:
        y = alt.Y("value:Q", title="Count", axis=alt.Axis(tickMinStep=1))
        mark = alt.Chart(kept).mark_bar(color=PALETTE[0])
    # Every third label: twelve month names at an angle do not fit a small panel.
    x = x_slices(frame, grain_title)
    x = x.axis(labelAngle=-40, labelOverlap="greedy")
    chart = mark.encode(x=x, y=y, tooltip=tooltip).properties(width=width, height=height)
    facet = chart.facet(
        facet=alt.Facet("measure_label:N", title=None, sort=measures,
                        header=alt.Header(labelFontSize=13, labelLimit=width + 40, labelColor=TEXT)),
        columns=columns,
    )
    if not is_rate:
        facet = facet.resolve_scale(y="independent")
    description = (f"Small multiples, one panel for each of {len(measures)} measures ({', '.join(measures)}), by "
                   f"{grain_title.lower()}, {span(frame)}.{_latest(frame)} {TABLE_BELOW}")
    facet = facet.properties(title=titled(title, panel_notes(frame, is_rate)), description=description)
    return configured(facet, axis_size=11, title_size=12)


def activity(frame: pd.DataFrame, grain_title: str = "Month", **sizes):
    """Each activity count over time on its own scale (answers: measure_series of ACTIVITY)."""
    return panels(frame, f"Activity by {grain_title.lower()} (counts from the monthly returns)", grain_title, **sizes)
