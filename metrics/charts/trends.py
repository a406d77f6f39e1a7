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
    panel_notes,
    plottable,
    shape_scale,
    span,
    titled,
    values,
    x_slices,
)
from metrics.i18n import N_, _, ngettext

TABLE_BELOW = N_("Every figure is in the table with the chart.")


def referrals_breakdown(frame: pd.DataFrame, dimension_label: str, grain_title: str = N_("Month")) -> alt.Chart:
    """Stacked bars: referrals by month (or quarter) and category, from answers.referrals.referrals_by."""
    grain_title = _(grain_title)
    categories = list(dict.fromkeys(frame["category"]))
    kept, left_out = plottable(frame, "referrals")
    kept = kept[kept["referrals"] > 0]
    # White edges keep neighbouring segments apart where their colours are alike (and in greyscale).
    chart = alt.Chart(kept).mark_bar(stroke="white", strokeWidth=1.5).encode(
        x=x_slices(frame, grain_title),
        y=alt.Y("sum(referrals):Q", title=_("Referrals received (people)"), axis=alt.Axis(tickMinStep=1)),
        color=colour_scale("category", categories, dimension_label),
        order=alt.Order("category_order:Q"),
        tooltip=[alt.Tooltip("label:O", title=grain_title), alt.Tooltip("category:N", title=dimension_label),
                 alt.Tooltip("shown:N", title=_("Referrals"))],
    ).transform_calculate(category_order=f"indexof({json.dumps(categories)}, datum.category)")
    in_bars = int(kept["referrals"].sum())
    notes = []
    if left_out:  # say how far short the bars fall, as well as how many cells are missing
        cells = ngettext("{n} cell", "{n} cells", left_out).format(n=left_out)
        notes.append(_("The bars add up to {total} referrals: {cells} left out (fewer than 5 people, or hidden so "
                       "that a small number cannot be worked out)").format(total=f"{in_bars:,}", cells=cells))
    totals = kept.groupby("category", sort=False)["referrals"].sum()
    largest = (_("; the largest group is {group} ({count})").format(group=totals.idxmax(),
                                                                    count=f"{int(totals.max()):,}")
               if len(totals) else "")
    description = (_("Stacked bar chart of referrals received by {dimension}, by {grain}, {span}. The bars add up to "
                     "{total} referrals{largest}.").format(dimension=dimension_label.lower(), grain=grain_title.lower(),
                                                          span=span(frame), total=f"{in_bars:,}", largest=largest)
                   + f" {_(TABLE_BELOW)}")
    title = _("Referrals received by {dimension}").format(dimension=dimension_label.lower())
    return finish(chart.properties(title=titled(title, notes)),
                  description=description)


def rolling_referrals(frame: pd.DataFrame) -> alt.LayerChart:
    """Bars for each month's referrals and a line for the three months to each month (answers: rolling_referrals)."""
    month_label, rolling_label = _("In the month"), _("In the three months to the month")
    long = pd.concat([
        frame.assign(series=month_label, count=frame["referrals"], shown=frame["referrals_shown"]),
        frame.assign(series=rolling_label, count=frame["rolling_3m"], shown=frame["rolling_shown"]),
    ])[["month", "label", "series", "count", "shown"]]
    kept, left_out = plottable(long, "count")
    scale = colour_scale("series", [month_label, rolling_label], _("Referrals received"))
    base = alt.Chart(kept).encode(
        x=x_slices(frame),
        y=alt.Y("count:Q", title=_("Referrals received (people)"), axis=alt.Axis(tickMinStep=1)),
        color=scale,
        tooltip=[alt.Tooltip("label:O", title=_("Month")), alt.Tooltip("series:N", title=_("Referrals")),
                 alt.Tooltip("shown:N", title=_("Count"))],
    )
    layers = []
    months = kept[kept["series"] == month_label]
    if len(months):  # an empty layer would be an unnamed graphic to a screen reader
        layers.append(base.transform_filter(alt.datum.series == month_label).mark_bar(opacity=0.85))
    if (kept["series"] == rolling_label).any():
        layers.append(base.transform_filter(alt.datum.series == rolling_label)
                      .mark_line(point=alt.OverlayMarkDef(size=60, aria=False), strokeWidth=3))
    notes = [_("The three-month line starts once three months of returns are loaded")]
    if left_out:
        notes.append(_(SUPPRESSED_NOTE).format(n=values(left_out)))
    busiest = (" " + _("The most in a month was {count}, in {month}.").format(
        count=f"{int(months['count'].max()):,}", month=months.loc[months["count"].idxmax(), "label"])
        if len(months) else "")
    description = (_("Bar and line chart of referrals received, {span}: bars for each month, a line for the "
                     "three months to each month.").format(span=span(frame)) + f"{busiest} {_(TABLE_BELOW)}")
    return finish(alt.layer(*layers).properties(title=titled(_("Referrals received: monthly and rolling"), notes)),
                  description=description)


def _latest(frame: pd.DataFrame) -> str:
    """' In Jun 2019: UK nationals 50%, trafficking indicated 25%.' from the last slice with a value shown."""
    shown = frame[frame["status"] == "shown"]
    if shown.empty:
        return ""
    last = shown["label"].iloc[-1]
    readings = ", ".join(f"{r.measure_label} {r.shown}" for r in shown[shown["label"] == last].itertuples())
    return " " + _("In {month}: {values}.").format(month=last, values=readings)


def measure_lines(frame: pd.DataFrame, title: str, grain_title: str = N_("Month"),
                  reference: tuple[float, str] | None = None):
    """One line per measure over time (answers: measure_series); rates on a 0-100% axis; gaps break the line.

    The lines differ by dash and point shape as well as colour, so that they can be told apart in greyscale.
    """
    grain_title = _(grain_title)
    kept, _hidden = plottable(frame, "value", keep_gaps=True)
    is_rate = set(frame["unit"]) == {"rate"}
    measures = list(dict.fromkeys(frame["measure_label"]))
    notes = panel_notes(frame, is_rate)
    y = (alt.Y("value:Q", title=_("Share (%)"), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
         if is_rate else alt.Y("value:Q", title=_("Number of cases (people)"), axis=alt.Axis(tickMinStep=1)))
    tooltip = [alt.Tooltip("label:O", title=grain_title), alt.Tooltip("measure_label:N", title=_("Measure")),
               alt.Tooltip("shown:N", title=_("Value"))]
    if is_rate:
        tooltip.append(alt.Tooltip("basis:N", title=_("People behind it")))
    base = alt.Chart(kept).encode(x=x_slices(frame, grain_title), y=y,
                                  color=colour_scale("measure_label", measures, _("Measure")))
    lines = base.mark_line(strokeWidth=3, aria=False).encode(
        strokeDash=dash_scale("measure_label", measures, _("Measure")))
    points = base.transform_filter("isValid(datum.value)").mark_point(size=80, filled=True, opacity=1).encode(
        shape=shape_scale("measure_label", measures, _("Measure")), tooltip=tooltip)
    layers = [lines, points]
    if reference is not None:  # e.g. (0.5, "half"): a dotted line to read the figures against
        value, label = reference
        line = pd.DataFrame({"value": [value], "text": [label]})
        layers.append(alt.Chart(line).mark_rule(color=TEXT, strokeDash=[2, 3], aria=False).encode(y="value:Q"))
        layers.append(alt.Chart(line).mark_text(align="left", dx=4, dy=-8, color=TEXT, fontSize=13, aria=False)
                      .encode(y="value:Q", x=alt.value(0), text="text:N"))
    description = (_("Line chart of {measures} by {grain}, {span}.").format(
        measures=", ".join(m.lower() for m in measures), grain=grain_title.lower(), span=span(frame))
        + f"{_latest(frame)} {_(TABLE_BELOW)}")
    return finish(alt.layer(*layers).properties(title=titled(title, notes)), description=description)


def panels(frame: pd.DataFrame, title: str, grain_title: str = N_("Month"), columns: int = 3, width: int = 190,
           height: int = 130):
    """Small multiples, one panel per measure (answers: measure_series): rates as lines on a shared 0-100% axis,
    counts as bars each on its own scale. For many measures at once, where one chart would be a tangle.

    Three panels of 190 px fit the app's main column at 1280 px wide; the pack asks for two larger ones.
    """
    grain_title = _(grain_title)
    is_rate = set(frame["unit"]) == {"rate"}
    kept, _hidden = plottable(frame, "value", keep_gaps=is_rate)
    measures = list(dict.fromkeys(frame["measure_label"]))
    tooltip = [alt.Tooltip("label:O", title=grain_title), alt.Tooltip("measure_label:N", title=_("Measure")),
               alt.Tooltip("shown:N", title=_("Value"))]
    if is_rate:
        y = alt.Y("value:Q", title=_("Share (%)"), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
        mark = alt.Chart(kept).mark_line(point=alt.OverlayMarkDef(size=50, aria=False), strokeWidth=2.5,
                                         color=PALETTE[0])
        tooltip.append(alt.Tooltip("basis:N", title=_("People behind it")))
    else:
        y = alt.Y("value:Q", title=_("Count"), axis=alt.Axis(tickMinStep=1))
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
    description = (_("Small multiples, one panel for each of {n} measures ({measures}), by {grain}, {span}.").format(
        n=len(measures), measures=", ".join(measures), grain=grain_title.lower(), span=span(frame))
                   + f"{_latest(frame)} {_(TABLE_BELOW)}")
    facet = facet.properties(title=titled(title, panel_notes(frame, is_rate)), description=description)
    return configured(facet, axis_size=11, title_size=12)


def activity(frame: pd.DataFrame, grain_title: str = N_("Month"), **sizes):
    """Each activity count over time on its own scale (answers: measure_series of ACTIVITY)."""
    grain_title = _(grain_title)
    title = _("Activity by {grain} (counts from the monthly returns)").format(grain=grain_title.lower())
    return panels(frame, title, grain_title, **sizes)
