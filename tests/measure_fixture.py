"""A small fixture, built in code, small enough that every measure can be worked out by hand.

Three monthly returns (April, May and June 2019) of thirteen cases, written as .xlsx with
sample_data.generate.workbook_bytes and loaded with metrics.ingest.ingest_bytes, so that the
whole path (workbook, checks, store, views, measures) is exercised. The as-at date is
2019-06-30. A second grant, 'Extension 2019-20', starts the day after the pilot ends, so June
2019 is shared by two grants and its spend rows name their grant.

Each case is written once as its latest state; a case appears in every return from its referral
month (or April, the first return) to the month it closed, and a return never shows a contact
or a closure that happened after its month (as a real return would not). CORRECTIONS lists the
fields a case showed differently in an earlier return.

The cases (referral date, weekday, deadline = second working day after referral):
    G-01  Wed 2019-03-20, due Fri 03-22, contact 03-21 (timely, 1 day); closed 04-30 Support completed
    G-02  Mon 2019-04-01, due Wed 04-03, contact 04-03 (timely, 2 days); closed 05-15 Disengaged
    G-03  Thu 2019-04-18 before Good Friday and Easter Monday, due Wed 04-24, contact 04-24 (timely, 6 days)
    G-04  Mon 2019-04-29, due Wed 05-01, contact 05-02 (late, 3 days); corrected in May: exploitation
          'Not yet known' -> 'Labour', NRM 'Not yet assessed' -> 'Declined NRM referral', MS1 'No' -> 'Yes',
          first contact added
    G-05  Fri 2019-05-10, due Tue 05-14, contact 05-14 (timely, 4 days); closed 06-20 Support completed
    G-06  Sat 2019-05-18, due Tue 05-21, contact 05-22 (late, 4 days); support level blank
    G-07  Wed 2019-05-29, due Fri 05-31, contact 05-29 (timely, 0 days); declined support; closed 05-31 Other
    G-08  Mon 2019-06-03, due Wed 06-05, no contact: missed (deadline before the as-at date)
    G-09  Fri 2019-06-28, due Tue 07-02, no contact: pending (deadline after the as-at date)
    G-10  Mon 2019-06-10, due Wed 06-12, contact 06-11 (timely, 1 day); closed 06-25 Moved out of area
    G-11  Thu 2019-06-13, due Mon 06-17, contact 06-17 (timely, 4 days)
    G-12  Mon 2019-02-11, due Wed 02-13, contact 02-12 (timely, 1 day); open throughout
    G-13  Wed 2019-04-10, due Fri 04-12, contact 04-15 (late, 5 days); closed 06-05 Support completed
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from metrics.admin import reference, setup
from metrics.contract import BUDGET, OUTCOME_AREAS
from metrics.periods import month_end
from metrics.returns import ingest
from sample_data.generate import workbook_bytes
from tests import workbooks

SERVICE = "Fixture MSHT Advocate"
MONTHS = ("2019-04", "2019-05", "2019-06")
AS_AT = dt.date(2019, 6, 30)

PILOT, EXTENSION = "Pilot 2018-19", "Extension 2019-20"
# The pilot as DOMAIN.md gives it (366 days), then an extension of 366 days (2020 is a leap year)
# whose amounts are 75 and 20 pounds a day, so that its expected spend is easy to work out.
BUDGET_CSV = f"""grant,budget_line,amount_gbp,start_date,end_date
{PILOT},Salary,26000,2018-06-13,2019-06-13
{PILOT},On-costs,8000,2018-06-13,2019-06-13
{EXTENSION},Salary,27450,2019-06-14,2020-06-13
{EXTENSION},On-costs,7320,2019-06-14,2020-06-13
"""

D = dt.date
_OUTCOME_COLUMNS = [column for _, column, _ in OUTCOME_AREAS]  # safer, health, cope, informed, access, justice


def case_row(
    ref,
    referred,
    contact,
    *,
    source="Police",
    exploitation="Labour",
    nationality="UK",
    age="25-34",
    gender="Female",
    trafficking="No",
    nrm="Outside NRM threshold",
    ms1="No",
    support="Short-term",
    closed=None,
    reason=None,
    outcomes=(None,) * 6,
    voice=None,
):
    """One case's latest state as a Cases row (workbooks.case_row, with this fixture's names for its fields)."""
    return workbooks.case_row(
        ref, referred, referral_source=source, exploitation_type=exploitation, nationality_group=nationality,
        age_band=age, gender=gender, trafficking_indicated=trafficking, nrm_status=nrm, duty_to_notify=ms1,
        first_contact_date=contact, support_level=support, intelligence_shared=None, closed_date=closed,
        closure_reason=reason, **dict(zip(_OUTCOME_COLUMNS, outcomes)), voice_captured=voice,
    )


IMP, NOC, NK = "Improved", "No change", "Not known"

# outcomes are (safer, health, cope, informed, access, justice); the tables are laid out by hand to be read.
# fmt: off
CASES = [
    case_row("G-01", D(2019, 3, 20), D(2019, 3, 21), closed=D(2019, 4, 30), reason="Support completed",
        outcomes=(IMP, IMP, NOC, IMP, NK, None), voice="Yes"),
    case_row("G-02", D(2019, 4, 1), D(2019, 4, 3), exploitation="Sexual", nationality="EU/EEA", trafficking="Yes",
        nrm="Referred to NRM", closed=D(2019, 5, 15), reason="Disengaged",
        outcomes=(NOC, NK, NK, NK, NK, NK), voice="No"),
    case_row("G-03", D(2019, 4, 18), D(2019, 4, 24), nationality="Non-EU", trafficking="Yes",
        nrm="Referred to NRM", support="Specialist"),
    case_row("G-04", D(2019, 4, 29), D(2019, 5, 2), trafficking="Unknown", nrm="Declined NRM referral", ms1="Yes",
        support="Specialist"),
    case_row("G-05", D(2019, 5, 10), D(2019, 5, 14), exploitation="Domestic servitude",
        support="Advice and signposting", closed=D(2019, 6, 20), reason="Support completed",
        outcomes=(IMP,) * 6, voice="Yes"),
    case_row("G-06", D(2019, 5, 18), D(2019, 5, 22), nationality="Non-EU", trafficking="Yes",
        nrm="Already in NRM", support=None, gender="Male"),
    case_row("G-07", D(2019, 5, 29), D(2019, 5, 29), exploitation="Multiple", nrm="Declined NRM referral",
        ms1="Yes", support="Declined support", closed=D(2019, 5, 31), reason="Other"),
    case_row("G-08", D(2019, 6, 3), None, exploitation="Sexual", nationality="EU/EEA", nrm="Not yet assessed",
        support=None),
    case_row("G-09", D(2019, 6, 28), None, exploitation="Not yet known", trafficking="Unknown",
        nrm="Not yet assessed", support=None),
    case_row("G-10", D(2019, 6, 10), D(2019, 6, 11), exploitation="Criminal", nationality="Non-EU",
        trafficking="Yes", nrm="Referred to NRM", closed=D(2019, 6, 25), reason="Moved out of area",
        outcomes=(IMP, NOC, None, NK, IMP, NOC), voice="No", gender="Male"),
    case_row("G-11", D(2019, 6, 13), D(2019, 6, 17), nrm="Declined NRM referral", ms1="Yes", support="Specialist"),
    case_row("G-12", D(2019, 2, 11), D(2019, 2, 12), exploitation="Sexual", support="Specialist"),
    case_row("G-13", D(2019, 4, 10), D(2019, 4, 15), exploitation="Criminal", nationality="EU/EEA",
        nrm="Already in NRM", closed=D(2019, 6, 5), reason="Support completed",
        outcomes=(IMP, IMP, IMP, NOC, None, NK), voice="Yes"),
]

# Fields a case showed differently in an earlier return: {(case_ref, month): {column: value}}.
CORRECTIONS = {
    ("G-04", "2019-04"): {"exploitation_type": "Not yet known", "nrm_status": "Not yet assessed",
                          "duty_to_notify": "No"},
}

ACTIVITY = {
    "2019-04": {"partnership_meetings": 2, "training_sessions": 1, "professionals_trained": 12, "awareness_events": 0,
                "partner_advice_requests": 3, "third_party_reports": 1, "policy_contributions": 0},
    "2019-05": {"partnership_meetings": 3, "training_sessions": 2, "professionals_trained": 25, "awareness_events": 1,
                "partner_advice_requests": 4, "third_party_reports": 2, "policy_contributions": 1},
    "2019-06": {"partnership_meetings": 1, "training_sessions": 0, "professionals_trained": 0, "awareness_events": 2,
                "partner_advice_requests": 5, "third_party_reports": 0, "policy_contributions": 1},
}

# fmt: on


def _spend(line, detail, amount, grant=None):
    return {"budget_line": line, "detail": detail, "amount_gbp": amount, "grant": grant}


SPEND = {
    "2019-04": [
        _spend("Salary", "Advocate salary", 2131.15),
        _spend("On-costs", "Pension", 200.00),
        _spend("On-costs", "Travel", 120.40),
        _spend("On-costs", "Management", 300.00),
    ],
    "2019-05": [
        _spend("Salary", "Advocate salary", 2202.19),
        _spend("On-costs", "Pension", 200.00),
        _spend("On-costs", "Travel", 95.25),
        _spend("On-costs", "Travel refund (cancelled course)", -40.00),
        _spend("On-costs", "Management", 300.00),
    ],
    # June is shared by the two grants, so every row names its grant.
    "2019-06": [
        _spend("Salary", "Advocate salary to 13 June", 923.50, PILOT),
        _spend("On-costs", "Pension", 100.10, PILOT),
        _spend("On-costs", "Management", 150.00, PILOT),
        _spend("Salary", "Advocate salary from 14 June", 1275.00, EXTENSION),
        _spend("On-costs", "Travel", 23.00, EXTENSION),
        _spend("On-costs", "Management", 300.00, EXTENSION),
    ],
}


def snapshot(case: dict, month: str) -> dict | None:
    """The case's row in the return for `month`, or None when the case is not open in that month."""
    first, last = D(int(month[:4]), int(month[5:]), 1), month_end(month)
    if case["referral_date"] > last or (case["closed_date"] and case["closed_date"] < first):
        return None
    row = dict(case)
    if row["first_contact_date"] and row["first_contact_date"] > last:
        row["first_contact_date"] = None
    if row["closed_date"] and row["closed_date"] > last:
        for column in ("closed_date", "closure_reason", *_OUTCOME_COLUMNS, "voice_captured"):
            row[column] = None
    row.update(CORRECTIONS.get((case["case_ref"], month), {}))
    return row


def returns(cases: list[dict] = CASES, months: tuple[str, ...] = MONTHS, service: str = SERVICE) -> dict[str, dict]:
    """Every month's return as plain data, in the shape sample_data.generate.workbook_bytes takes."""
    return {
        month: {
            "about": {
                "service": service,
                "reporting_month": month,
                "prepared_by": "Test fixture",
                "submitted_on": month_end(month) + dt.timedelta(days=7),
            },
            "cases": [row for case in cases if (row := snapshot(case, month))],
            "activity": ACTIVITY.get(month, dict.fromkeys(ACTIVITY["2019-04"], 0)),
            "spend": SPEND.get(month, []),
        }
        for month in months
    }


def set_budget(con, text: str = BUDGET_CSV) -> None:
    """Replace the budget table with `text` (CSV), as `settings import budget.csv` would."""
    typed = reference.read_csv(BUDGET, text.encode(), "budget.csv")
    reference.replace_table(con, BUDGET, typed, "test", "fixture")


def build(path: Path) -> Path:
    """A fresh database at `path` holding the fixture's budget and three returns."""
    con = setup.open_database(path)
    try:
        set_budget(con)
        for month, data in returns().items():
            ingest.ingest_bytes(con, workbook_bytes(data), f"{month}.xlsx", user="test")
    finally:
        con.close()
    return path
