"""`python -m metrics report` on the sample database, checked against a recount of the committed workbooks.

The recount reads the thirteen workbooks with openpyxl and applies DOMAIN.md's definitions in plain
Python, independently of the store, the views and the measure registry.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
RETURNS = sorted((ROOT / "sample_data" / "returns").glob("*.xlsx"))
START, END = dt.date(2018, 6, 1), dt.date(2019, 6, 30)  # 2018-06 to 2019-06

DOCUMENTED_KEYS = {
    "period_from",
    "period_to",
    "as_at",
    "referrals_received",
    "victims_supported",
    "timely_contact_rate",
    "median_days_to_contact",
    "caseload_end",
    "closures",
    "planned_closure_rate",
    "outcome_rates",
    "voice_captured_rate",
    "outside_nrm_rate",
    "nrm_referrals",
    "duty_to_notify_referrals",
    "activity",
    "uk_national_rate",
    "trafficking_indicated_rate",
    "spend",
    "cost_per_victim",
    "estimated_saving",
    "rag",
}
SPEND_KEYS = {"budget", "actual", "expected", "variance", "variance_pct", "forecast_outturn"}


def _rows(sheet) -> list[dict]:
    header, *rows = sheet.iter_rows(values_only=True)
    # read-only rows stop at their last filled cell: pad them to the header's width
    return [{name: row[i] if i < len(row) else None for i, name in enumerate(header)} for row in rows if any(row)]


def _day(value) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.fixture(scope="module")
def recount() -> dict:
    """The sample year's figures recounted from the workbooks: latest snapshot per case, sums of the rest."""
    latest, activity, spend = {}, {}, Decimal(0)
    for path in RETURNS:  # in month order, so that a later row replaces an earlier one
        book = load_workbook(path, read_only=True)
        for row in _rows(book["Cases"]):
            latest[row["case_ref"]] = row | {k: _day(v) for k, v in row.items() if k.endswith("_date")}
        for row in _rows(book["Activity"]):
            activity[row["measure"]] = activity.get(row["measure"], 0) + row["count"]
        spend += sum(Decimal(str(row["amount_gbp"])) for row in _rows(book["Spend"]))
        book.close()
    with (ROOT / "sample_data" / "bank_holidays.csv").open() as handle:
        holidays = {dt.date.fromisoformat(row["date"]) for row in csv.DictReader(handle)}
    with (ROOT / "sample_data" / "budget.csv").open() as handle:
        budget = sum(Decimal(row["amount_gbp"]) for row in csv.DictReader(handle))

    def deadline(day: dt.date) -> dt.date:
        """The second working day after `day`."""
        found = 0
        while found < 2:
            day += dt.timedelta(days=1)
            found += day.weekday() < 5 and day not in holidays
        return day

    cases = list(latest.values())
    referred = [c for c in cases if START <= c["referral_date"] <= END]
    contacted = [c for c in referred if c["first_contact_date"]]
    as_at = END  # the latest return is June 2019
    decided = [c for c in referred if c["first_contact_date"] or deadline(c["referral_date"]) <= as_at]
    timely = [c for c in contacted if c["first_contact_date"] <= deadline(c["referral_date"])]
    return {
        "cases": len(cases),
        "referrals_received": len(referred),
        "victims_supported": sum(
            1
            for c in cases
            if c["first_contact_date"]
            and c["first_contact_date"] <= END
            and c["support_level"] != "Declined support"
            and c["referral_date"] <= END
            and (c["closed_date"] is None or c["closed_date"] >= START)
        ),
        "timely_contact_rate": round(len(timely) / len(decided), 6),
        "median_days_to_contact": statistics.median(
            (c["first_contact_date"] - c["referral_date"]).days for c in contacted
        ),
        "caseload_end": sum(1 for c in cases if c["referral_date"] <= END and c["closed_date"] is None),
        "closures": sum(1 for c in cases if c["closed_date"] and START <= c["closed_date"] <= END),
        "nrm_referrals": sum(1 for c in referred if c["nrm_status"] == "Referred to NRM"),
        "duty_to_notify_referrals": sum(1 for c in referred if c["duty_to_notify"] == "Yes"),
        "uk_national_rate": round(sum(c["nationality_group"] == "UK" for c in referred) / len(referred), 6),
        "activity": activity,
        "budget": float(budget),
        "actual": float(spend),
    }


def _metrics(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def own_sample_db(sample_db_file, tmp_path_factory) -> Path:
    """A copy of the sample database for this module's commands: other tests may hold the shared one open."""
    return Path(shutil.copy(sample_db_file, tmp_path_factory.mktemp("report_cli") / "sample.duckdb"))


@pytest.fixture(scope="module")
def year_json(own_sample_db) -> dict:
    """`report --json` for the whole sample year, run as the command it is."""
    done = _metrics("report", "--from", "2018-06", "--to", "2019-06", "--json", "--db", str(own_sample_db))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_report_json_has_exactly_the_documented_keys(year_json):
    assert set(year_json) == DOCUMENTED_KEYS
    assert set(year_json["outcome_rates"]) == {"safer", "health", "cope", "informed", "access", "justice"}
    assert set(year_json["activity"]) == {
        "partnership_meetings",
        "training_sessions",
        "professionals_trained",
        "awareness_events",
        "partner_advice_requests",
        "third_party_reports",
        "policy_contributions",
    }
    assert set(year_json["spend"]) == SPEND_KEYS | {"by_line"}
    assert set(year_json["spend"]["by_line"]) == {"Salary", "On-costs"}
    assert all(set(line) == SPEND_KEYS for line in year_json["spend"]["by_line"].values())
    assert all(set(r) == {"grade", "target", "reading"} for r in year_json["rag"].values())
    assert (year_json["period_from"], year_json["period_to"], year_json["as_at"]) == (
        "2018-06",
        "2019-06",
        "2019-06-30",
    )


def test_report_counts_match_a_recount_of_the_workbooks(year_json, recount):
    # every case in the sample was referred inside the year, so referrals are the distinct case references
    assert year_json["referrals_received"] == recount["referrals_received"] == recount["cases"]
    for name in (
        "victims_supported",
        "timely_contact_rate",
        "median_days_to_contact",
        "caseload_end",
        "closures",
        "nrm_referrals",
        "duty_to_notify_referrals",
        "uk_national_rate",
        "activity",
    ):
        assert year_json[name] == recount[name], name


def test_report_spend_matches_the_workbooks_and_the_budget(year_json, recount):
    spend = year_json["spend"]
    # the year covers the whole pilot (366 days): expected is the budget, and the forecast is what was spent
    assert spend["budget"] == recount["budget"] == 34000.0
    assert spend["actual"] == round(recount["actual"], 2)
    assert spend["expected"] == 34000.0
    assert spend["variance"] == round(recount["actual"] - 34000, 2)
    assert spend["forecast_outturn"] == spend["actual"]
    assert spend["by_line"]["Salary"]["budget"] + spend["by_line"]["On-costs"]["budget"] == 34000.0
    assert year_json["estimated_saving"] == round(recount["actual"] * 3.35, 2)
    assert year_json["cost_per_victim"] == round(recount["actual"] / recount["victims_supported"], 2)


def test_report_as_text_runs(own_sample_db, recount):
    done = _metrics("report", "--from", "2018-06", "--to", "2019-06", "--db", str(own_sample_db))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Connect Gwent MSHT Advocate: 2018-06 to 2019-06 (as at 2019-06-30, audience internal)"
    received = next(line for line in lines if line.startswith("Referrals received"))
    assert received.split() == ["Referrals", "received", str(recount["referrals_received"])]
    assert "Readings:" in lines and "Spend by budget line:" in lines
