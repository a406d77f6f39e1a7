"""The benchmark's data and yardstick: bulk-loaded data is what uploads would give, the derived tables
equal their definitions, a service's figures ignore every other service, and the pandas reference
agrees with metrics.report on the quick data. The quick benchmark itself runs (timings not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import duckdb
import pytest

from benchmarks import data, pandas_reference
from metrics.admin import reference, setup
from metrics.answers.report import report
from metrics.contract import BANK_HOLIDAYS, BUDGET
from metrics.periods import Period
from metrics.store import loading, marts
from tests import realclient
from tests.conftest import ROOT

TINY = replace(data.QUICK, services=2, first="2019-01", last="2019-04", per_month=(5, 8))
QUICK_PERIODS = [
    Period("2019-12", "2019-12"),  # the as-at month: some deadlines still pending
    Period("2019-01", "2019-12"),  # a whole calendar-year grant
    Period("2018-10", "2019-03"),  # across two grants
    Period("2018-01", "2019-12"),  # everything
]
VIEWS = {
    "case_snapshots": "SELECT * FROM case_snapshots",
    "cases_latest": "SELECT * FROM cases_latest",
    "activity_counts": "SELECT * FROM activity_counts",
    "spend_charged": "SELECT * FROM spend_charged",
    "current_uploads": "SELECT upload_id, service, reporting_month, cases_rows, spend_rows FROM current_uploads",
}


def _database(path, size, load) -> duckdb.DuckDBPyConnection:
    con = setup.open_database(path)
    data.set_budget(con, size)
    load(con, data.build(size))
    return con


def _views(con) -> dict[str, list]:
    return {name: con.execute(f"{sql} ORDER BY ALL").fetchall() for name, sql in VIEWS.items()}


def _stale_derived_tables(con) -> list[str]:
    """The derived tables whose rows differ from their definition computed afresh from the stored rows."""
    return [
        table
        for table, sql in marts.MART_TABLES.items()
        if con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        != con.execute(f"SELECT * FROM ({sql}) ORDER BY ALL").fetchall()
    ]


@pytest.fixture(scope="module")
def quick_con(tmp_path_factory):
    """The --quick benchmark database: 3 services over 2018-2019, bulk-loaded."""
    con = _database(tmp_path_factory.mktemp("quick") / "quick.duckdb", data.QUICK, data.bulk_load)
    yield con
    con.close()


def test_bulk_load_gives_the_same_views_as_loading_each_return(tmp_path):
    bulk = _database(tmp_path / "bulk.duckdb", TINY, data.bulk_load)
    one_by_one = _database(tmp_path / "each.duckdb", TINY, data.load_with_store)
    try:
        expected = _views(one_by_one)
        assert _views(bulk) == expected
        returns = data.build(TINY)
        assert len(expected["current_uploads"]) == 8  # 2 services x 4 months
        assert len(expected["case_snapshots"]) == sum(len(m["cases"]) for s in returns.values() for m in s.values())
        assert len(expected["spend_charged"]) == 8 * 4  # salary, pension, management, travel
    finally:
        bulk.close()
        one_by_one.close()


def test_the_derived_tables_follow_loads_replacements_rollbacks_and_settings(tmp_path):
    con = _database(tmp_path / "t.duckdb", TINY, data.load_with_store)
    try:
        assert _stale_derived_tables(con) == []
        service = data.service_name(0)
        returns = data.service_returns(0, TINY)
        april = returns["2019-04"]
        dropped = april["cases"][0]["case_ref"]
        in_march = [row for row in returns["2019-03"]["cases"] if row["case_ref"] == dropped]
        april["cases"] = april["cases"][1:]  # a corrected April that no longer lists one case
        for row in april["cases"]:
            row["nationality_group"] = "Unknown"
        tables = data.monthly_tables(april)
        loading.load_return(con, **tables, file_name="april-fixed.xlsx", sha256="x", user="test")
        latest = con.execute(
            "SELECT reporting_month, nationality_group FROM cases_latest WHERE service = ? AND case_ref = ?",
            [service, dropped],
        ).fetchall()
        assert latest == [("2019-03", in_march[0]["nationality_group"])]  # its March snapshot is the latest again
        assert _stale_derived_tables(con) == []
        loading.rollback(con, "2019-04", service, "test")
        assert _stale_derived_tables(con) == []
        assert con.execute(
            "SELECT reporting_month FROM cases_latest WHERE service = ? AND case_ref = ?", [service, dropped]
        ).fetchall() == [("2019-04",)]
        # A corrected March under April: April's snapshots stay the latest.
        march = returns["2019-03"]
        for row in march["cases"]:
            row["nationality_group"] = "Unknown"
        loading.load_return(con, **data.monthly_tables(march), file_name="march-fixed.xlsx", sha256="x", user="test")
        assert _stale_derived_tables(con) == []
        in_april = [row for row in data.service_returns(0, TINY)["2019-04"]["cases"] if row["case_ref"] == dropped]
        assert con.execute(
            "SELECT reporting_month, nationality_group FROM cases_latest WHERE service = ? AND case_ref = ?",
            [service, dropped],
        ).fetchall() == [("2019-04", in_april[0]["nationality_group"])]  # April lists it again after the rollback
        # A corrected April listing every case again: its rows replace the latest snapshots as they are.
        april = data.service_returns(0, TINY)["2019-04"]
        for row in april["cases"]:
            row["support_level"] = "Low"
        loading.load_return(con, **data.monthly_tables(april), file_name="april-again.xlsx", sha256="x", user="test")
        assert _stale_derived_tables(con) == []
        assert con.execute(
            "SELECT DISTINCT support_level FROM cases_latest WHERE service = ? AND reporting_month = '2019-04'",
            [service],
        ).fetchall() == [("Low",)]
        # A second grant sharing April: April's spend rows, which name no grant, no longer have one.
        budget = data.budget_csv(TINY.first, TINY.last) + b"Extra,Salary,100,2019-04-15,2019-05-31\n"
        reference.replace_table(con, BUDGET, reference.read_csv(BUDGET, budget, "budget.csv"))
        assert _stale_derived_tables(con) == []
        assert con.execute(
            """SELECT reporting_month, count(*) FROM spend_charged WHERE budget_line = 'Salary' AND "grant" IS NULL
               GROUP BY ALL"""
        ).fetchall() == [("2019-04", 2)]  # one salary row for each service
        holidays = b"date,name\n2019-04-01,An invented holiday\n"
        reference.replace_table(con, BANK_HOLIDAYS, reference.read_csv(BANK_HOLIDAYS, holidays, "bank_holidays.csv"))
        assert _stale_derived_tables(con) == []
    finally:
        con.close()


def test_working_days_follow_a_new_bank_holidays_table(tmp_path):
    con = setup.open_database(tmp_path / "t.duckdb")
    try:
        # Friday 2019-03-01 is not a bank holiday: a referral that day is due on Tuesday 5 March.
        due = "SELECT w2.day FROM working_days w1 JOIN working_days w2 ON w2.n = w1.n + 2 WHERE w1.day = ?"
        assert con.execute(due, ["2019-03-01"]).fetchall()[0][0].isoformat() == "2019-03-05"
        csv = b"date,name\n2019-03-04,An invented holiday\n"
        reference.replace_table(con, BANK_HOLIDAYS, reference.read_csv(BANK_HOLIDAYS, csv, "bank_holidays.csv"))
        assert con.execute(due, ["2019-03-01"]).fetchall()[0][0].isoformat() == "2019-03-06"
        assert con.execute("SELECT count(*) FROM working_days WHERE day = '2019-03-04'").fetchall() == [(0,)]
    finally:
        con.close()


def test_a_service_report_ignores_every_other_service(tmp_path, quick_con):
    alone = setup.open_database(tmp_path / "alone.duckdb")
    try:
        data.set_budget(alone, data.QUICK)
        data.bulk_load(alone, {data.service_name(0): data.service_returns(0, data.QUICK)})
        for period in QUICK_PERIODS:
            assert report(quick_con, period, data.service_name(0)) == report(alone, period, data.service_name(0))
    finally:
        alone.close()


def test_the_services_share_case_references(quick_con):
    # What makes the test above meaningful: the same case_ref is a different case in each service.
    shared = quick_con.execute(
        "SELECT count(*) FROM (SELECT case_ref FROM cases_latest GROUP BY 1 HAVING count(DISTINCT service) = 3)"
    ).fetchall()[0][0]
    assert shared > 100


@pytest.mark.parametrize("period", QUICK_PERIODS, ids=str)
def test_pandas_reference_agrees_with_the_report_for_every_service(quick_con, period):
    frames = pandas_reference.load_frames(quick_con)
    for index in range(data.QUICK.services):
        service = data.service_name(index)
        ours = pandas_reference.comparable(report(quick_con, period, service))
        theirs = pandas_reference.report(frames, period.first, period.last, service)
        assert pandas_reference.differences(ours, theirs) == [], (service, period)
        assert ours["referrals_received"] > 0 and ours["victims_supported"] > 0


def test_the_comparison_notices_a_difference():
    base = {"referrals_received": 10, "timely_contact_rate": 0.5, "spend": {"actual": 100.0, "variance_pct": 0.1}}
    assert pandas_reference.differences(base, base) == []
    off_by_a_penny = base | {"spend": {"actual": 100.01, "variance_pct": 0.1}}
    assert pandas_reference.differences(base, off_by_a_penny) == []
    assert pandas_reference.differences(base, base | {"referrals_received": 11}) == ["referrals_received: 10 != 11"]
    assert pandas_reference.differences(base, base | {"timely_contact_rate": 0.50001}) == [
        "timely_contact_rate: 0.5 != 0.50001"
    ]
    assert pandas_reference.differences(base, base | {"spend": {"actual": 100.0, "variance_pct": 0.11}}) == [
        "spend.variance_pct: 0.1 != 0.11"
    ]


def test_the_quick_benchmark_runs_and_reports_every_figure():
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout)
    print(json.dumps(results, indent=2))  # the timings, for the CI log: never asserted
    for name in (
        "ingest_s",
        "openpyxl_read_s",
        "ingest_ratio_vs_openpyxl",
        "report_ms",
        "pandas_report_ms",
        "report_speedup_vs_pandas",
        "page_first_run_s",
        "page_rerun_s",
        "peak_rss_mb",
    ):
        assert isinstance(results[name], float) and results[name] > 0, name
    assert (results["rows"], results["services"], results["months"]) == (9351, 3, 24)
    assert results["report_matches_pandas"] is True
    assert set(results["targets"]) == {
        "ingest_ratio_vs_openpyxl",
        "report_speedup_vs_pandas",
        "report_ms",
        "page_rerun_s",
        "peak_rss_mb",
        "realclient_libreoffice_vs_openpyxl",
    }
    # The real-client row: measured wherever LibreOffice and Gnumeric are installed (as in CI).
    measured = not realclient.missing()
    assert results["realclient_missing"] == realclient.missing()
    for name in ("realclient_openpyxl_check_s", "realclient_libreoffice_check_s", "realclient_gnumeric_check_s"):
        assert (isinstance(results[name], float) and results[name] > 0) if measured else results[name] is None
