"""A small, valid one-month return for tests, as Python data and as .xlsx bytes.

    data = workbooks.valid_return()          # March 2019, three cases, worked out by hand
    data["cases"][0]["referral_date"] = "31/02/2019"
    content = workbooks.xlsx(data)           # sample_data.generate.workbook_bytes: the template's layout
    content = workbooks.edit_xlsx(content, lambda wb: wb["Cases"].delete_cols(2))  # anything else

Values are written as given: a datetime.date becomes a date cell, a str a text cell, None a blank.
Spreadsheet rows: the header is row 1, so data["cases"][i] is on row i + 2.

    before = workbooks.database_state(con)   # every table but the audit log, and the sequences
    ...                                      # a rejected upload
    assert workbooks.database_state(con) == before
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Callable

from metrics.contract import ACTIVITY_MEASURES
from sample_data.generate import workbook_bytes

SERVICE = "Connect Gwent MSHT Advocate"
MONTH = "2019-03"

_CASES = [
    {
        "case_ref": "CG-1903-001",
        "referral_date": dt.date(2019, 3, 4),
        "referral_source": "Police",
        "exploitation_type": "Labour",
        "nationality_group": "UK",
        "age_band": "25-34",
        "gender": "Male",
        "trafficking_indicated": "No",
        "nrm_status": "Referred to NRM",
        "duty_to_notify": "No",
        "first_contact_date": dt.date(2019, 3, 5),
        "support_level": "Short-term",
        "intelligence_shared": "No",
    },
    {
        "case_ref": "CG-1902-002",
        "referral_date": dt.date(2019, 2, 11),
        "referral_source": "Self-referral",
        "exploitation_type": "Sexual",
        "nationality_group": "EU/EEA",
        "age_band": "18-24",
        "gender": "Female",
        "trafficking_indicated": "Yes",
        "nrm_status": "Declined NRM referral",
        "duty_to_notify": "Yes",
        "first_contact_date": dt.date(2019, 2, 12),
        "support_level": "Specialist",
        "intelligence_shared": "Yes",
        "closed_date": dt.date(2019, 3, 20),
        "closure_reason": "Support completed",
        "outcome_safer": "Improved",
        "outcome_health": "Improved",
        "outcome_cope": "No change",
        "outcome_informed": "Improved",
        "outcome_access": "Not known",
        "outcome_justice": "Improved",
        "voice_captured": "Yes",
    },
    {
        "case_ref": "CG-1812-003",
        "referral_date": dt.date(2018, 12, 3),
        "referral_source": "Local authority",
        "exploitation_type": "Not yet known",
        "nationality_group": "Non-EU",
        "age_band": "Under 18",
        "gender": "Other / not stated",
        "trafficking_indicated": "Unknown",
        "nrm_status": "Outside NRM threshold",
        "duty_to_notify": "Not applicable",
    },
]

_ACTIVITY = {
    "partnership_meetings": 4,
    "training_sessions": 2,
    "professionals_trained": 31,
    "awareness_events": 1,
    "partner_advice_requests": 5,
    "third_party_reports": 3,
    "policy_contributions": 0,
}

_SPEND = [
    {"budget_line": "Salary", "detail": "Advocate salary", "amount_gbp": 2166.67},
    {"budget_line": "On-costs", "detail": "Travel", "amount_gbp": 120.5},
]


def valid_return(month: str = MONTH, service: str = SERVICE) -> dict:
    """A fresh copy of a valid return: {about, cases, activity, spend}, free to change."""
    return {
        "about": {
            "service": service,
            "reporting_month": month,
            "prepared_by": "Connect Gwent manager",
            "submitted_on": dt.date(2019, 4, 8),
        },
        "cases": copy.deepcopy(_CASES),
        "activity": dict(_ACTIVITY),
        "spend": copy.deepcopy(_SPEND),
    }


# Returns built row by row for a small history of several months (the preview and data-quality tests).
TEST_SERVICE = "Test Advocate Service"


def case_row(ref: str, referral: dt.date, full: bool = False, **fields) -> dict:
    """A case row with every required field filled in; `full` fills the three optional fields asked of every case."""
    optional = {"first_contact_date": referral + dt.timedelta(days=1), "support_level": "Short-term",
                "intelligence_shared": "No"} if full else {}
    return {"case_ref": ref, "referral_date": referral, "referral_source": "Police", "exploitation_type": "Labour",
            "nationality_group": "UK", "age_band": "25-34", "gender": "Male", "trafficking_indicated": "No",
            "nrm_status": "Referred to NRM", "duty_to_notify": "No", **optional, **fields}


def spend_row(line: str, detail: str, amount: float, grant: str | None = None) -> dict:
    return {"budget_line": line, "detail": detail, "amount_gbp": amount, "grant": grant}


def month_return(month: str, submitted: dt.date, cases: list[dict], lines: list[dict], count: int = 1) -> bytes:
    """TEST_SERVICE's return for the month as .xlsx bytes, every activity measure `count`."""
    about = {"service": TEST_SERVICE, "reporting_month": month, "prepared_by": "Test", "submitted_on": submitted}
    activity = {name: count for name, _ in ACTIVITY_MEASURES}
    return workbook_bytes({"about": about, "cases": cases, "activity": activity, "spend": lines})


def xlsx(data: dict) -> bytes:
    """The return as .xlsx bytes in the template's layout (deterministic)."""
    return workbook_bytes(data)


def edit_xlsx(content: bytes, change: Callable) -> bytes:
    """Open a workbook with openpyxl, let `change(workbook)` alter it, and return the new bytes."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def database_state(con) -> dict[str, object]:
    """Every table but the audit log (which may record attempts), and each sequence's position.

    A table of up to 1,000 rows is given whole, so that a failing comparison shows the rows; a larger
    one (derived tables such as working days) as its row count and a sum of row hashes, to stay fast.
    """
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name <> 'audit_log' ORDER BY table_name"
    ).fetchall()
    sizes = con.execute(
        " UNION ALL ".join(f"SELECT '{name}', count(*), sum(hash(t)) FROM \"{name}\" t" for (name,) in tables)
    ).fetchall()
    state: dict[str, object] = {}
    for name, count, checksum in sizes:
        small = count <= 1000
        state[name] = con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall() if small else (count, checksum)
    state["(sequences)"] = con.execute("SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY 1").fetchall()
    return state
