"""metrics.trends: every frame the growth, spend, trends and demand pages show, on a fixture small enough
to count by hand, for both audiences.

Five monthly returns (January to May 2019) of 25 cases, written with sample_data.generate.workbook_bytes
and loaded with metrics.ingest.ingest_bytes. One grant, 'Test grant 2019', runs the calendar year 2019
with Salary 3,650 and On-costs 730 (10 and 2 pounds a day), so expected spend is easy to work out.
NRM reference data: the UK by month (January to May 2019), Gwent Police by quarter (Q1 and Q2 2019).

Referrals by month and gender (F/M):  Jan 4/2  Feb 1/1  Mar 3/2  Apr 5/0  May 4/3   (6, 2, 5, 5, 7)
UK nationals:                          Jan 3    Feb 1    Mar 2    Apr 3    May 4
Trafficking indicated:                 Jan 2    Feb 0    Mar 3    Apr 1    May 2
Closures (reason):  J5 Jan 20 Other, J4 Jan 31 completed, J1 Feb 20 completed, J2 Mar 15 completed,
                    F1 Apr 10 Disengaged, A4 Apr 25 completed, M1 Apr 30 completed, Y4 May 15 Other.
First contact the day after referral, except F2 and Y7 (never contacted).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from metrics.admin import reference, setup
from metrics.answers import demand, growth, referrals, series, spend
from metrics.contract import BUDGET, NRM_REFERRALS
from metrics.measures import compute, formatting, publication
from metrics.periods import Period, month_end
from metrics.returns import ingest
from metrics.store import settings
from sample_data.generate import workbook_bytes

SERVICE = "Tiny MSHT Advocate"
MONTHS = ("2019-01", "2019-02", "2019-03", "2019-04", "2019-05")
D = dt.date
ST, SP, AD, DE = "Short-term", "Specialist", "Advice and signposting", "Declined support"
DONE = "Support completed"

# (ref, referred, gender, nationality, trafficking, support level, contacted, closed, closure reason)
CASES = [
    ("J1", D(2019, 1, 7), "Female", "UK", "No", ST, True, D(2019, 2, 20), DONE),
    ("J2", D(2019, 1, 8), "Female", "UK", "Yes", ST, True, D(2019, 3, 15), DONE),
    ("J3", D(2019, 1, 9), "Female", "EU/EEA", "Yes", SP, True, None, None),
    ("J4", D(2019, 1, 10), "Female", "Non-EU", "No", AD, True, D(2019, 1, 31), DONE),
    ("J5", D(2019, 1, 14), "Male", "UK", "No", DE, True, D(2019, 1, 20), "Other"),
    ("J6", D(2019, 1, 15), "Male", "Non-EU", "No", ST, True, None, None),
    ("F1", D(2019, 2, 4), "Female", "UK", "No", SP, True, D(2019, 4, 10), "Disengaged"),
    ("F2", D(2019, 2, 5), "Male", "Non-EU", "No", None, False, None, None),
    ("M1", D(2019, 3, 4), "Female", "UK", "Yes", ST, True, D(2019, 4, 30), DONE),
    ("M2", D(2019, 3, 5), "Female", "UK", "Yes", ST, True, None, None),
    ("M3", D(2019, 3, 6), "Female", "EU/EEA", "Yes", SP, True, None, None),
    ("M4", D(2019, 3, 7), "Male", "Non-EU", "No", ST, True, None, None),
    ("M5", D(2019, 3, 8), "Male", "Unknown", "Unknown", None, True, None, None),
    ("A1", D(2019, 4, 1), "Female", "UK", "Yes", ST, True, None, None),
    ("A2", D(2019, 4, 2), "Female", "UK", "No", SP, True, None, None),
    ("A3", D(2019, 4, 3), "Female", "UK", "No", ST, True, None, None),
    ("A4", D(2019, 4, 4), "Female", "EU/EEA", "No", AD, True, D(2019, 4, 25), DONE),
    ("A5", D(2019, 4, 5), "Female", "Non-EU", "No", ST, True, None, None),
    ("Y1", D(2019, 5, 6), "Female", "UK", "Yes", ST, True, None, None),
    ("Y2", D(2019, 5, 7), "Female", "UK", "No", SP, True, None, None),
    ("Y3", D(2019, 5, 8), "Female", "UK", "No", ST, True, None, None),
    ("Y4", D(2019, 5, 9), "Female", "UK", "No", DE, True, D(2019, 5, 15), "Other"),
    ("Y5", D(2019, 5, 10), "Male", "EU/EEA", "Yes", ST, True, None, None),
    ("Y6", D(2019, 5, 13), "Male", "Non-EU", "No", SP, True, None, None),
    ("Y7", D(2019, 5, 14), "Male", "Non-EU", "No", None, False, None, None),
]

SPEND = {  # month: [(budget line, detail, amount)]
    "2019-01": [("Salary", "Advocate salary", 300), ("On-costs", "Travel", 70)],
    "2019-02": [("Salary", "Advocate salary", 300), ("On-costs", "Travel", 50)],
    "2019-03": [("Salary", "Advocate salary", 320), ("On-costs", "Travel", 62)],
    "2019-04": [("Salary", "Advocate salary", 300), ("On-costs", "Travel", 90),
                ("On-costs", "Travel refund (cancelled visit)", -10)],
    "2019-05": [("Salary", "Advocate salary", 310), ("On-costs", "Travel", 62)],
}
MEETINGS = {"2019-01": 1, "2019-02": 2, "2019-03": 3, "2019-04": 4, "2019-05": 5}

BUDGET_CSV = """grant,budget_line,amount_gbp,start_date,end_date
Test grant 2019,Salary,3650,2019-01-01,2019-12-31
Test grant 2019,On-costs,730,2019-01-01,2019-12-31
"""
NRM_CSV = """area,period_start,period_end,referrals
UK,2019-01-01,2019-01-31,800
UK,2019-02-01,2019-02-28,700
UK,2019-03-01,2019-03-31,900
UK,2019-04-01,2019-04-30,1000
UK,2019-05-01,2019-05-31,1100
Gwent Police,2019-01-01,2019-03-31,9
Gwent Police,2019-04-01,2019-06-30,12
"""


def _row(case, month: str) -> dict | None:
    """The case as the return for `month` shows it: no contact or closure before it happened."""
    ref, referred, gender, nationality, trafficking, support, contacted, closed, reason = case
    first, last = D(int(month[:4]), int(month[5:]), 1), month_end(month)
    if referred > last or (closed and closed < first):
        return None
    contact = referred + dt.timedelta(days=1) if contacted else None
    shut = closed if closed and closed <= last else None
    return {
        "case_ref": ref, "referral_date": referred, "referral_source": "Police", "exploitation_type": "Labour",
        "nationality_group": nationality, "age_band": "25-34", "gender": gender,
        "trafficking_indicated": trafficking, "nrm_status": "Not yet assessed", "duty_to_notify": "No",
        "first_contact_date": contact if contact and contact <= last else None, "support_level": support,
        "closed_date": shut, "closure_reason": reason if shut else None,
    }


def _return(month: str) -> dict:
    activity = dict.fromkeys(("partnership_meetings", "training_sessions", "professionals_trained",
                              "awareness_events", "partner_advice_requests", "third_party_reports",
                              "policy_contributions"), 0)
    activity["partnership_meetings"] = MEETINGS[month]
    return {
        "about": {"service": SERVICE, "reporting_month": month, "prepared_by": "test",
                  "submitted_on": month_end(month) + dt.timedelta(days=5)},
        "cases": [row for case in CASES if (row := _row(case, month))],
        "activity": activity,
        "spend": [{"budget_line": line, "detail": detail, "amount_gbp": amount}
                  for line, detail, amount in SPEND[month]],
    }


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """A connection to the tiny database, built once for this module."""
    connection = setup.open_database(tmp_path_factory.mktemp("trends") / "tiny.duckdb")
    for sheet, text, name in ((BUDGET, BUDGET_CSV, "budget.csv"), (NRM_REFERRALS, NRM_CSV, "nrm_referrals.csv")):
        reference.replace_table(connection, sheet, reference.read_csv(sheet, text.encode(), name), "test", "fixture")
    for month in MONTHS:
        ingest.ingest_bytes(connection, workbook_bytes(_return(month)), f"{month}.xlsx", user="test")
    yield connection
    connection.close()


JAN_MAY = Period("2019-01", "2019-05")
APR_MAY = Period("2019-04", "2019-05")


def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Rows as tuples, with missing values (None, NaN, NA) as None and floats to 6 places."""
    def clean(v):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        return round(v, 6) if isinstance(v, float) else v
    return [tuple(clean(v) for v in row) for row in frame[columns].itertuples(index=False)]


# --- time slices ------------------------------------------------------------------------------


def test_time_slices_and_labels():
    assert series.time_periods(Period("2019-02", "2019-05"), "quarter") == {
        "2019-Q1": Period("2019-02", "2019-03"), "2019-Q2": Period("2019-04", "2019-05")}
    assert list(series.time_periods(Period("2019-02", "2019-03"))) == ["2019-02", "2019-03"]
    assert [series.slice_label(p) for p in (Period("2019-01", "2019-12"), Period("2018-12", "2019-01"),
                                            Period("2019-04", "2019-04"), Period("2019-04", "2019-06"))] == [
        "2019", "Dec 2018 to Jan 2019", "Apr 2019", "Apr-Jun 2019"]
    with pytest.raises(ValueError):
        series.time_periods(JAN_MAY, "week")


def test_trend_period_widens_short_periods_to_the_months_loaded(con):
    assert series.trend_period(con, Period("2019-05", "2019-05")) == JAN_MAY
    assert series.trend_period(con, Period("2019-02", "2019-04")) == Period("2019-02", "2019-04")


# --- referrals --------------------------------------------------------------------------------


def test_referrals_by_gender_by_month(con):
    frame = referrals.referrals_by(con, JAN_MAY, "gender")
    assert list(frame.columns) == ["key", "label", "category", "referrals", "shown", "suppressed"]
    assert records(frame, ["label", "category", "referrals", "shown", "suppressed"]) == [
        ("Jan 2019", "Female", 4, "4", False), ("Jan 2019", "Male", 2, "2", False),
        ("Feb 2019", "Female", 1, "1", False), ("Feb 2019", "Male", 1, "1", False),
        ("Mar 2019", "Female", 3, "3", False), ("Mar 2019", "Male", 2, "2", False),
        ("Apr 2019", "Female", 5, "5", False), ("Apr 2019", "Male", 0, "0", False),
        ("May 2019", "Female", 4, "4", False), ("May 2019", "Male", 3, "3", False),
    ]


def test_referrals_by_gender_for_the_partnership(con):
    # The partnership sees whole quarters only: Jan-Mar 2019 (F 4+1+3 = 8, M 2+1+2 = 5), rounded to the
    # nearest 5; April and May make no whole quarter yet, so they are not shown.
    quarterly = referrals.referrals_by(con, JAN_MAY, "gender", audience="partnership", grain="quarter")
    assert records(quarterly, ["label", "category", "referrals", "shown", "suppressed"]) == [
        ("Jan-Mar 2019", "Female", 10, "10", False), ("Jan-Mar 2019", "Male", 5, "5", False)]
    monthly = referrals.referrals_by(con, JAN_MAY, "gender", audience="partnership")
    assert records(monthly, ["label", "category", "shown"]) == records(quarterly, ["label", "category", "shown"])


def test_pivot_shown_lays_a_breakdown_out_for_reading(con):
    wide = series.pivot_shown(referrals.referrals_by(con, JAN_MAY, "gender", grain="quarter"), "label", "category")
    assert wide.to_dict("records") == [{"label": "Jan-Mar 2019", "Female": "8", "Male": "5"},
                                       {"label": "Apr-May 2019", "Female": "9", "Male": "3"}]


def test_rolling_referrals(con):
    frame = referrals.rolling_referrals(con, JAN_MAY)
    # the window of January and February starts before the first return loaded
    assert records(frame, ["month", "referrals", "referrals_shown", "rolling_3m", "rolling_shown"]) == [
        ("2019-01", 6, "6", None, "n/a"), ("2019-02", 2, "2", None, "n/a"), ("2019-03", 5, "5", 13, "13"),
        ("2019-04", 5, "5", 12, "12"), ("2019-05", 7, "7", 17, "17"),
    ]


def test_rolling_referrals_for_the_partnership(con):
    # A rolling three-month total is a custom range: it would give single months away by subtraction.
    with pytest.raises(PermissionError, match="months are not published for the partnership"):
        referrals.rolling_referrals(con, JAN_MAY, audience="partnership")


def test_myths_by_month(con):
    frame = series.measure_series(con, JAN_MAY, series.MYTHS)
    assert records(frame, ["key", "measure", "value", "shown", "basis", "status"]) == [
        ("2019-01", "uk_national_rate", 0.5, "50%", "3 of 6", "shown"),
        ("2019-01", "trafficking_indicated_rate", 0.333333, "33%", "2 of 6", "shown"),
        ("2019-02", "uk_national_rate", 0.5, "50%", "1 of 2", "shown"),
        ("2019-02", "trafficking_indicated_rate", 0.0, "0%", "0 of 2", "shown"),
        ("2019-03", "uk_national_rate", 0.4, "40%", "2 of 5", "shown"),
        ("2019-03", "trafficking_indicated_rate", 0.6, "60%", "3 of 5", "shown"),
        ("2019-04", "uk_national_rate", 0.6, "60%", "3 of 5", "shown"),
        ("2019-04", "trafficking_indicated_rate", 0.2, "20%", "1 of 5", "shown"),
        ("2019-05", "uk_national_rate", 0.571429, "57%", "4 of 7", "shown"),
        ("2019-05", "trafficking_indicated_rate", 0.285714, "29%", "2 of 7", "shown"),
    ]
    assert set(frame["measure_label"]) == {"Referrals who are UK nationals", "Referrals with trafficking indicated"}


def test_myths_for_the_partnership(con):
    # Jan-Mar 2019: 6 of 13 UK nationals (46.15%) and 5 of 13 with trafficking indicated (38.46%), each
    # with 5 or more either side and 10 or more behind it: whole percentages, with no counts beside them.
    quarterly = series.measure_series(con, JAN_MAY, series.MYTHS, audience="partnership", grain="quarter")
    assert records(quarterly, ["label", "measure", "value", "shown", "basis", "status"]) == [
        ("Jan-Mar 2019", "uk_national_rate", 0.46, "46%", "", "shown"),
        ("Jan-Mar 2019", "trafficking_indicated_rate", 0.38, "38%", "", "shown"),
    ]


def test_caseload_closures_and_planned_closures(con):
    names = ("caseload_end", "closures", "planned_closure_rate", "outcome_safer_rate")
    frame = series.measure_series(con, JAN_MAY, names)
    by = {(r.key, r.measure): (r.value, r.shown, r.status) for r in frame.itertuples()}
    assert [by[(m, "caseload_end")][0] for m in MONTHS] == [4, 5, 9, 11, 17]
    assert [by[(m, "closures")][0] for m in MONTHS] == [2, 1, 1, 3, 1]
    assert [round(by[(m, "planned_closure_rate")][0], 6) for m in MONTHS] == [0.5, 1.0, 1.0, 0.666667, 0.0]
    # no outcomes were recorded: undefined, not zero
    assert {by[(m, "outcome_safer_rate")][1:] for m in MONTHS} == {("n/a", "undefined")}


def test_caseload_and_closures_for_the_partnership(con):
    # Caseload at the end of March 9 -> 10; closures in the quarter 2 + 1 + 1 = 4 -> '<5'.
    frame = series.measure_series(con, JAN_MAY, series.CASELOAD, audience="partnership")
    assert records(frame, ["key", "measure", "value", "shown", "status"]) == [
        ("2019-Q1", "caseload_end", 10.0, "10", "shown"), ("2019-Q1", "closures", None, "<5", "suppressed")]


def test_activity_is_not_suppressed(con):
    internal = series.measure_series(con, JAN_MAY, ("activity_partnership_meetings",))
    assert records(internal, ["value", "shown", "status"]) == [(float(n), str(n), "shown") for n in range(1, 6)]
    # for the partnership by quarter, exact: 1 + 2 + 3 meetings
    frame = series.measure_series(con, JAN_MAY, ("activity_partnership_meetings",), audience="partnership")
    assert records(frame, ["key", "value", "shown", "status"]) == [("2019-Q1", 6.0, "6", "shown")]


def test_growth_choices_and_months(con):
    assert growth.growth_choices(con) == {
        "Latest 2 months loaded against the 2 before": (Period("2019-02", "2019-03"), Period("2019-04", "2019-05"))}
    months = growth.growth_months(con)
    assert (months[0], months[-1], len(months)) == ("2019-01", "2019-12", 12)


def test_growth_beside_the_reference_areas(con):
    result = growth.growth_comparison(con, Period("2019-01", "2019-02"), APR_MAY)
    columns = ["area", "kind", "base", "compare", "change", "growth", "base_shown", "compare_shown",
               "change_shown", "growth_shown", "available"]
    assert records(result["table"], columns) == [
        (f"{SERVICE} (this service)", "service", 8, 12, 4, 0.5, "8", "12", "+4", "+50%", True),
        ("Gwent Police", "reference", None, None, None, None, "n/a", "n/a", "n/a", "n/a", False),
        ("UK", "national", 1500, 2100, 600, 0.4, "1,500", "2,100", "+600", "+40%", True),
    ]
    assert result["headline"] == "+50% locally vs +40% nationally (UK)"
    assert result["notes"] == ["Gwent Police: not available: its reference data (2 rows from Jan 2019 to Jun 2019) "
                               "does not cover the whole of Jan-Feb 2019 or Apr-May 2019."]


def test_growth_says_when_the_returns_do_not_cover_a_period(con):
    result = growth.growth_comparison(con, Period("2019-01", "2019-03"), Period("2019-04", "2019-06"))
    assert records(result["table"], ["area", "base", "compare", "growth", "available"]) == [
        (f"{SERVICE} (this service)", 13, 12, -0.076923, True),
        ("Gwent Police", 9, 12, 0.333333, True),
        ("UK", 2400, None, None, False),
    ]
    # The headline says so too, so that it is not read as two whole quarters (issue 17 #7).
    assert result["headline"] == "-8% locally (3 and 2 months of returns) vs +33% in Gwent Police"
    assert result["notes"] == [
        f"{SERVICE}: returns cover 2 of the 3 months of Apr-Jun 2019, so its counts are for those months only: "
        "compare with care.",
        "UK: not available: its reference data (5 rows from Jan 2019 to May 2019) does not cover the whole of "
        "Apr-Jun 2019.",
    ]


def test_growth_for_the_partnership_shows_published_counts_and_no_local_growth(con):
    # The financial year 2018-19 holds only Jan-Mar 2019's returns: 13 referrals in each, shown as 15.
    result = growth.growth_comparison(con, Period("2018-04", "2019-03"), Period("2019-01", "2019-03"),
                                      audience="partnership")
    assert records(result["table"].head(1), ["base_shown", "compare_shown", "growth", "growth_shown"]) == [
        ("15", "15", None, "n/a")]
    assert result["headline"].startswith("Local growth is not shown: the partnership's counts are rounded")


def test_spend_table(con):
    frame = spend.spend_table(con, Period("2019-01", "2019-04"))
    # 120 days of a 365-day grant: expected 1,200 and 240; forecast = actual x 365 / 120
    assert records(frame, list(frame.columns)) == [
        ("Salary", 3650.0, 1200.0, 1220.0, 20.0, 0.016667, 3710.83, 60.83),
        ("On-costs", 730.0, 240.0, 262.0, 22.0, 0.091667, 796.92, 66.92),
        ("Total", 4380.0, 1440.0, 1482.0, 42.0, 0.029167, 4507.75, 127.75),
    ]


def test_spend_profile_runs_from_the_grant_start(con):
    frame = spend.spend_profile(con, Period("2019-04", "2019-04"))
    columns = ["month", "actual", "expected", "cumulative_actual", "cumulative_expected", "cumulative_variance"]
    assert records(frame[frame.budget_line == "Salary"], columns) == [
        ("2019-01", 300.0, 310.0, 300.0, 310.0, -10.0), ("2019-02", 300.0, 280.0, 600.0, 590.0, 10.0),
        ("2019-03", 320.0, 310.0, 920.0, 900.0, 20.0), ("2019-04", 300.0, 300.0, 1220.0, 1200.0, 20.0),
    ]
    assert records(frame[frame.budget_line == "On-costs"], columns) == [
        ("2019-01", 70.0, 62.0, 70.0, 62.0, 8.0), ("2019-02", 50.0, 56.0, 120.0, 118.0, 2.0),
        ("2019-03", 62.0, 62.0, 182.0, 180.0, 2.0), ("2019-04", 80.0, 60.0, 262.0, 240.0, 22.0),
    ]
    assert records(frame[frame.budget_line == "Total"], columns) == [
        ("2019-01", 370.0, 372.0, 370.0, 372.0, -2.0), ("2019-02", 350.0, 336.0, 720.0, 708.0, 12.0),
        ("2019-03", 382.0, 372.0, 1102.0, 1080.0, 22.0), ("2019-04", 380.0, 360.0, 1482.0, 1440.0, 42.0),
    ]
    assert list(frame["label"].iloc[:4]) == ["Jan 2019", "Feb 2019", "Mar 2019", "Apr 2019"]


def test_value_for_money(con):
    value = spend.value_for_money(con, APR_MAY)
    # 752 spent on 18 victims supported (19 in contact, one declined)
    assert {k: value[k] for k in ("spend_actual", "victims_supported", "cost_per_victim", "estimated_saving",
                                  "ratio")} == {"spend_actual": 752.0, "victims_supported": 18,
                                                "cost_per_victim": 41.78, "estimated_saving": 2519.2, "ratio": 3.35}
    assert value["shown"] == {"spend_actual": "£752.00", "victims_supported": "18", "cost_per_victim": "£41.78",
                              "estimated_saving": "£2,519", "ratio": "£3.35 saved for every £1 spent"}
    assert value["source"] == settings.cost_benefit(con)[1]


def test_signed_money():
    assert [formatting.signed_money(v) for v in (63.24, -23.69, -0.4, 1204.5)] == ["+£63", "-£24", "+£0", "+£1,204"]


# --- demand -----------------------------------------------------------------------------------


def test_support_mix(con):
    frame = demand.support_mix(con, APR_MAY)
    assert records(frame, list(frame.columns)) == [
        (ST, 10, "10", False, 0.526316, "53%", True),
        (SP, 6, "6", False, 0.315789, "32%", True),
        (AD, 1, "1", False, 0.052632, "5.3%", True),
        (DE, 1, "1", False, 0.052632, "5.3%", False),
        ("Not recorded", 1, "1", False, 0.052632, "5.3%", True),
    ]
    # the supported rows are exactly the registry's victims supported
    supported = int(frame.loc[frame.supported, "people"].sum())
    assert supported == compute.figures(con, APR_MAY)["victims_supported"].value == 18


def test_support_mix_for_the_partnership(con):
    frame = demand.support_mix(con, Period("2019-01", "2019-03"), audience="partnership")
    assert records(frame, ["support_level", "people", "shown", "share", "share_shown"]) == [
        (ST, 5, "5", None, "not shown"), (SP, None, "<5", None, "not shown"), (AD, None, "<5", None, "not shown"),
        (DE, None, "<5", None, "not shown"), ("Not recorded", None, "<5", None, "not shown"),
    ]
    with pytest.raises(publication.NotOffered, match="Apr 2019 to May 2019 is not a period the partnership"):
        demand.support_mix(con, APR_MAY, audience="partnership")


def test_demand_comparison(con):
    result = demand.demand_comparison(con, APR_MAY)
    assert records(result["comparison"], list(result["comparison"].columns)) == [
        ("Short-term support", 0.625, "62%", "10 of 16 given short-term or specialist support", 0.6,
         "victims who want support"),
        ("Specialist support", 0.375, "38%", "6 of 16 given short-term or specialist support", 0.4,
         "victims who want support"),
    ]
    assert records(result["funnel"], ["share", "of"]) == [
        (0.2, "all victims"), (0.6, "victims who want support"), (0.4, "victims who want support"),
        (0.08, "all victims"), (0.6, "victims who need specialist support")]
    assert result["source"] == demand.DEMAND_SOURCE
    hidden = demand.demand_comparison(con, Period("2019-01", "2019-01"), audience="partnership")["comparison"]
    assert records(hidden, ["service_share", "service_shown", "basis"]) == [(None, "not shown", "")] * 2


def test_demand_funnel_constants_hold_together():
    shares = demand.SEED_SHARES
    assert shares["short_term"].share + shares["specialist"].share == 1.0
    assert round(shares["want_support"].share * shares["specialist"].share, 6) == shares["specialist_of_all"].share
    assert "Crime Survey" in demand.DEMAND_SOURCE


# --- the sample database, recounted independently ------------------------------------------------


def test_sample_database_rolling_totals_and_mix_add_up(sample_db_file):
    connection = setup.open_database(sample_db_file)
    try:
        period = Period("2018-06", "2019-06")
        monthly = connection.execute(
            "SELECT strftime(referral_date, '%Y-%m'), count(*) FROM cases_latest "
            "WHERE referral_date BETWEEN DATE '2018-06-01' AND DATE '2019-06-30' GROUP BY 1").fetchall()
        counts = dict(monthly)
        frame = referrals.rolling_referrals(connection, period)
        assert list(frame["referrals"]) == [counts.get(m, 0) for m in period.months]
        assert list(frame["rolling_3m"].iloc[2:]) == [
            sum(counts.get(m, 0) for m in period.months[i - 2:i + 1]) for i in range(2, len(period.months))]
        mix = demand.support_mix(connection, period)
        victims = compute.figures(connection, period)["victims_supported"].value
        assert int(mix.loc[mix.supported, "people"].sum()) == victims
    finally:
        connection.close()
