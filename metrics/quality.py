"""Data quality of the loaded returns: months missing or late, vanished cases, blanks, unresolved spend.

Everything reads the current version of each month (active_uploads and the staged views), so a
rollback or a replacement shows here at once. Vanished cases are case-level rows: internal only.
"""

from __future__ import annotations

import pandas as pd

from metrics.contract import CASES, OUTCOME_AREAS
from metrics.periods import months_between
from metrics.report import resolve_service

# A return submitted more than this many days after its month ends is late.
LATE_AFTER_DAYS = 15

# Optional fields that only apply once a case is closed: their blanks are counted over closed rows.
AT_CLOSURE = (*(column for _, column, _ in OUTCOME_AREAS), "voice_captured")
# Optional fields whose blank is not a gap: a blank closed_date means the case is open, and
# closure_reason cannot be blank on a closed row (the upload check requires it).
NOT_GAPS = ("closed_date", "closure_reason")


def blank_fields() -> list[str]:
    """The optional Cases columns whose blanks are worth watching, in contract order."""
    return [c.name for c in CASES.columns if not c.required and c.name not in NOT_GAPS]


def months(con, service: str | None = None) -> pd.DataFrame:
    """Every month from the first to the latest loaded: on time, late or missing, with its upload."""
    service = resolve_service(con, service)
    loaded = con.execute(
        """SELECT reporting_month, submitted_on,
                  date_diff('day', last_day(CAST(reporting_month || '-01' AS DATE)), submitted_on) AS days_after,
                  upload_id, file_name, uploaded_at, uploaded_by
           FROM active_uploads WHERE service = ? ORDER BY reporting_month""",
        [service],
    ).df()
    columns = ["reporting_month", "status", "submitted_on", "days_after_month_end", "upload_id", "file_name",
               "uploaded_at", "uploaded_by"]
    if loaded.empty:
        return pd.DataFrame(columns=columns)
    by_month = {row.reporting_month: row for row in loaded.itertuples(index=False)}
    rows = []
    for month in months_between(loaded["reporting_month"].iloc[0], loaded["reporting_month"].iloc[-1]):
        row = by_month.get(month)
        if row is None:
            rows.append({"reporting_month": month, "status": "missing"})
            continue
        late = row.days_after is not None and row.days_after > LATE_AFTER_DAYS
        rows.append({
            "reporting_month": month,
            "status": "late" if late else "on time",
            "submitted_on": row.submitted_on.date(),
            "days_after_month_end": int(row.days_after),
            "upload_id": int(row.upload_id),
            "file_name": row.file_name,
            "uploaded_at": row.uploaded_at,
            "uploaded_by": row.uploaded_by,
        })
    return pd.DataFrame(rows, columns=columns)


def vanished_cases(con, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """Cases listed open in one month's return and absent from the next month's, which is loaded."""
    if audience == "partnership":
        raise PermissionError("vanished cases are case-level rows: the partnership sees aggregates only")
    service = resolve_service(con, service)
    return con.execute(
        """WITH loaded AS (SELECT reporting_month FROM active_uploads WHERE service = $service),
           listed AS (
               SELECT reporting_month, case_ref, referral_date, closed_date FROM stg_cases WHERE service = $service
           ),
           open_cases AS (
               SELECT *, strftime(CAST(reporting_month || '-01' AS DATE) + INTERVAL 1 MONTH, '%Y-%m') AS next_month
               FROM listed WHERE closed_date IS NULL
           )
           SELECT o.case_ref, o.referral_date, o.reporting_month AS last_listed, o.next_month AS missing_from,
                  (SELECT min(x.reporting_month) FROM listed x
                   WHERE x.case_ref = o.case_ref AND x.reporting_month > o.next_month) AS listed_again
           FROM open_cases o
           WHERE o.next_month IN (SELECT reporting_month FROM loaded)
             AND NOT EXISTS (SELECT 1 FROM listed n WHERE n.case_ref = o.case_ref AND n.reporting_month = o.next_month)
           ORDER BY missing_from, case_ref""",
        {"service": service},
    ).df()


def optional_blanks(con, service: str | None = None) -> pd.DataFrame:
    """Per month: rows, closed rows, and the share blank of each optional field (closure fields over closed rows)."""
    service = resolve_service(con, service)
    shares = []
    for name in blank_fields():
        blank = f'CASE WHEN "{name}" IS NULL THEN 1.0 ELSE 0.0 END'
        applies = " FILTER (WHERE closed_date IS NOT NULL)" if name in AT_CLOSURE else ""
        shares.append(f'avg({blank}){applies} AS "{name}"')
    return con.execute(
        f"""SELECT reporting_month, count(*) AS cases, count(closed_date) AS closed, {", ".join(shares)}
            FROM stg_cases WHERE service = ? GROUP BY reporting_month ORDER BY reporting_month""",
        [service],
    ).df()


def unresolved_spend(con, service: str | None = None) -> pd.DataFrame:
    """Spend lines the measures cannot put against a grant, and why (say the budget changed since upload)."""
    service = resolve_service(con, service)
    return con.execute(
        """WITH lines AS (
               SELECT s.reporting_month, s.row_number AS sheet_row, s.budget_line, s.detail, s.amount_gbp,
                      r."grant" AS grant_entered,
                      (SELECT count(*) FROM budget b
                       WHERE b.budget_line = s.budget_line
                         AND b.start_date <= last_day(s.month_start) AND b.end_date >= s.month_start) AS grants_covering
               FROM stg_spend s
               JOIN active_uploads u ON u.service = s.service AND u.reporting_month = s.reporting_month
               JOIN raw_spend r ON r.upload_id = u.upload_id AND r.row_number = s.row_number
               WHERE s.service = $service AND s."grant" IS NULL
           )
           SELECT reporting_month, sheet_row, budget_line, detail, amount_gbp, grant_entered,
                  CASE WHEN grants_covering = 0 THEN 'no grant of this budget line covers the month'
                       WHEN grant_entered IS NULL THEN 'the month is shared by ' || grants_covering
                                                        || ' grants and the row names none'
                       ELSE 'the grant named is not one of this line''s grants covering the month' END AS problem
           FROM lines ORDER BY reporting_month, sheet_row""",
        {"service": service},
    ).df()


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
