"""What every chart shares: the palette, sizes, titles with notes, and leaving out what disclosure control hid."""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.i18n import N_, _, ngettext
from metrics.measures.disclosure import SMALL

# Okabe & Ito's (2008) hues, darkened until each is at least 3:1 against white (WCAG 1.4.11: a bar or
# a line is a graphical object): blue 5.2, vermillion 3.9, bluish green 5.3, reddish purple 4.7, olive
# 4.1, black 21, orange 4.0, wine 8.7, grey 6.4. No dimension has more than nine categories. Colour is
# never the only cue: stacked bars have white edges and a table, lines differ by dash and point shape.
PALETTE = ("#0072B2", "#D55E00", "#007A5A", "#B5508A", "#8A7F00", "#000000", "#B86E00", "#882255", "#5F5F5F")
DASHES = ([1, 0], [8, 4], [2, 3], [12, 3, 2, 3])  # solid, dashed, dotted, dash-dot: by series
SHAPES = ("circle", "square", "triangle-up", "diamond")
TEXT, MUTED = "#0b0c0c", "#505a5f"  # the app's text and caption colours: 19.6:1 and 7.1:1 on white
WIDTH, HEIGHT = 900, 360  # the PDF's size; in the app Streamlit stretches charts to the page
GBP_LABEL = "'£' + format(datum.value, ',.0f')"
SUPPRESSED_NOTE = N_("{n} not shown: fewer than 5 people, or hidden so that a small number cannot be worked out")
RATE_HIDDEN_NOTE = N_("{n} not shown: fewer than 10 people behind the percentage")
UNDEFINED_NOTE = N_("{n} with nothing to measure (no cases behind it)")


def values(count: int) -> str:
    """'1 value', '3 values' (in this run's language)."""
    return ngettext("{n} value", "{n} values", count).format(n=count)


# Fit the width only: `height` is the plot's own height, so a legend or a subtitle never squeezes it
# (Streamlit's default, "fit", would make the whole chart, legend and all, `height` tall).
AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")


def configured(chart, axis_size: int = 13, title_size: int = 14):
    """The shared look: dark text (the default grey is 3.7:1), large type for a projector, legend below.

    One `configure` call: each of Altair's configure_* methods copies the whole chart, and five copies of a
    ten-year chart were a sixth of its building (benchmarks/RESULTS.md, issue 15)."""
    text = {"labelColor": TEXT, "titleColor": TEXT}
    return chart.configure(
        axis=alt.AxisConfig(labelFontSize=axis_size, titleFontSize=title_size, labelLimit=420, domainColor=MUTED,
                            tickColor=MUTED, **text),
        legend=alt.LegendConfig(labelFontSize=13, titleFontSize=14, orient="bottom", columns=4, labelLimit=360, **text),
        header=alt.HeaderConfig(labelFontSize=13, titleFontSize=14, labelLimit=400, **text),
        title=alt.TitleConfig(fontSize=20, subtitleFontSize=14, anchor="start", color=TEXT, subtitleColor=MUTED),
        view=alt.ViewConfig(stroke=None),
    )


def finish(chart, width: int = WIDTH, height: int = HEIGHT, description: str = ""):
    """Size, the shared look, and a description: the chart's text alternative (the SVG's name)."""
    described = {"description": description} if description else {}
    return configured(chart.properties(width=width, height=height, autosize=AUTOSIZE, **described))


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
        return frame["shown"].isin([SMALL, "not shown", _("not shown")])  # the frame is in the run's language
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


def dash_scale(field: str, domain: list[str], title: str) -> alt.StrokeDash:
    """A dash per series, so that lines differ without colour (in greyscale, for colour-blind readers)."""
    dashes = [DASHES[i % len(DASHES)] for i in range(len(domain))]
    return alt.StrokeDash(f"{field}:N", title=title, sort=domain, scale=alt.Scale(domain=domain, range=dashes))


def shape_scale(field: str, domain: list[str], title: str) -> alt.Shape:
    shapes = [SHAPES[i % len(SHAPES)] for i in range(len(domain))]
    return alt.Shape(f"{field}:N", title=title, sort=domain, scale=alt.Scale(domain=domain, range=shapes))


def zero_rule() -> alt.Chart:
    """A line at zero, so that bars all on one side of it still show where zero is."""
    return alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color=TEXT, strokeWidth=1.5, aria=False)


def span(frame: pd.DataFrame) -> str:
    """'Jul 2018 to Jun 2019': the first and last months (or quarters) of a frame, for a description."""
    labels = list(dict.fromkeys(frame["label"]))
    if not labels:
        return _("no months")
    return labels[0] if len(labels) == 1 else _("{first} to {last}").format(first=labels[0], last=labels[-1])


def x_slices(frame: pd.DataFrame, title: str = N_("Month")) -> alt.X:
    """Months or quarters in order, every one on the axis even when nothing is plotted there (`title`
    is translated here: an English default or a caller's English 'Month' shows in this run's language)."""
    labels = list(dict.fromkeys(frame["label"]))
    return alt.X("label:O", title=_(title), sort=labels, scale=alt.Scale(domain=labels), axis=alt.Axis(labelAngle=-40))


def panel_notes(frame: pd.DataFrame, is_rate: bool) -> list[str]:
    hidden = int((frame["status"] == "suppressed").sum())
    undefined = int((frame["status"] == "undefined").sum())
    notes = []
    if hidden:
        notes.append(_(RATE_HIDDEN_NOTE if is_rate else SUPPRESSED_NOTE).format(n=values(hidden)))
    if undefined:
        notes.append(_(UNDEFINED_NOTE).format(n=values(undefined)))
    return notes


def bar_labels(base: alt.Chart, field: str, text: str, values: pd.Series) -> list[alt.Chart]:
    """Labels at the outer end of horizontal bars: right of a positive bar, left of a negative one (a side
    with no bars gets no layer: an empty layer is an unnamed graphic to a screen reader)."""
    layers = []
    if (values >= 0).any():
        layers.append(base.transform_filter(f"datum.{field} >= 0")
                      .mark_text(align="left", dx=6, fontSize=14, color=TEXT, aria=False).encode(text=text))
    if (values < 0).any():
        layers.append(base.transform_filter(f"datum.{field} < 0")
                      .mark_text(align="right", dx=-6, fontSize=14, color=TEXT, aria=False).encode(text=text))
    return layers


def room_for_labels(values: pd.Series, share: float = 0.6) -> list[float]:
    """An axis domain from the values (and zero) with room beyond the bars for their labels."""
    low, high = min(0.0, float(values.min())), max(0.0, float(values.max()))
    span = (high - low) or 1.0
    return [low - share * span if low < 0 else 0.0, high + share * span if high > 0 else 0.0]
