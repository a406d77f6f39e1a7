"""A finished chart as the plain Vega-Lite dict Streamlit draws, made once and cached by the app.

Altair rebuilds, converts and schema-validates a chart whenever it is drawn: 81% of a warm Trends
rerun (issue 15). The dict holds everything Streamlit needs (its data as Arrow IPC bytes, which
Streamlit sends as they are), so a cached one is drawn without Altair or pandas at all.
"""

from __future__ import annotations

import pyarrow as pa

# What Altair's default theme adds to every chart; Streamlit converts under the theme "none" and sizes
# charts itself, so a cached dict leaves them out too.
_DEFAULT_THEME_VIEW = ("continuousWidth", "continuousHeight")


def _arrow(rows: list[dict]) -> bytes:
    """Records as Arrow IPC stream bytes, every column any record has (Streamlit's form of chart data)."""
    names = dict.fromkeys(name for row in rows for name in row)
    table = pa.table({name: [row.get(name) for row in rows] for name in names})
    sink = pa.BufferOutputStream()
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def vega_lite(chart) -> dict:
    """The chart's Vega-Lite spec, not validated against the schema (the builders' output is tested), data as Arrow."""
    spec = chart.to_dict(validate=False)
    view = spec.get("config", {}).get("view", {})
    for key in _DEFAULT_THEME_VIEW:
        view.pop(key, None)
    spec["datasets"] = {name: _arrow(rows) for name, rows in spec.get("datasets", {}).items()}
    return spec
