"""Properties that hold for any input: growth never fails, rates stay within 0 to 1, suppression leaks nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from measure_fixture import SERVICE, case_row

from metrics.admin import reference, setup
from metrics.answers.report import report
from metrics.contract import ACTIVITY_MEASURES, CASES, NRM_REFERRALS
from metrics.measures.growth import growth
from metrics.measures.growth import rate as _growth
from metrics.periods import Period
from metrics.returns import ingest
from sample_data.generate import workbook_bytes

# Each example writes a workbook and loads it into DuckDB: keep the count modest.
DATABASE_EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

counts = st.one_of(st.none(), st.integers(min_value=0, max_value=10**6))


@given(base=counts, compare=counts)
def test_growth_is_undefined_exactly_when_a_count_is_missing_or_the_base_is_zero(base, compare):
    result = _growth(base, compare)
    assert (result["base"], result["compare"]) == (base, compare)
    if base in (0, None) or compare is None:
        assert result["growth"] is None
    else:
        assert result["growth"] == round((compare - base) / base, 6)


@pytest.fixture(scope="module")
def property_db(tmp_path_factory):
    """A database whose June 2019 return each example replaces."""
    path = tmp_path_factory.mktemp("properties") / "properties.duckdb"
    setup.open_database(path).close()
    return path


@DATABASE_EXAMPLES
@given(base=st.integers(0, 50), compare=st.integers(0, 50), split=st.booleans())
def test_growth_of_reference_rows_never_raises(property_db, base, compare, split):
    rows = ["area,period_start,period_end,referrals"]
    if split:  # the base year as two half years that add up to it
        rows += [f"Area,2016-01-01,2016-06-30,{base // 2}", f"Area,2016-07-01,2016-12-31,{base - base // 2}"]
    else:
        rows.append(f"Area,2016-01-01,2016-12-31,{base}")
    rows.append(f"Area,2017-01-01,2017-12-31,{compare}")
    con = setup.open_database(property_db)
    try:
        reference.replace_table(
            con, NRM_REFERRALS, reference.read_csv(NRM_REFERRALS, "\n".join(rows).encode(), "nrm_referrals.csv")
        )
        result = growth(con, Period("2016-01", "2016-12"), Period("2017-01", "2017-12"), "no returns needed")
    finally:
        con.close()
    expected = None if base == 0 else round((compare - base) / base, 6)
    assert result["areas"] == {"Area": {"base": base, "compare": compare, "growth": expected}}


START, AS_AT = dt.date(2019, 4, 1), dt.date(2019, 6, 30)
NO_ACTIVITY = {name: 0 for name, _ in ACTIVITY_MEASURES}


def _day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


@st.composite
def a_case(draw, number: int) -> dict:
    """One case consistent with the contract, referred between April and June 2019."""
    referred = draw(st.integers(0, (AS_AT - START).days))
    contact = draw(st.one_of(st.none(), st.integers(referred, (AS_AT - START).days)))
    closed = draw(st.one_of(st.none(), st.integers(referred, (AS_AT - START).days)))
    codes = {c.name: c.codes for c in CASES.columns if c.type == "code"}

    def pick(column: str, blank: bool = False):
        return draw(st.sampled_from(((None,) if blank else ()) + codes[column]))

    case = case_row(
        f"P-{number:02d}",
        _day(referred),
        None if contact is None else _day(contact),
        nationality=pick("nationality_group"),
        trafficking=pick("trafficking_indicated"),
        nrm=pick("nrm_status"),
        ms1=pick("duty_to_notify"),
        support=pick("support_level", blank=True),
        closed=None if closed is None else _day(closed),
        reason=None if closed is None else pick("closure_reason"),
        outcomes=tuple(pick(column, blank=True) for column in CASES.names if column.startswith("outcome_")),
        voice=pick("voice_captured", blank=True),
    )
    return case


case_sets = st.integers(0, 8).flatmap(lambda n: st.tuples(*(a_case(i) for i in range(n))))
periods = st.sampled_from([Period("2019-04", "2019-04"), Period("2019-06", "2019-06"), Period("2019-04", "2019-06")])


@DATABASE_EXAMPLES
@given(cases=case_sets, period=periods)
def test_every_rate_in_a_report_is_undefined_or_within_0_and_1(property_db, cases, period):
    data = {
        "about": {"service": SERVICE, "reporting_month": "2019-06", "prepared_by": "hypothesis", "submitted_on": AS_AT},
        "cases": list(cases),
        "activity": NO_ACTIVITY,
        "spend": [],
    }
    con = setup.open_database(property_db)
    try:
        ingest.ingest_bytes(con, workbook_bytes(data), "2019-06.xlsx", user="hypothesis")
        result = report(con, period, SERVICE)
    finally:
        con.close()
    rates = {name: result[name] for name in result if name.endswith("_rate")}
    rates |= {f"outcome_{key}": value for key, value in result["outcome_rates"].items()}
    assert len(rates) == 12
    for name, value in rates.items():
        assert value is None or 0 <= value <= 1, (name, value)
    # each rate is undefined exactly when its denominator is empty
    assert (result["planned_closure_rate"] is None) == (result["closures"] == 0)
    assert (result["voice_captured_rate"] is None) == (result["closures"] == 0)
    assert (result["uk_national_rate"] is None) == (result["referrals_received"] == 0)
    assert (result["outside_nrm_rate"] is None) == (result["victims_supported"] == 0)
    # nothing is spent in these returns: the cost per victim is zero, or undefined without victims
    assert result["cost_per_victim"] == (None if result["victims_supported"] == 0 else 0.0)
