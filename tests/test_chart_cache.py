"""Charts are built once per (chart, answer, arguments) and drawn from a cached plain dict (ui.state.chart,
metrics.charts.vega_lite), which is exactly what Streamlit's own conversion of the Altair chart sends."""

from __future__ import annotations

import functools
import json

import altair as alt
import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from altair.utils import schemapi
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
from streamlit.testing.v1 import AppTest

import metrics.charts
from metrics import charts
from metrics.admin import setup
from metrics.answers import referrals, series
from metrics.periods import Period
from tests.conftest import ROOT
from ui.navigation import PAGE_FILES

WHOLE = Period("2018-06", "2019-06")


def _normalised(spec: dict) -> tuple[str, list]:
    """The spec's JSON with its datasets' names by position, and each dataset's rows (without the index of a
    pandas frame that Streamlit's conversion keeps when it is not 0, 1, 2...: no chart reads it)."""
    spec = dict(spec)
    datasets = spec.pop("datasets")
    text = json.dumps(spec, sort_keys=True)
    for i, name in enumerate(datasets):
        text = text.replace(name, f"dataset {i}")
    rows = [pa.ipc.open_stream(data).read_all().to_pylist() for data in datasets.values()]
    return text, [[{k: v for k, v in row.items() if k != "__index_level_0__"} for row in table] for table in rows]


@pytest.fixture(scope="module")
def frames(sample_db_file):
    with setup.open_database(sample_db_file) as con:
        measures = series.measure_series(con, WHOLE, series.TRENDS, audience="partnership")
        return {
            "referrals": referrals.referrals_by(con, WHOLE, "gender", audience="partnership"),
            "rolling": referrals.rolling_referrals(con, WHOLE),
            **{name: series.only(measures, group) for name, group in
               [("myths", series.MYTHS), ("caseload", series.CASELOAD), ("outcomes", series.OUTCOMES),
                ("activity", series.ACTIVITY)]},
        }


BUILDS = {
    "referrals": lambda f: charts.referrals_breakdown(f, "Gender"),
    "rolling": charts.rolling_referrals,
    "myths": lambda f: charts.measure_lines(f, "Myths", reference=(0.5, "half")),
    "caseload": lambda f: charts.measure_lines(f, "Caseload"),
    "outcomes": lambda f: charts.panels(f, "Outcomes"),
    "activity": charts.activity,
}


@pytest.mark.parametrize("which", list(BUILDS))
def test_the_cached_dict_is_what_streamlit_would_send_for_the_altair_chart(frames, which):
    build = BUILDS[which]
    ours = charts.vega_lite(build(frames[which]))
    assert all(isinstance(data, bytes) for data in ours["datasets"].values())
    assert _normalised(ours) == _normalised(_convert_altair_to_vega_lite_spec(build(frames[which])))


@pytest.mark.parametrize("which", list(BUILDS))
def test_a_chart_built_without_altairs_checks_is_the_same_chart(frames, which):
    # The app builds charts with Altair's checks at construction off (charts.unchecked): only faster.
    with schemapi.debug_mode(True):
        checked = charts.vega_lite(BUILDS[which](frames[which]))
    with schemapi.debug_mode(False):
        unchecked = charts.vega_lite(BUILDS[which](frames[which]))
    assert checked == unchecked


def test_a_frame_goes_into_the_chart_as_arrow_once_with_its_gaps_as_nulls():
    frame = pd.DataFrame({"label": ["Jan 2019", "Feb 2019", "Mar 2019"], "value": [0.5, float("nan"), None],
                          "shown": ["50%", "not shown", None]})
    base = alt.Chart(frame).encode(x="label:O", y="value:Q")
    spec = charts.vega_lite(alt.layer(base.mark_line(), base.mark_point(), alt.Chart(frame.head(1)).mark_rule()))
    first, second = spec["datasets"].items()  # the line and the points share one frame: sent once
    assert [layer["data"] for layer in spec["layer"]] == [{"name": first[0]}, {"name": first[0]}, {"name": second[0]}]
    assert pa.ipc.open_stream(first[1]).read_all().to_pylist() == [
        {"label": "Jan 2019", "value": 0.5, "shown": "50%"}, {"label": "Feb 2019", "value": None, "shown": "not shown"},
        {"label": "Mar 2019", "value": None, "shown": None}]
    assert pa.ipc.open_stream(second[1]).read_all().to_pylist() == [{"label": "Jan 2019", "value": 0.5, "shown": "50%"}]


def test_measures_asked_together_are_the_frames_asked_one_group_at_a_time(sample_db_file):
    with setup.open_database(sample_db_file) as con:
        for audience in ("internal", "partnership"):
            for grain in ("month", "quarter"):
                together = series.measure_series(con, WHOLE, series.TRENDS, audience=audience, grain=grain)
                for group in (series.MYTHS, series.CASELOAD, series.OUTCOMES, series.ACTIVITY):
                    alone = series.measure_series(con, WHOLE, group, audience=audience, grain=grain)
                    assert series.only(together, group).equals(alone), (audience, grain, group)


def _manager_app(monkeypatch, builders: tuple[str, ...], before_build):
    """The app signed in as the manager, each named chart builder calling before_build(build, args, kwargs) first."""
    def watched(build):
        @functools.wraps(build)
        def wrapper(*args, **kwargs):
            before_build(build, args, kwargs)
            return build(*args, **kwargs)
        return wrapper

    for name in builders:
        monkeypatch.setattr(metrics.charts, name, watched(getattr(metrics.charts, name)))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["kept_role"] = "manager"
    at.run()
    return at


def test_a_second_run_of_trends_draws_every_chart_from_the_cache(demo_env, monkeypatch):
    built = []
    at = _manager_app(monkeypatch, ("referrals_breakdown", "rolling_referrals", "measure_lines", "panels", "activity"),
                      lambda build, args, kwargs: built.append(build.__name__))
    at.switch_page(PAGE_FILES["Trends"]).run()
    assert not at.exception, at.exception
    first = sorted(built)
    assert first == ["activity", "measure_lines", "measure_lines", "panels", "referrals_breakdown", "rolling_referrals"]
    assert len(at.get("vega_lite_chart")) == 6
    at.run()
    assert not at.exception and sorted(built) == first  # nothing built again
    assert len(at.get("vega_lite_chart")) == 6


def test_every_chart_of_every_page_is_what_streamlit_would_send(demo_env, monkeypatch):
    # The money and demand charts too, from the frames the pages really give them (dates, money, gaps).
    compared = []

    def compare(build, args, kwargs):
        ours = charts.vega_lite(build(*args, **kwargs))
        assert _normalised(ours) == _normalised(_convert_altair_to_vega_lite_spec(build(*args, **kwargs)))
        compared.append(build.__name__)

    at = _manager_app(monkeypatch, ("cumulative_spend", "spend_variance", "growth", "support_mix", "demand_mix"),
                      compare)
    for page in ("Spend vs budget", "Referral growth", "Demand and value"):
        at.switch_page(PAGE_FILES[page]).run()
        assert not at.exception, (page, at.exception)
    assert sorted(set(compared)) == ["cumulative_spend", "demand_mix", "growth", "spend_variance", "support_mix"]
