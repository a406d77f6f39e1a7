"""Staged SQL, as in dbt's jaffle_shop: raw tables -> staging views -> named marts.

Raw tables hold every version of every upload, never updated (schema.py). Staging views only
rename and type, one for each raw table. Every business rule lives in a named mart: which upload
of a month is current, a case's latest snapshot, a spend line's grant, working days and deadlines,
when a return is late, which cases vanished. Marts that many queries read are kept as tables
(MART_TABLES), rebuilt in the transaction of every change to what they come from, so that a
measure never recomputes a window over every snapshot of every service.
"""

from __future__ import annotations

import duckdb

from metrics.contract import CASES, OUTCOME_AREAS

_CASE_COLUMNS = ", ".join(f'"{n}"' for n in CASES.names)

# A return submitted more than this many days after its month ends is late.
LATE_AFTER_DAYS = 15
# Optional case fields that apply only once a case is closed: their blanks are counted over closed rows.
AT_CLOSURE = (*(column for _, column, _ in OUTCOME_AREAS), "voice_captured")
# Optional fields whose blank is not a gap: a blank closed_date means the case is open, and
# closure_reason cannot be blank on a closed row (the upload check requires it).
NOT_GAPS = ("closed_date", "closure_reason")


def blank_fields() -> list[str]:
    """The optional Cases columns whose blanks are worth watching, in contract order."""
    return [c.name for c in CASES.columns if not c.required and c.name not in NOT_GAPS]


def _blank_shares() -> str:
    shares = []
    for name in blank_fields():
        applies = " FILTER (WHERE closed_date IS NOT NULL)" if name in AT_CLOSURE else ""
        shares.append(f'avg(CASE WHEN "{name}" IS NULL THEN 1.0 ELSE 0.0 END){applies} AS "{name}"')
    return ", ".join(shares)


STAGING = {
    "stg_uploads": """
        SELECT upload_id, uploaded_at, uploaded_by, file_name, sha256, service, reporting_month,
               CAST(reporting_month || '-01' AS DATE) AS month_start,
               last_day(CAST(reporting_month || '-01' AS DATE)) AS month_end,
               prepared_by, submitted_on, cases_rows, activity_rows, spend_rows, replaced_upload_id,
               rolled_back_at, rolled_back_by
        FROM uploads
    """,
    "stg_cases": f"SELECT upload_id, row_number, {_CASE_COLUMNS} FROM raw_cases",
    "stg_activity": "SELECT upload_id, measure, count FROM raw_activity",
    "stg_spend": 'SELECT upload_id, row_number, budget_line, detail, amount_gbp, "grant" AS grant_named FROM raw_spend',
    "stg_commentary": "SELECT upload_id, row_number, topic, text FROM raw_commentary",
    "stg_voices": "SELECT upload_id, row_number, theme, quote_or_summary, case_ref FROM raw_voices",
}

# Views of the rules; they read staging, the mart tables and each other, in this order.
MART_VIEWS = {
    # The provider's commentary and the consented voices of the current returns (a re-upload replaces a
    # month's, a rollback brings the earlier upload's back).
    "provider_commentary": """
        SELECT u.service, u.reporting_month, u.month_start, c.row_number, c.topic, c.text
        FROM stg_commentary c JOIN current_uploads u USING (upload_id)
    """,
    "victims_voices": """
        SELECT u.service, u.reporting_month, u.month_start, v.row_number, v.theme, v.quote_or_summary, v.case_ref
        FROM stg_voices v JOIN current_uploads u USING (upload_id)
    """,
    "activity_counts": """
        SELECT u.service, u.reporting_month, a.measure, a.count
        FROM stg_activity a JOIN current_uploads u USING (upload_id)
    """,
    # Every case row of the current uploads, with its service and month.
    "case_snapshots": f"""
        SELECT u.service, u.reporting_month, u.month_start, u.month_end, c.upload_id, c.row_number,
               {", ".join(f'c."{n}"' for n in CASES.names)}
        FROM stg_cases c JOIN current_uploads u USING (upload_id)
    """,
    # When each current return was submitted against its month's end.
    "return_timeliness": f"""
        SELECT service, reporting_month, submitted_on, date_diff('day', month_end, submitted_on) AS days_after,
               date_diff('day', month_end, submitted_on) > {LATE_AFTER_DAYS} AS late,
               upload_id, file_name, uploaded_at, uploaded_by
        FROM current_uploads
    """,
    # Cases listed open in one month's return and absent from the next month's, which is loaded.
    "vanished_cases": """
        WITH open_cases AS (
            SELECT service, reporting_month, case_ref, referral_date,
                   strftime(month_start + INTERVAL 1 MONTH, '%Y-%m') AS next_month
            FROM case_snapshots WHERE closed_date IS NULL
        )
        SELECT o.service, o.case_ref, o.referral_date, o.reporting_month AS last_listed, o.next_month AS missing_from,
               (SELECT min(x.reporting_month) FROM case_snapshots x
                WHERE x.service = o.service AND x.case_ref = o.case_ref AND x.reporting_month > o.next_month)
                   AS listed_again
        FROM open_cases o
        WHERE EXISTS (SELECT 1 FROM current_uploads u WHERE u.service = o.service AND u.reporting_month = o.next_month)
          AND NOT EXISTS (SELECT 1 FROM case_snapshots n WHERE n.service = o.service AND n.case_ref = o.case_ref
                                                          AND n.reporting_month = o.next_month)
    """,
    # Per month: case rows, closed rows, and the share blank of each optional field.
    "blank_shares": f"""
        SELECT service, reporting_month, count(*) AS cases, count(closed_date) AS closed, {_blank_shares()}
        FROM case_snapshots GROUP BY service, reporting_month
    """,
    # Spend lines the measures cannot put against a grant, and why.
    "unresolved_spend": """
        WITH lines AS (
            SELECT s.service, s.reporting_month, s.row_number AS sheet_row, s.budget_line, s.detail, s.amount_gbp,
                   s.grant_named AS grant_entered,
                   (SELECT count(*) FROM budget b
                    WHERE b.budget_line = s.budget_line
                      AND b.start_date <= last_day(s.month_start) AND b.end_date >= s.month_start) AS grants_covering
            FROM spend_charged s WHERE s."grant" IS NULL
        )
        SELECT service, reporting_month, sheet_row, budget_line, detail, amount_gbp, grant_entered,
               CASE WHEN grants_covering = 0 THEN 'no grant of this budget line covers the month'
                    WHEN grant_entered IS NULL THEN 'the month is shared by ' || grants_covering
                                                     || ' grants and the row names none'
                    ELSE 'the grant named is not one of this line''s grants covering the month' END AS problem
        FROM lines
    """,
}

# Marts kept as tables, each defined by its query, rebuilt in this order (the views above read the
# first; the others read the views).
MART_TABLES = {
    # The current version of each service-month: its latest upload not rolled back.
    "current_uploads": """
        SELECT * FROM stg_uploads
        WHERE rolled_back_at IS NULL
        QUALIFY row_number() OVER (PARTITION BY service, reporting_month ORDER BY upload_id DESC) = 1
    """,
    # Every measure of a case uses its latest snapshot (DOMAIN.md).
    "cases_latest": "SELECT * FROM case_snapshots "
    "QUALIFY row_number() OVER (PARTITION BY service, case_ref ORDER BY reporting_month DESC) = 1",
    # A spend row with no grant named belongs to the one grant of its line that overlaps its month.
    "spend_charged": """
        WITH spend AS (
            SELECT u.service, u.reporting_month, u.month_start, s.row_number, s.budget_line, s.detail, s.amount_gbp,
                   s.grant_named
            FROM stg_spend s JOIN current_uploads u USING (upload_id)
        ),
        candidates AS (
            SELECT spend.*, b."grant" AS budget_grant,
                   count(*) OVER (PARTITION BY spend.service, spend.reporting_month, spend.row_number) AS grants
            FROM spend LEFT JOIN budget b
              ON b.budget_line = spend.budget_line
             AND b.start_date <= last_day(spend.month_start) AND b.end_date >= spend.month_start
             AND (spend.grant_named IS NULL OR lower(spend.grant_named) = lower(b."grant"))
        )
        SELECT service, reporting_month, month_start, row_number, budget_line, detail, amount_gbp, grant_named,
               CASE WHEN grants = 1 THEN budget_grant END AS "grant"
        FROM candidates
        QUALIFY row_number() OVER (PARTITION BY service, reporting_month, row_number ORDER BY budget_grant) = 1
    """,
    # Working days (Monday to Friday less bank holidays), numbered in order, for deadlines.
    "working_days": """
        SELECT CAST(d AS DATE) AS day, row_number() OVER (ORDER BY d) AS n
        FROM range(DATE '2000-01-01', DATE '2100-01-01', INTERVAL 1 DAY) t(d)
        WHERE isodow(d) <= 5 AND CAST(d AS DATE) NOT IN (SELECT date FROM bank_holidays)
    """,
    # The deadline of a referral is the second working day after it: from the last working day on
    # or before the referral, two on (a Friday or Saturday referral is due on Tuesday).
    "referral_deadlines": """
        SELECT CAST(d AS DATE) AS day, due.day AS deadline
        FROM range(DATE '2000-01-01', DATE '2100-01-01', INTERVAL 1 DAY) t(d)
        ASOF JOIN working_days last_day ON CAST(d AS DATE) >= last_day.day
        JOIN working_days due ON due.n = last_day.n + 2
    """,
}

# The mart tables computed from each reference table, in the order they are rebuilt.
_FROM_REFERENCE = {"budget": ("spend_charged",), "bank_holidays": ("working_days", "referral_deadlines")}


def create(con: duckdb.DuckDBPyConnection) -> None:
    """Create the staging views and every mart from its query, each after what it reads (in the caller's
    transaction)."""
    for name, sql in STAGING.items():
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
    views = dict(MART_VIEWS)
    for name, sql in MART_TABLES.items():
        for view in [v for v in views if v in sql]:  # a view this table reads comes first
            con.execute(f"CREATE OR REPLACE VIEW {view} AS {views.pop(view)}")
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")
    for name, sql in views.items():
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")


def _rebuild(con: duckdb.DuckDBPyConnection, table: str, service: str | None = None) -> None:
    if service is None:
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} BY NAME {MART_TABLES[table]}")
        return
    con.execute(f"DELETE FROM {table} WHERE service = ?", [service])
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM ({MART_TABLES[table]}) WHERE service = ?", [service])


_BY_SERVICE = ("current_uploads", "cases_latest", "spend_charged")


def refresh_service(con: duckdb.DuckDBPyConnection, service: str) -> None:
    """Rebuild the service's rows of the mart tables after one of its months changed (in the caller's transaction)."""
    for table in _BY_SERVICE:
        _rebuild(con, table, service)


def refresh_after_reference(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Rebuild what comes from a reference table just replaced (in the caller's transaction)."""
    for mart in _FROM_REFERENCE.get(table, ()):
        _rebuild(con, mart)
