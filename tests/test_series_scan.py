"""Series over many periods count each case once an event, not once a month open (metrics.measures.facts),
and give exactly the figures of each period computed on its own.

A measure of the cases referred (or closed) in a period counts over the facts of those cases only,
joined to the period by the month of the event; one period alone still counts over the case facts.
So the monthly series of the 13 sample returns, whole and by quarter, is checked against each month
or quarter computed as a period of its own, every measure and every breakdown.
"""

from __future__ import annotations

import pytest

from metrics.admin import setup
from metrics.answers import series
from metrics.measures import compute, facts
from metrics.measures.registry import BREAKDOWNS, MEASURES, POPULATIONS
from metrics.periods import Period

WHOLE = Period("2018-06", "2019-06")  # the 13 sample returns


@pytest.fixture(scope="module")
def con(sample_db_file):
    with setup.open_database(sample_db_file) as con:
        yield con


@pytest.mark.parametrize("grain", ["month", "quarter"])
def test_every_measure_of_a_series_is_the_figure_of_its_period_alone(con, grain):
    slices = series.time_periods(WHOLE, grain)
    together = compute.compute(con, slices)
    for key, period in slices.items():
        assert together[key] == compute.compute(con, {key: period})[key], key


@pytest.mark.parametrize("population", list(POPULATIONS))
def test_every_breakdown_of_a_series_is_the_breakdown_of_its_period_alone(con, population):
    slices = series.time_periods(WHOLE, "quarter")
    for dimension in BREAKDOWNS:
        together = compute.breakdown(con, slices, population, dimension)
        assert together == {key: compute.breakdown(con, {key: p}, population, dimension)[key]
                            for key, p in slices.items()}, dimension


def test_measures_of_referrals_and_closures_never_join_the_periods_with_every_open_case():
    event_measures = [m for m in MEASURES.values() if not m.formula and m.source == "cases"
                      and facts.facts_of(m) in ("referred", "closed")]
    assert {m.name for m in event_measures} >= {*series.MYTHS, "closures", *series.OUTCOMES}
    sql = facts.figures_sql(event_measures)
    assert "case_facts" not in sql and "referred_facts" in sql and "closed_facts" in sql
    # the open-at-end and supported populations need every case open in the period: the case facts
    assert "case_facts" in facts.figures_sql(facts.needed(["caseload_end"]))
    assert "case_facts" in facts.figures_sql(event_measures, events_apart=False)
