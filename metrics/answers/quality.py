"""Data quality of the loaded returns: months missing or late, vanished cases, blanks, unresolved spend.

Everything reads the current version of each month (the store's marts), so a rollback or a
replacement shows here at once. Vanished cases are case-level rows: internal only.

A month's `status` is a code (on time, late, missing) that pages colour by: marked for translation here
(MONTH_STATUSES) and shown as _(status).
"""

from __future__ import annotations

import pandas as pd

from metrics.i18n import N_
from metrics.periods import months_between
from metrics.store.logs import resolve_service, rows_of
from metrics.store.marts import LATE_AFTER_DAYS, blank_fields  # noqa: F401 (the pages name them from here)

MONTH_STATUSES = (N_("on time"), N_("late"), N_("missing"))
MONTH_COLUMNS = ["reporting_month", "status", "submitted_on", "days_after_month_end", "upload_id", "file_name",
                 "uploaded_at", "uploaded_by"]


def months(con, service: str | None = None) -> pd.DataFrame:
    """Every month from the first to the latest loaded: on time, late or missing, with its upload."""
    loaded = rows_of(con, "return_timeliness", resolve_service(con, service), ("reporting_month",))
    if loaded.empty:
        return pd.DataFrame(columns=MONTH_COLUMNS)
    by_month = {row.reporting_month: row for row in loaded.itertuples(index=False)}
    rows = []
    for month in months_between(loaded["reporting_month"].iloc[0], loaded["reporting_month"].iloc[-1]):
        row = by_month.get(month)
        if row is None:
            rows.append({"reporting_month": month, "status": "missing"})
            continue
        rows.append({
            "reporting_month": month,
            "status": "late" if row.late else "on time",
            "submitted_on": row.submitted_on.date(),
            "days_after_month_end": int(row.days_after),
            "upload_id": int(row.upload_id),
            "file_name": row.file_name,
            "uploaded_at": row.uploaded_at,
            "uploaded_by": row.uploaded_by,
        })
    return pd.DataFrame(rows, columns=MONTH_COLUMNS)


def vanished_cases(con, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """Cases listed open in one month's return and absent from the next month's, which is loaded."""
    if audience == "partnership":
        raise PermissionError("vanished cases are case-level rows: the partnership sees aggregates only")
    return rows_of(con, "vanished_cases", resolve_service(con, service), ("missing_from", "case_ref"))


def optional_blanks(con, service: str | None = None) -> pd.DataFrame:
    """Per month: rows, closed rows, and the share blank of each optional field (closure fields over closed rows)."""
    return rows_of(con, "blank_shares", resolve_service(con, service), ("reporting_month",))


def unresolved_spend(con, service: str | None = None) -> pd.DataFrame:
    """Spend lines the measures cannot put against a grant, and why (say the budget changed since upload)."""
    return rows_of(con, "unresolved_spend", resolve_service(con, service), ("reporting_month", "sheet_row"))


def overview(con, service: str | None = None, audience: str = "internal") -> dict:
    """The headline counts of the page: months loaded, missing and late, vanished cases, unresolved spend."""
    status = months(con, service)
    counts = status["status"].value_counts()
    result = {
        "first_month": status["reporting_month"].iloc[0] if len(status) else None,
        "latest_month": status["reporting_month"].iloc[-1] if len(status) else None,
        "loaded": int(len(status) - counts.get("missing", 0)),
        "missing": int(counts.get("missing", 0)),
        "late": int(counts.get("late", 0)),
        "unresolved_spend": len(unresolved_spend(con, service)),
        "late_after_days": LATE_AFTER_DAYS,
    }
    if audience != "partnership":
        result["vanished"] = len(vanished_cases(con, service, audience))
    return result
