"""A finished chart as the plain Vega-Lite dict Streamlit draws, made once and cached by the app.

Altair rebuilds, converts and schema-validates a chart whenever it is drawn: 81% of a warm Trends
rerun (issue 15). The dict holds everything Streamlit needs (its data as Arrow IPC bytes, which
Streamlit sends as they are), so a cached one is drawn without Altair or pandas at all.
"""

from __future__ import annotations

import hashlib

import altair as alt
import pandas as pd
import pyarrow as pa

# What Altair's default theme adds to every chart; Streamlit converts under the theme "none" and sizes
# charts itself, so a cached dict leaves them out too.
_DEFAULT_THEME_VIEW = ("continuousWidth", "continuousHeight")
# Where a chart holds other charts: a layer's, a facet's, a concatenation's.
_PARTS = ("layer", "spec", "hconcat", "vconcat", "concat")


def _arrow(frame: pd.DataFrame) -> bytes:
    """A frame as Arrow IPC stream bytes, as Streamlit sends chart data (pyarrow writes NaN as null)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _name_the_data(chart, datasets: dict[str, bytes], names: dict[int, str]) -> None:
    """Put each frame in the chart and its parts into `datasets` as Arrow, and name it in its place.

    Straight from the frame: Altair's own way writes every row out as a dict, hashes their JSON for a
    name, and we read them back into Arrow (a fifth of a cold ten-year Trends page, issue 15).
    """
    data = chart._get("data")
    if isinstance(data, pd.DataFrame):
        if id(data) not in names:  # layers built from one base share its frame: send it once
            content = _arrow(data)
            names[id(data)] = "data-" + hashlib.sha256(content).hexdigest()[:32]
            datasets[names[id(data)]] = content
        chart.data = alt.NamedData(name=names[id(data)])
    for part in _PARTS:
        inner = chart._get(part)  # a chart, a list of charts, or Undefined (not a SchemaBase)
        for sub in inner if isinstance(inner, list) else [inner]:
            if isinstance(sub, alt.SchemaBase):
                _name_the_data(sub, datasets, names)


def unchecked() -> None:
    """Stop Altair checking every object against the schema as it is made (its debug mode, on by default).

    Those checks were half of building a ten-year chart (issue 15), and a builder's output is the same
    without them (tests/test_chart_cache.py). It is only ever switched off, so that threads cannot race it
    back on; a whole chart is still checked where it is written out with validation (the pack, the tests).
    """
    alt.utils.schemapi.disable_debug_mode()


def vega_lite(chart) -> dict:
    """The chart's Vega-Lite spec, not validated against the schema (the builders' output is tested), data as Arrow.

    Takes the chart over (its frames are swapped for named datasets): give it one built for the purpose."""
    datasets: dict[str, bytes] = {}
    _name_the_data(chart, datasets, {})
    spec = chart.to_dict(validate=False)
    view = spec.get("config", {}).get("view", {})
    for key in _DEFAULT_THEME_VIEW:
        view.pop(key, None)
    spec["datasets"] = datasets
    return spec
