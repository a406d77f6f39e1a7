"""What every chart shares: the palette, sizes, titles with notes, and leaving out what disclosure control hid."""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.measures.disclosure import SMALL

# Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, vermillion, sky blue,
# reddish purple, yellow, black; then grey for a ninth category (no dimension has more).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000", "#999999")
WIDTH, HEIGHT = 900, 360  # the PDF's size; in the app Streamlit stretches charts to the page
GBP_LABEL = "'£' + format(datum.value, ',.0f')"
SUPPRESSED_NOTE = "{n} not shown: fewer than 5 people, or hidden so that a small number cannot be worked out"
RATE_HIDDEN_NOTE = "{n} not shown: fewer than 10 people behind the percentage"
UNDEFINED_NOTE = "{n} with nothing to measure (no cases behind it)"


def many(count: int, noun: str) -> str:
    """'1 value', '3 values'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# Fit the width only: `height` is the plot's own height, so a legend or a subtitle never squeezes it
# (Streamlit's default, "fit", would make the whole chart, legend and all, `height` tall).
AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")


def finish(chart, width: int = WIDTH, height: int = HEIGHT):
    """Size, large type for a projector, legend below."""
    return (
        chart.properties(width=width, height=height, autosize=AUTOSIZE)
        .configure_axis(labelFontSize=13, titleFontSize=14, labelLimit=420)
        .configure_legend(labelFontSize=13, titleFontSize=14, orient="bottom", columns=4, labelLimit=360)
        .configure_title(fontSize=20, subtitleFontSize=14, anchor="start", subtitleColor="#444444")
        .configure_view(stroke=None)
    )


def titled(text: str, notes: list[str] | tuple[str, ...] = ()) -> alt.TitleParams:
    notes = [n for n in notes if n]
    return alt.TitleParams(text, subtitle=notes) if notes else alt.TitleParams(text)


def suppressed(frame: pd.DataFrame) -> pd.Series:
    """Which rows disclosure control hid (as opposed to rows with nothing to measure)."""
    if "suppressed" in frame:
        return frame["suppressed"].astype(bool)
    if "status" in frame:
        return frame["status"] == "suppressed"
    if "shown" in frame:
        return frame["shown"].isin([SMALL, "not shown"])
    return pd.Series(False, index=frame.index)


def plottable(frame: pd.DataFrame, value: str, keep_gaps: bool = False) -> tuple[pd.DataFrame, int]:
    """Rows safe to plot and how many disclosure control hid.

    A hidden value never reaches the chart. With keep_gaps the rows stay with an empty value, so that
    a line breaks there rather than joining its neighbours across the gap.
    """
    hidden = suppressed(frame)
    numbers = pd.to_numeric(frame[value].astype("Float64"), errors="coerce").where(~hidden)
    kept = frame.assign(**{value: numbers.astype(float)})
    if not keep_gaps:
        kept = kept[kept[value].notna()]
    return kept, int(hidden.sum())


def colour_scale(field: str, domain: list[str], title: str) -> alt.Color:
    palette = list(PALETTE) * (len(domain) // len(PALETTE) + 1)
    scale = alt.Scale(domain=domain, range=palette[: len(domain)])
    return alt.Color(f"{field}:N", title=title, sort=domain, scale=scale)


def x_slices(frame: pd.DataFrame, title: str = "Month") -> alt.X:
    """Months or quarters in order, every one on the axis even when nothing is plotted there."""
    labels = list(dict.fromkeys(frame["label"]))
    return alt.X("label:O", title=title, sort=labels, scale=alt.Scale(domain=labels), axis=alt.Axis(labelAngle=-40))


def panel_notes(frame: pd.DataFrame, is_rate: bool) -> list[str]:
    hidden = int((frame["status"] == "suppressed").sum())
    undefined = int((frame["status"] == "undefined").sum())
    notes = []
    if hidden:
        notes.append((RATE_HIDDEN_NOTE if is_rate else SUPPRESSED_NOTE).format(n=many(hidden, "value")))
    if undefined:
        notes.append(UNDEFINED_NOTE.format(n=many(undefined, "value")))
    return notes


def bar_labels(base: alt.Chart, field: str, text: str) -> list[alt.Chart]:
    """Labels at the outer end of horizontal bars: right of a positive bar, left of a negative one."""
    return [
        base.transform_filter(f"datum.{field} >= 0").mark_text(align="left", dx=6, fontSize=14).encode(text=text),
        base.transform_filter(f"datum.{field} < 0").mark_text(align="right", dx=-6, fontSize=14).encode(text=text),
    ]


def room_for_labels(values: pd.Series, share: float = 0.6) -> list[float]:
    """An axis domain from the values (and zero) with room beyond the bars for their labels."""
    low, high = min(0.0, float(values.min())), max(0.0, float(values.max()))
    span = (high - low) or 1.0
    return [low - share * span if low < 0 else 0.0, high + share * span if high > 0 else 0.0]
