"""The Advocate KPIs table: every measure with its previous period, target, grade, last twelve months and reading.

An HTML table rather than Streamlit's dataframe: the dataframe cut the measure names and readings
short and drew a sparkline whose values had a gap as raw text (',1,0.5,1,...'). Each sparkline is a
small SVG drawn from zero (a line from the lowest value to the highest made 34,021 to 34,290 look
like a collapse), broken where a month has no figure, and named for a screen reader by its values.
"""

from __future__ import annotations

import html

import streamlit as st

from metrics.i18n import N_, _
from metrics.measures import formatting
from metrics.measures.registry import MEASURES
from ui.components import NUM, rag_badge

WIDTH, HEIGHT, PAD = 100, 30, 2
COLUMNS = (N_("Measure and reading"), N_("This period"), N_("Previous period"), N_("Change"), N_("Target"),
           N_("Grade"), N_("Last 12 months"))


def sparkline_points(values: list, is_rate: bool) -> list[list[tuple[float, float]]]:
    """The line's segments as (x, y) in the SVG's box: y from zero (the bottom) to the largest value (or 100%)."""
    top = 1.0 if is_rate else max([v for v in values if v is not None] + [0]) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    segments, current = [], []
    for i, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append((round(PAD + i * step, 1), round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top, 1)))
    if current:
        segments.append(current)
    return segments


def sparkline(name: str, values: list, months: list[str]) -> str:
    """An SVG sparkline, with its values as its accessible name."""
    no_figure = _("no figure")
    said = ", ".join(f"{formatting.text('month', m)} {no_figure if v is None else formatting.value(name, v)}"
                     for m, v in zip(months, values))
    is_rate = MEASURES[name].unit == "rate"
    shapes = []
    for segment in sparkline_points(values, is_rate):
        if len(segment) == 1:
            (x, y), = segment
            shapes.append(f'<circle cx="{x}" cy="{y}" r="1.8" fill="#0b0c0c"/>')
        else:
            points = " ".join(f"{x},{y}" for x, y in segment)
            shapes.append(f'<polyline points="{points}" fill="none" stroke="#0b0c0c" stroke-width="1.6"/>')
    baseline = f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#b1b4b6"/>'
    label = html.escape(_("Last 12 months: {values}").format(values=said))
    return (f'<svg role="img" aria-label="{label}" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}">{baseline}{"".join(shapes)}</svg>')


def kpi_table(rows: list[dict], months: list[str], caption: str, beside: dict[str, str] | None = None) -> None:
    """Every measure a row; the grade as a badge (a word on its colour), the reading in full under the measure's
    name (a column of its own was too narrow to read at 1,280 px), and under it `beside`, the provider's commentary
    on the measure as safe HTML (ui.commentary)."""
    head = "".join(f'<th scope="col"{NUM if c in COLUMNS[1:5] else ""}>{html.escape(_(c))}</th>' for c in COLUMNS)
    body = []
    for r in rows:
        reading = f'<div class="kpi-reading">{html.escape(r["reading"])}</div>' if r["reading"] else ""
        cells = [f'<th scope="row">{html.escape(r["label"])}{reading}{(beside or {}).get(r["name"], "")}</th>']
        cells += [f"<td{NUM}>{html.escape(r[k] or '—')}</td>" for k in ("shown", "previous_shown", "change")]
        cells.append(f"<td{NUM}>{html.escape(r['target_shown'] or '—')}</td>")
        cells.append(f"<td>{rag_badge(r['grade'], short=True) if r['grade'] else '—'}</td>")
        cells.append(f"<td>{sparkline(r['name'], r['spark'], months)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    st.markdown(f'<table class="figures kpis"><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table>', unsafe_allow_html=True)
