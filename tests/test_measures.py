"""Every measure against figures worked out by hand from DOMAIN.md, on the fixture in measure_fixture.py.

Read the fixture's docstring first: it lists each case with its referral weekday, deadline and
contact. Below, each figure's comment shows the cases and the arithmetic behind it. Rates are
compared as the report rounds them (6 decimal places), money as it rounds it (to the penny).
The budget has the pilot (26000 + 8000 over 366 days, to 13 June 2019) and an extension
(27450 + 7320 over 366 days from 14 June 2019: 75 and 20 pounds a day).
"""

from __future__ import annotations

import pytest
from measure_fixture import AS_AT, SERVICE, build

from metrics.admin import setup
from metrics.answers.report import report
from metrics.measures.compute import Figure, breakdown, compute
from metrics.measures.facts import CASE_FACTS
from metrics.measures.grading import grade, reading
from metrics.measures.registry import MEASURES
from metrics.periods import Period

RATE_TARGETS = {"target": 0.8, "better": "higher", "amber_band": 0.1}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """A connection to the fixture database, built once for this module."""
    connection = setup.open_database(build(tmp_path_factory.mktemp("measures") / "fixture.duckdb"))
    yield connection
    connection.close()


def test_the_fixture_loads_as_three_months_as_at_the_end_of_june(con):
    rows = con.execute(
        "SELECT reporting_month, cases_rows, spend_rows FROM current_uploads WHERE service = ? ORDER BY 1", [SERVICE]
    ).fetchall()
    # April: G-01 G-02 G-03 G-04 G-12 G-13; May: G-02..G-07 G-12 G-13; June: G-03..G-06 G-08..G-13.
    assert rows == [("2019-04", 6, 4), ("2019-05", 8, 5), ("2019-06", 10, 6)]
    assert AS_AT.isoformat() == "2019-06-30"


def test_the_latest_snapshot_of_a_corrected_case_wins(con):
    rows = con.execute(
        """SELECT reporting_month, exploitation_type, nrm_status, duty_to_notify, first_contact_date
           FROM cases_latest WHERE case_ref = 'G-04'"""
    ).fetchall()
    assert [(m, e, n, d, str(c)) for m, e, n, d, c in rows] == [
        ("2019-06", "Labour", "Declined NRM referral", "Yes", "2019-05-02")
    ]


def test_spend_rows_of_the_shared_month_belong_to_the_grant_they_name(con):
    rows = con.execute(
        """SELECT reporting_month, "grant", budget_line, sum(amount_gbp) FROM spend_charged
           GROUP BY ALL ORDER BY 1, 2, 3 DESC"""
    ).fetchall()
    assert [(m, g, line, float(total)) for m, g, line, total in rows] == [
        ("2019-04", "Pilot 2018-19", "Salary", 2131.15),  # blank grant: the only grant of April
        ("2019-04", "Pilot 2018-19", "On-costs", 620.40),  # 200 + 120.40 + 300
        ("2019-05", "Pilot 2018-19", "Salary", 2202.19),
        ("2019-05", "Pilot 2018-19", "On-costs", 555.25),  # 200 + 95.25 - 40 (refund) + 300
        ("2019-06", "Extension 2019-20", "Salary", 1275.00),
        ("2019-06", "Extension 2019-20", "On-costs", 323.00),  # 23 + 300
        ("2019-06", "Pilot 2018-19", "Salary", 923.50),
        ("2019-06", "Pilot 2018-19", "On-costs", 250.10),  # 100.10 + 150
    ]


def test_deadlines_are_the_second_working_day_after_referral(con):
    sql = CASE_FACTS + "SELECT case_ref, strftime(deadline, '%a %Y-%m-%d'), contact_status FROM case_facts"
    quarter = Period("2019-04", "2019-06")
    params = {"period_keys": ["q"], "period_starts": [quarter.start], "period_ends": [quarter.end]}
    params |= {"service": SERVICE, "as_at": AS_AT}
    assert sorted(con.execute(sql, params).fetchall()) == [
        ("G-01", "Fri 2019-03-22", "timely"),  # Wednesday: Thursday, Friday
        ("G-02", "Wed 2019-04-03", "timely"),  # contacted on the deadline itself
        ("G-03", "Wed 2019-04-24", "timely"),  # Thursday before Good Friday and Easter Monday: Tuesday, Wednesday
        ("G-04", "Wed 2019-05-01", "late"),  # across the month end
        ("G-05", "Tue 2019-05-14", "timely"),  # Friday: Monday, Tuesday
        ("G-06", "Tue 2019-05-21", "late"),  # Saturday: Monday, Tuesday; contacted Wednesday
        ("G-07", "Fri 2019-05-31", "timely"),
        ("G-08", "Wed 2019-06-05", "missed"),  # no contact, deadline before the as-at date
        ("G-09", "Tue 2019-07-02", "pending"),  # no contact, deadline after the as-at date 2019-06-30
        ("G-10", "Wed 2019-06-12", "timely"),
        ("G-11", "Mon 2019-06-17", "timely"),  # Thursday: Friday, Monday
        ("G-12", "Wed 2019-02-13", "timely"),
        ("G-13", "Fri 2019-04-12", "late"),
    ]


# --- the quarter April to June 2019 -------------------------------------------------------------

QUARTER = {
    "service": SERVICE,
    "audience": "internal",
    "period_from": "2019-04",
    "period_to": "2019-06",
    "as_at": "2019-06-30",
    # referred 2019-04-01..06-30: G-02 G-03 G-04 G-13 (Apr), G-05 G-06 G-07 (May), G-08 G-09 G-10 G-11 (Jun)
    "referrals_received": 11,
    # contacted by 06-30, not declining, open in the quarter: G-01 (closed 04-30) G-02 G-03 G-04 G-05
    # G-06 (blank support) G-10 G-11 G-12 G-13; not G-07 (declined), G-08 and G-09 (no contact)
    "victims_supported": 10,
    # timely: G-02 G-03 (bank holidays) G-05 (Friday) G-07 G-10 G-11; late: G-04 G-06 (Saturday, due
    # Tuesday, contacted Wednesday) G-13; missed: G-08; pending (left out): G-09 -> 6 / 10
    "timely_contact_rate": 0.6,
    # days to contact: G-07 0, G-10 1, G-02 2, G-04 3, G-05 4, G-06 4, G-11 4, G-13 5, G-03 6 -> 5th of 9 = 4
    "median_days_to_contact": 4,
    # open at 06-30: G-03 G-04 G-06 G-08 G-09 G-11 G-12
    "caseload_end": 7,
    # closed: G-01 04-30, G-02 05-15, G-07 05-31, G-13 06-05, G-05 06-20, G-10 06-25
    "closures": 6,
    # Support completed: G-01 G-05 G-13 -> 3 / 6
    "planned_closure_rate": 0.5,
    "outcome_rates": {
        # closures in order G-01 G-02 G-07 G-13 G-05 G-10 (blank and Not known left out):
        "safer": 0.8,  # Imp NoC - Imp Imp Imp -> 4 / 5
        "health": 0.75,  # Imp NK - Imp Imp NoC -> 3 / 4
        "cope": 0.666667,  # NoC NK - Imp Imp - -> 2 / 3
        "informed": 0.666667,  # Imp NK - NoC Imp NK -> 2 / 3
        "access": 1.0,  # NK NK - - Imp Imp -> 2 / 2
        "justice": 0.5,  # - NK - NK Imp NoC -> 1 / 2
    },
    "voice_captured_rate": 0.5,  # Yes No blank Yes Yes No -> 3 / 6 (a blank is not Yes)
    # of the 10 supported: Outside G-01 G-05 G-12; Declined G-04 (corrected) G-11 -> 5 / 10
    "outside_nrm_rate": 0.5,
    "nrm_referrals": 3,  # Referred to NRM: G-02 G-03 G-10
    "duty_to_notify_referrals": 3,  # MS1 Yes: G-04 (corrected from No) G-07 G-11
    "activity": {  # April + May + June
        "partnership_meetings": 6,  # 2 + 3 + 1
        "training_sessions": 3,  # 1 + 2 + 0
        "professionals_trained": 37,  # 12 + 25 + 0
        "awareness_events": 3,  # 0 + 1 + 2
        "partner_advice_requests": 12,  # 3 + 4 + 5
        "third_party_reports": 3,  # 1 + 2 + 0
        "policy_contributions": 2,  # 0 + 1 + 1
    },
    "uk_national_rate": 0.454545,  # UK: G-04 G-05 G-07 G-09 G-11 -> 5 / 11
    "trafficking_indicated_rate": 0.363636,  # Yes: G-02 G-03 G-06 G-10 -> 4 / 11 (Unknown G-04 G-09 stay in)
    "spend": {
        "budget": 68770.0,  # both grants overlap: 26000 + 8000 + 27450 + 7320
        "actual": 8280.59,  # salary 6531.84 + on-costs 1748.75
        # pilot: 34000 * 74/366 (1 Apr..13 Jun) = 6874.32; extension: (75 + 20) * 17 (14..30 Jun) = 1615
        "expected": 8489.32,
        "variance": -208.73,  # 8280.59 - 8489.3169
        "variance_pct": -0.024587,  # -208.7269 / 8489.3169
        # pilot: 6682.59 spent since its start * 366/366; extension: 1598 * 366/17 = 34404
        "forecast_outturn": 41086.59,
        "by_line": {
            "Salary": {
                "budget": 53450.0,  # 26000 + 27450
                "actual": 6531.84,  # pilot 2131.15 + 2202.19 + 923.50 = 5256.84; extension 1275
                "expected": 6531.83,  # 26000 * 74/366 = 5256.8306 + 75 * 17 = 1275
                "variance": 0.01,  # 6531.84 - 6531.8306 = 0.0094
                "variance_pct": 0.000001,  # 0.0094 / 6531.8306 = 0.0000014
                "forecast_outturn": 32706.84,  # 5256.84 * 366/366 + 1275 * 366/17 = 27450
            },
            "On-costs": {
                "budget": 15320.0,  # 8000 + 7320
                "actual": 1748.75,  # pilot 620.40 + 555.25 + 250.10 = 1425.75; extension 323
                "expected": 1957.49,  # 8000 * 74/366 = 1617.4863 + 20 * 17 = 340
                "variance": -208.74,  # 1748.75 - 1957.4863 = -208.7363
                "variance_pct": -0.106635,  # -208.7363 / 1957.4863
                "forecast_outturn": 8379.75,  # 1425.75 + 323 * 366/17 = 6954
            },
        },
    },
    "cost_per_victim": 828.06,  # 8280.59 / 10
    "estimated_saving": 27739.98,  # 8280.59 * 3.35 = 27739.9765
    "rag": {
        "timely_contact_rate": {
            "grade": "red",  # 0.6 is 0.3 short of 0.9, beyond the 0.1 band
            "target": 0.9,
            "reading": "6 of 10 referrals (60%) were contacted within 2 working days; target 90% or more: red",
        },
        "median_days_to_contact": {
            "grade": "red",  # 4 is 2 over 2, beyond the band of 1
            "target": 2.0,
            "reading": "Half of the referrals were contacted within 4 days; target 2 days or less: red",
        },
        "planned_closure_rate": {
            "grade": "red",  # 0.5 is 0.2 short of 0.7
            "target": 0.7,
            "reading": "3 of 6 closures (50%) were planned: support completed; target 70% or more: red",
        },
        "outcome_safer_rate": {
            "grade": "green",  # 0.8 meets 0.8 exactly
            "target": 0.8,
            "reading": "4 of 5 closed cases (80%) felt safer; target 80% or more: green",
        },
        "outcome_health_rate": {
            "grade": "amber",  # 0.75 is 0.05 short, within the band
            "target": 0.8,
            "reading": "3 of 4 closed cases (75%) had better health and wellbeing; target 80% or more: amber",
        },
        "outcome_cope_rate": {
            "grade": "red",  # 0.667 is 0.133 short
            "target": 0.8,
            "reading": "2 of 3 closed cases (67%) were better able to cope with everyday life; "
            "target 80% or more: red",
        },
        "outcome_informed_rate": {
            "grade": "red",
            "target": 0.8,
            "reading": "2 of 3 closed cases (67%) were better informed and empowered; target 80% or more: red",
        },
        "outcome_access_rate": {
            "grade": "green",
            "target": 0.8,
            "reading": "2 of 2 closed cases (100%) had better access to other services; "
            "target 80% or more: green",
        },
        "outcome_justice_rate": {
            "grade": "red",
            "target": 0.8,
            "reading": "1 of 2 closed cases (50%) were better able to engage with the justice process; "
            "target 80% or more: red",
        },
        "voice_captured_rate": {
            "grade": "red",
            "target": 0.8,
            "reading": "The victim's voice was captured in 3 of 6 closures (50%); target 80% or more: red",
        },
        "spend_variance_abs": {
            "grade": "green",  # |-0.0246| is within the 0.05 target
            "target": 0.05,
            "reading": "Spend of £8,281 against £8,489 expected is 2.5% off profile; target 5.0% or less: green",
        },
    },
}


def test_quarter_report_matches_the_hand_worked_figures(con):
    assert report(con, Period("2019-04", "2019-06")) == QUARTER


# --- the single month June 2019 (shared by the two grants) --------------------------------------

JUNE = {
    "service": SERVICE,
    "audience": "internal",
    "period_from": "2019-06",
    "period_to": "2019-06",
    "as_at": "2019-06-30",
    "referrals_received": 4,  # G-08 G-09 G-10 G-11
    # contacted by 06-30, open in June: G-03 G-04 G-05 (closed 06-20) G-06 G-10 G-11 G-12 G-13 (closed 06-05)
    "victims_supported": 8,
    "timely_contact_rate": 0.666667,  # G-10 G-11 timely, G-08 missed, G-09 pending -> 2 / 3
    "median_days_to_contact": 2.5,  # G-10 1, G-11 4 -> (1 + 4) / 2
    "caseload_end": 7,  # as for the quarter: the same period end
    "closures": 3,  # G-13 G-05 G-10
    "planned_closure_rate": 0.666667,  # G-13 G-05 -> 2 / 3
    "outcome_rates": {
        # closures G-13 G-05 G-10:
        "safer": 1.0,  # Imp Imp Imp -> 3 / 3
        "health": 0.666667,  # Imp Imp NoC -> 2 / 3
        "cope": 1.0,  # Imp Imp - -> 2 / 2
        "informed": 0.5,  # NoC Imp NK -> 1 / 2
        "access": 1.0,  # - Imp Imp -> 2 / 2
        "justice": 0.5,  # NK Imp NoC -> 1 / 2
    },
    "voice_captured_rate": 0.666667,  # Yes Yes No -> 2 / 3
    "outside_nrm_rate": 0.5,  # of the 8: G-04 G-05 G-11 G-12 -> 4 / 8
    "nrm_referrals": 1,  # G-10
    "duty_to_notify_referrals": 1,  # G-11
    "activity": {
        "partnership_meetings": 1,
        "training_sessions": 0,
        "professionals_trained": 0,
        "awareness_events": 2,
        "partner_advice_requests": 5,
        "third_party_reports": 0,
        "policy_contributions": 1,
    },
    "uk_national_rate": 0.5,  # G-09 G-11 -> 2 / 4
    "trafficking_indicated_rate": 0.25,  # G-10 -> 1 / 4
    "spend": {
        "budget": 68770.0,
        "actual": 2771.60,  # pilot 923.50 + 250.10, extension 1275 + 323
        "expected": 2822.65,  # pilot 34000 * 13/366 (1..13 Jun) = 1207.6503; extension 95 * 17 = 1615
        "variance": -51.05,  # 2771.60 - 2822.6503 = -51.0503
        "variance_pct": -0.018086,  # -51.0503 / 2822.6503
        "forecast_outturn": 41086.59,  # as for the quarter: the same period end
        "by_line": {
            "Salary": {
                "budget": 53450.0,
                "actual": 2198.50,  # 923.50 + 1275
                "expected": 2198.50,  # 26000 * 13/366 = 923.4973 + 1275 = 2198.4973
                "variance": 0.0,  # 2198.50 - 2198.4973 = 0.0027
                "variance_pct": 0.000001,  # 0.0027 / 2198.4973 = 0.0000012
                "forecast_outturn": 32706.84,
            },
            "On-costs": {
                "budget": 15320.0,
                "actual": 573.10,  # 250.10 + 323
                "expected": 624.15,  # 8000 * 13/366 = 284.1530 + 340
                "variance": -51.05,  # 573.10 - 624.1530 = -51.0530
                "variance_pct": -0.081796,  # -51.0530 / 624.1530
                "forecast_outturn": 8379.75,
            },
        },
    },
    "cost_per_victim": 346.45,  # 2771.60 / 8
    "estimated_saving": 9284.86,  # 2771.60 * 3.35
    "rag": {
        "timely_contact_rate": {
            "grade": "red",  # 0.233 short of 0.9
            "target": 0.9,
            "reading": "2 of 3 referrals (67%) were contacted within 2 working days; target 90% or more: red",
        },
        "median_days_to_contact": {
            "grade": "amber",  # 2.5 is 0.5 over 2, within the band of 1
            "target": 2.0,
            "reading": "Half of the referrals were contacted within 2.5 days; target 2 days or less: amber",
        },
        "planned_closure_rate": {
            "grade": "amber",  # 0.667 is 0.033 short of 0.7
            "target": 0.7,
            "reading": "2 of 3 closures (67%) were planned: support completed; target 70% or more: amber",
        },
        "outcome_safer_rate": {
            "grade": "green",
            "target": 0.8,
            "reading": "3 of 3 closed cases (100%) felt safer; target 80% or more: green",
        },
        "outcome_health_rate": {
            "grade": "red",  # 0.667 is 0.133 short, beyond the band
            "target": 0.8,
            "reading": "2 of 3 closed cases (67%) had better health and wellbeing; target 80% or more: red",
        },
        "outcome_cope_rate": {
            "grade": "green",
            "target": 0.8,
            "reading": "2 of 2 closed cases (100%) were better able to cope with everyday life; "
            "target 80% or more: green",
        },
        "outcome_informed_rate": {
            "grade": "red",
            "target": 0.8,
            "reading": "1 of 2 closed cases (50%) were better informed and empowered; target 80% or more: red",
        },
        "outcome_access_rate": {
            "grade": "green",
            "target": 0.8,
            "reading": "2 of 2 closed cases (100%) had better access to other services; "
            "target 80% or more: green",
        },
        "outcome_justice_rate": {
            "grade": "red",
            "target": 0.8,
            "reading": "1 of 2 closed cases (50%) were better able to engage with the justice process; "
            "target 80% or more: red",
        },
        "voice_captured_rate": {
            "grade": "red",
            "target": 0.8,
            "reading": "The victim's voice was captured in 2 of 3 closures (67%); target 80% or more: red",
        },
        "spend_variance_abs": {
            "grade": "green",
            "target": 0.05,
            "reading": "Spend of £2,772 against £2,823 expected is 1.8% off profile; target 5.0% or less: green",
        },
    },
}


def test_single_month_shared_by_two_grants_matches_the_hand_worked_figures(con):
    assert report(con, Period("2019-06", "2019-06")) == JUNE


# --- January to March 2019: no return covers it, no case closed in it ----------------------------

NOT_GRADED = "no cases to measure in this period; not graded (grey)"

EARLY = {
    "service": SERVICE,
    "audience": "internal",
    "period_from": "2019-01",
    "period_to": "2019-03",
    "as_at": "2019-06-30",
    "referrals_received": 2,  # G-12 02-11 and G-01 03-20, known from the April return
    "victims_supported": 2,  # both contacted by 03-31 and open then
    "timely_contact_rate": 1.0,  # both contacted the next day -> 2 / 2
    "median_days_to_contact": 1,  # 1 and 1
    "caseload_end": 2,
    "closures": 0,
    "planned_closure_rate": None,  # no closures: undefined, not zero
    "outcome_rates": dict.fromkeys(("safer", "health", "cope", "informed", "access", "justice")),
    "voice_captured_rate": None,
    "outside_nrm_rate": 1.0,  # both Outside NRM threshold
    "nrm_referrals": 0,
    "duty_to_notify_referrals": 0,
    "activity": dict.fromkeys(
        (
            "partnership_meetings",
            "training_sessions",
            "professionals_trained",
            "awareness_events",
            "partner_advice_requests",
            "third_party_reports",
            "policy_contributions",
        ),
        0,
    ),
    "uk_national_rate": 1.0,
    "trafficking_indicated_rate": 0.0,  # both No: zero, defined
    "spend": {
        "budget": 34000.0,  # only the pilot overlaps
        "actual": 0.0,  # no return, no spend
        "expected": 8360.66,  # 34000 * 90/366 (31 + 28 + 31 days)
        "variance": -8360.66,
        "variance_pct": -1.0,
        "forecast_outturn": 0.0,  # nothing spent since 2018-06-13 in the store
        "by_line": {
            "Salary": {
                "budget": 26000.0,
                "actual": 0.0,
                "expected": 6393.44,  # 26000 * 90/366
                "variance": -6393.44,
                "variance_pct": -1.0,
                "forecast_outturn": 0.0,
            },
            "On-costs": {
                "budget": 8000.0,
                "actual": 0.0,
                "expected": 1967.21,  # 8000 * 90/366
                "variance": -1967.21,
                "variance_pct": -1.0,
                "forecast_outturn": 0.0,
            },
        },
    },
    "cost_per_victim": 0.0,  # 0 / 2
    "estimated_saving": 0.0,
    "rag": {
        "timely_contact_rate": {
            "grade": "green",
            "target": 0.9,
            "reading": "2 of 2 referrals (100%) were contacted within 2 working days; target 90% or more: green",
        },
        "median_days_to_contact": {
            "grade": "green",
            "target": 2.0,
            "reading": "Half of the referrals were contacted within 1 day; target 2 days or less: green",
        },
        "planned_closure_rate": {"grade": "grey", "target": 0.7, "reading": f"Planned closures: {NOT_GRADED}"},
        **{
            f"outcome_{key}_rate": {"grade": "grey", "target": 0.8, "reading": f"Outcome: {text}: {NOT_GRADED}"}
            for key, text in (
                ("safer", "feels safer"),
                ("health", "improved health and wellbeing"),
                ("cope", "better able to cope with everyday life"),
                ("informed", "better informed and empowered"),
                ("access", "better access to other services"),
                ("justice", "able to engage with the justice process"),
            )
        },
        "voice_captured_rate": {"grade": "grey", "target": 0.8, "reading": f"Victim's voice captured: {NOT_GRADED}"},
        "spend_variance_abs": {
            "grade": "red",  # 100% off profile
            "target": 0.05,
            "reading": "Spend of £0.00 against £8,361 expected is 100% off profile; target 5.0% or less: red",
        },
    },
}


def test_period_without_closures_has_undefined_rates_graded_grey(con):
    assert report(con, Period("2019-01", "2019-03")) == EARLY


def test_a_period_before_any_case_has_every_case_rate_undefined(con):
    result = report(con, Period("2018-01", "2018-01"))
    rates = [result[k] for k in ("timely_contact_rate", "planned_closure_rate", "voice_captured_rate")]
    rates += [result[k] for k in ("outside_nrm_rate", "uk_national_rate", "trafficking_indicated_rate")]
    rates += list(result["outcome_rates"].values())
    assert rates == [None] * 12
    assert (result["referrals_received"], result["median_days_to_contact"], result["cost_per_victim"]) == (
        0,
        None,
        None,
    )
    # no grant overlaps January 2018: nothing budgeted, nothing expected, the variance share undefined
    assert result["spend"] == {
        "budget": 0.0,
        "actual": 0.0,
        "expected": 0.0,
        "variance": 0.0,
        "variance_pct": None,
        "forecast_outturn": 0.0,
        "by_line": {},
    }


# --- comparison, series and breakdowns --------------------------------------------------------------


def test_the_quarter_beside_the_quarter_before(con):
    quarter = Period("2019-04", "2019-06")
    both = compute(con, {"current": quarter, "previous": quarter.previous()})
    picked = {name: (both["current"][name].value, both["previous"][name].value)
              for name in ("referrals_received", "victims_supported", "closures", "timely_contact_rate")}
    assert picked == {
        "referrals_received": (11, 2),
        "victims_supported": (10, 2),
        "closures": (6, 0),
        "timely_contact_rate": (0.6, 1.0),
    }
    # the quarter before had no closures: its planned-closure rate is undefined
    planned = both["current"]["planned_closure_rate"], both["previous"]["planned_closure_rate"]
    assert (planned[0].value, planned[1].value) == (0.5, None)
    assert both["previous"]["spend_actual"].value == 0.0
    assert both["current"]["spend_actual"].value == pytest.approx(8280.59)
    assert list(both["current"]) == list(MEASURES)  # every measure of the registry, in its order


def test_each_month_on_its_own(con):
    names = ["referrals_received", "victims_supported", "closures", "caseload_end", "timely_contact_rate"]
    months = {m: Period(m, m) for m in ("2019-04", "2019-05", "2019-06")}
    computed = compute(con, months, names=names)
    assert {name: {m: computed[m][name].value for m in months} for name in names} == {
        "referrals_received": {"2019-04": 4, "2019-05": 3, "2019-06": 4},
        # April: G-01 G-02 G-03 G-12 G-13 (G-04 first contacted in May); May: G-02 G-03 G-04 G-05 G-06 G-12
        # G-13 (G-07 declined); June: as the June report
        "victims_supported": {"2019-04": 5, "2019-05": 7, "2019-06": 8},
        "closures": {"2019-04": 1, "2019-05": 2, "2019-06": 3},
        # 30 Apr: G-02 G-03 G-04 G-12 G-13 (G-01 closed that day); 31 May: G-03 G-04 G-05 G-06 G-12 G-13
        "caseload_end": {"2019-04": 5, "2019-05": 6, "2019-06": 7},
        # April: G-02 G-03 timely, G-04 G-13 late; May: G-05 G-07 timely, G-06 late; June: as the report
        "timely_contact_rate": {"2019-04": 2 / 4, "2019-05": 2 / 3, "2019-06": 2 / 3},
    }


def test_breakdown_by_exploitation_type_uses_the_corrected_value(con):
    months = {m: Period(m, m) for m in ("2019-04", "2019-05", "2019-06")}
    assert breakdown(con, months, "referred", "exploitation_type") == {
        "2019-04": {"Criminal": 1, "Labour": 2, "Sexual": 1},  # G-13; G-03 and G-04 (Not yet known in April's
        # return, Labour since May); G-02
        "2019-05": {"Domestic servitude": 1, "Labour": 1, "Multiple": 1},  # G-05, G-06, G-07
        "2019-06": {"Criminal": 1, "Labour": 1, "Not yet known": 1, "Sexual": 1},  # G-10, G-11, G-09, G-08
    }


def test_breakdown_names_a_blank_support_level(con):
    assert breakdown(con, {"may": Period("2019-05", "2019-05")}, "referred", "support_level") == {
        "may": {"Advice and signposting": 1, "Declined support": 1, "Not recorded": 1},  # G-05, G-07, G-06 (blank)
    }


# --- grades at their boundaries, and readings ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (0.9, {"target": 0.9, "better": "higher", "amber_band": 0.1}, "green"),  # met exactly
        (0.95, {"target": 0.9, "better": "higher", "amber_band": 0.1}, "green"),
        (0.8, {"target": 0.9, "better": "higher", "amber_band": 0.1}, "amber"),  # exactly at the band's edge
        (0.7999, {"target": 0.9, "better": "higher", "amber_band": 0.1}, "red"),
        (0.7, RATE_TARGETS, "amber"),
        (0.6999, RATE_TARGETS, "red"),
        (2, {"target": 2, "better": "lower", "amber_band": 1}, "green"),
        (3, {"target": 2, "better": "lower", "amber_band": 1}, "amber"),
        (3.01, {"target": 2, "better": "lower", "amber_band": 1}, "red"),
        (0.05, {"target": 0.05, "better": "lower", "amber_band": 0.05}, "green"),
        (0.1, {"target": 0.05, "better": "lower", "amber_band": 0.05}, "amber"),
        (0.1001, {"target": 0.05, "better": "lower", "amber_band": 0.05}, "red"),
        (0.9, {"target": 0.9, "better": "higher", "amber_band": 0}, "green"),
        (0.89, {"target": 0.9, "better": "higher", "amber_band": 0}, "red"),  # no band: no amber
        (None, RATE_TARGETS, "grey"),  # undefined
        ("<5", RATE_TARGETS, "grey"),  # suppressed
        (0.5, None, "grey"),  # no target set
    ],
)
def test_grade_boundaries(value, target, expected):
    assert grade(value, target) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (38, 42, "38 of 42 referrals (90%) were contacted within 2 working days; target 90% or more: green"),
        (36, 40, "36 of 40 referrals (90%) were contacted within 2 working days; target 90% or more: green"),
        (32, 40, "32 of 40 referrals (80%) were contacted within 2 working days; target 90% or more: amber"),
        (31, 40, "31 of 40 referrals (78%) were contacted within 2 working days; target 90% or more: red"),
        (1, 20, "1 of 20 referrals (5.0%) were contacted within 2 working days; target 90% or more: red"),
    ],
)
def test_timely_contact_readings(numerator, denominator, expected):
    target = {"target": 0.9, "better": "higher", "amber_band": 0.1}
    figure = Figure("timely_contact_rate", numerator / denominator, numerator, denominator)
    assert reading(figure, target) == expected


def test_a_period_running_past_the_latest_return_forecasts_from_the_as_at_date(tmp_path):
    """Issue 17 #8: `report --from 2019-04 --to 2020-03` with returns to June 2019 (DOMAIN.md: forecast outturn)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    path = build(tmp_path / "fixture.duckdb")
    done = subprocess.run([sys.executable, "-m", "metrics", "report", "--from", "2019-04", "--to", "2020-03",
                           "--json", "--db", str(path)], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    spend = json.loads(done.stdout)["spend"]
    # As at 2019-06-30. The pilot (366 days to 13 June 2019) has ended: its forecast is what it spent,
    # salary 5256.84 and on-costs 1425.75. The extension (366 days from 14 June 2019) is known for 17 days
    # (14..30 June), not the 292 to the period's end (14 June 2019..31 March 2020):
    # salary 1275 * 366/17 = 27450 (not 1598.12), on-costs 323 * 366/17 = 6954 (not 404.86).
    assert spend["by_line"]["Salary"]["forecast_outturn"] == 32706.84  # 5256.84 + 27450
    assert spend["by_line"]["On-costs"]["forecast_outturn"] == 8379.75  # 1425.75 + 6954
    assert spend["forecast_outturn"] == 41086.59  # was 8685.57, which read as £60,000 under budget
    assert spend["budget"] == 68770.0
    # expected: the pilot's 74 days (1 Apr..13 Jun) of 366, 34000 * 74/366 = 6874.32; the extension's 292, 95 * 292
    assert spend["expected"] == 34614.32
