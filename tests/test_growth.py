"""Referral growth against NRM reference data shaped like Thames Valley's: +122% locally, +63% nationally."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from measure_fixture import SERVICE, case_row, returns

from metrics.admin import reference, setup
from metrics.cli import run
from metrics.contract import NRM_REFERRALS
from metrics.measures.growth import growth
from metrics.periods import Period
from metrics.returns import ingest
from sample_data.generate import workbook_bytes

# Nine referrals in 2016 and twenty in 2017, all still open in the December 2017 return.
REFERRALS = [dt.date(2016, m, 15) for m in range(1, 10)] + [
    dt.date(2017, 1 + i // 2, 1 + i % 2 * 14) for i in range(20)
]

# UK by quarter (100 in 2016, 163 in 2017); Gwent Police for 2016 only; an area whose 2016 rows cover only
# half the year; an area with none in 2016.
NRM_CSV = """area,period_start,period_end,referrals
UK,2016-01-01,2016-03-31,20
UK,2016-04-01,2016-06-30,25
UK,2016-07-01,2016-09-30,25
UK,2016-10-01,2016-12-31,30
UK,2017-01-01,2017-03-31,40
UK,2017-04-01,2017-06-30,40
UK,2017-07-01,2017-09-30,40
UK,2017-10-01,2017-12-31,43
Gwent Police,2016-01-01,2016-12-31,5
Half year area,2016-01-01,2016-06-30,10
Half year area,2017-01-01,2017-12-31,12
Zero area,2016-01-01,2016-12-31,0
Zero area,2017-01-01,2017-12-31,7
"""

THAMES_VALLEY_SHAPE = {
    "service": {"base": 9, "compare": 20, "growth": 1.222222},  # (20 - 9) / 9 = +122.2%
    "areas": {
        "Gwent Police": {"base": 5, "compare": None, "growth": None},  # no rows for 2017
        "Half year area": {"base": None, "compare": 12, "growth": None},  # 2016 rows cover Jan to Jun only
        "UK": {"base": 100, "compare": 163, "growth": 0.63},  # 20+25+25+30 -> 40+40+40+43: +63%
        "Zero area": {"base": 0, "compare": 7, "growth": None},  # from zero: undefined, not an error
    },
}


@pytest.fixture(scope="module")
def growth_db(tmp_path_factory):
    """A database of one December 2017 return listing 29 referrals, and the NRM rows above."""
    path = tmp_path_factory.mktemp("growth") / "growth.duckdb"
    cases = [case_row(f"TV-{n:02d}", day, None, support=None) for n, day in enumerate(REFERRALS, 1)]
    con = setup.open_database(path)
    try:
        data = returns(cases, ("2017-12",))["2017-12"]
        ingest.ingest_bytes(con, workbook_bytes(data), "2017-12.xlsx", user="test")
        typed = reference.read_csv(NRM_REFERRALS, NRM_CSV.encode(), "nrm_referrals.csv")
        reference.replace_table(con, NRM_REFERRALS, typed, "test", "fixture")
    finally:
        con.close()
    return path


def test_growth_reads_122_percent_locally_against_63_nationally(growth_db):
    con = setup.open_database(growth_db)
    try:
        result = growth(con, Period("2016-01", "2016-12"), Period("2017-01", "2017-12"), SERVICE)
    finally:
        con.close()
    assert result == THAMES_VALLEY_SHAPE


def test_growth_from_a_period_with_no_referrals_is_undefined(growth_db):
    con = setup.open_database(growth_db)
    try:
        result = growth(con, Period("2015-01", "2015-12"), Period("2016-01", "2016-12"))
    finally:
        con.close()
    assert result == {
        "service": {"base": 0, "compare": 9, "growth": None},
        "areas": {  # no area has rows for 2015
            "Gwent Police": {"base": None, "compare": 5, "growth": None},
            "Half year area": {"base": None, "compare": None, "growth": None},
            "UK": {"base": None, "compare": 100, "growth": None},
            "Zero area": {"base": None, "compare": 0, "growth": None},
        },
    }


def test_quarters_of_reference_data_add_up_inside_a_shorter_period(growth_db):
    con = setup.open_database(growth_db)
    try:
        result = growth(con, Period("2016-01", "2016-06"), Period("2017-01", "2017-06"))
    finally:
        con.close()
    # service: Jan..Jun 2016 six referrals; Jan..Jun 2017 twelve (two a month) -> +100%
    assert result["service"] == {"base": 6, "compare": 12, "growth": 1.0}
    # UK: 20 + 25 = 45 -> 40 + 40 = 80: 35 / 45 = 0.777778
    assert result["areas"]["UK"] == {"base": 45, "compare": 80, "growth": 0.777778}
    # a whole-year row does not lie inside a half year: unavailable
    assert result["areas"]["Gwent Police"] == {"base": None, "compare": None, "growth": None}
    assert result["areas"]["Half year area"] == {"base": 10, "compare": None, "growth": None}


def test_growth_command_prints_exactly_the_documented_shape(growth_db, capsys):
    code = run(
        ["growth", "--base", "2016-01:2016-12", "--compare", "2017-01:2017-12", "--json", "--db", str(growth_db)]
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out) == THAMES_VALLEY_SHAPE


def test_growth_command_as_text(growth_db, capsys):
    assert run(["growth", "--base", "2016-01:2016-12", "--compare", "2017-01:2017-12", "--db", str(growth_db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Referral growth")
    assert [line.split() for line in lines[3:]] == [
        ["This", "service", "9", "20", "+122%"],
        ["Gwent", "Police", "5", "n/a", "n/a"],
        ["Half", "year", "area", "n/a", "12", "n/a"],
        ["UK", "100", "163", "+63%"],
        ["Zero", "area", "0", "7", "n/a"],
    ]
