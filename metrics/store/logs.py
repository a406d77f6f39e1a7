"""The upload and audit logs, and what they tell: which services and months are loaded, and when."""

from __future__ import annotations

import duckdb

from metrics.contract import CASES


def audit(con: duckdb.DuckDBPyConnection, actor: str | None, action: str, detail: str = "") -> None:
    """One entry in the audit log (in the caller's transaction, if any)."""
    con.execute(
        "INSERT INTO audit_log VALUES (current_localtimestamp(), ?, ?, ?)", [actor or "unknown", action, detail]
    )


def record(con, actor: str | None, action: str, detail: str = "") -> None:
    """An audit entry in a write of its own (a refused sign-in, an export), which changes no figure."""
    from metrics.store.connection import write

    with write(con, changes_data=False):
        audit(con, actor, action, detail)


def audit_entries(con, limit: int | None = None):
    """The audit log, newest first (who, when, what), as a pandas frame."""
    # Rows logged in one transaction share a timestamp: insertion order (rowid) breaks the tie.
    return con.execute(
        """SELECT logged_at, actor, action, detail FROM audit_log
           ORDER BY logged_at DESC, rowid DESC LIMIT ?""",
        [limit],
    ).df()


_UPLOAD_LOG = """SELECT u.upload_id, u.uploaded_at, u.uploaded_by, u.file_name, u.sha256, u.service,
                  u.reporting_month, u.cases_rows, u.activity_rows, u.spend_rows,
                  u.replaced_upload_id,
                  CASE WHEN u.rolled_back_at IS NOT NULL THEN 'rolled back'
                       WHEN c.upload_id IS NOT NULL THEN 'current'
                       ELSE 'replaced' END AS state,
                  u.rolled_back_at, u.rolled_back_by
           FROM uploads u LEFT JOIN current_uploads c USING (upload_id)
           ORDER BY u.upload_id DESC"""


def upload_log(con):
    """Every upload, newest first, with its state, as a pandas frame."""
    return con.execute(_UPLOAD_LOG).df()


def upload_entries(con) -> list[dict]:
    """The upload log as plain rows (no pandas: the command line's `uploads` starts fast)."""
    cursor = con.execute(_UPLOAD_LOG)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def services(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT service FROM current_uploads ORDER BY service").fetchall()]


def only_service(con) -> str:
    """The service to use when none is named: the only one there."""
    names = services(con)
    if len(names) == 1:
        return names[0]
    if not names:
        raise LookupError("no returns are loaded yet")
    raise LookupError("several services are loaded; name one with --service: " + ", ".join(names))


def resolve_service(con, service: str | None) -> str:
    return service or only_service(con)


def months_loaded(con, service: str) -> list[str]:
    """The months with a current return, in order."""
    rows = con.execute(
        "SELECT reporting_month FROM current_uploads WHERE service = ? ORDER BY 1", [service]
    ).fetchall()
    return [r[0] for r in rows]


def latest_month(con, service: str) -> str | None:
    rows = con.execute("SELECT max(reporting_month) FROM current_uploads WHERE service = ?", [service]).fetchall()
    return rows[0][0]


def versions_uploaded(con, service: str, first: str, last: str) -> dict[str, int]:
    """How many versions of each month from `first` to `last` were uploaded (rolled back ones included)."""
    return dict(
        con.execute(
            "SELECT reporting_month, count(*) FROM uploads WHERE service = ? AND reporting_month BETWEEN ? AND ? "
            "GROUP BY ALL",
            [service, first, last],
        ).fetchall()
    )


def rows_of(con, mart: str, service: str, order: tuple[str, ...]):
    """The service's rows of a mart view (marts.MART_VIEWS) in `order`, as a pandas frame, without the service."""
    from metrics.store.marts import MART_VIEWS

    if mart not in MART_VIEWS:
        raise ValueError(f"{mart!r} is not a mart")
    columns = [d[0] for d in con.execute(f"SELECT * FROM {mart} LIMIT 0").description]
    if not order or not set(order) <= set(columns):
        raise ValueError(f"{mart} cannot be ordered by {order!r}")
    ordering = ", ".join(f'"{name}"' for name in order)
    return con.execute(f"SELECT * EXCLUDE (service) FROM {mart} WHERE service = ? ORDER BY {ordering}", [service]).df()


def open_at_end(con, service: str, month: str) -> tuple[dict, list[dict]]:
    """The month's About fields as loaded, and every case open at its end in its latest snapshot up to it."""
    about = con.execute(
        "SELECT service, prepared_by FROM current_uploads WHERE service = ? AND reporting_month = ?", [service, month]
    ).fetchall()
    if not about:
        raise LookupError(f"no return of {service} for {month} is loaded")
    columns = ", ".join(f'"{name}"' for name in CASES.names)
    # Open at the month's end as the caseload measure counts it: referred by then, not closed by then.
    cursor = con.execute(
        f"""SELECT {columns} FROM case_snapshots
            WHERE service = $service AND reporting_month <= $month
            QUALIFY row_number() OVER (PARTITION BY case_ref ORDER BY reporting_month DESC) = 1
                AND referral_date <= last_day(CAST($month || '-01' AS DATE))
                AND (closed_date IS NULL OR closed_date > last_day(CAST($month || '-01' AS DATE)))
            ORDER BY referral_date, case_ref""",
        {"service": service, "month": month},
    )
    names = [d[0] for d in cursor.description]
    return dict(zip(("service", "prepared_by"), about[0])), [dict(zip(names, row)) for row in cursor.fetchall()]
