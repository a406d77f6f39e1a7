"""Loading a checked return, and rolling a month back: each one write, with the marts kept current."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from metrics.contract import ACTIVITY, CASES, COMMENTARY, SPEND, VOICES
from metrics.store import marts
from metrics.store.connection import write
from metrics.store.logs import audit, only_service


class NothingToRollBack(Exception):
    pass


def load_return(
    con: duckdb.DuckDBPyConnection,
    *,
    about: dict,
    cases: pa.Table,
    activity: dict[str, int],
    spend: pa.Table,
    file_name: str,
    sha256: str,
    user: str | None,
    commentary: pa.Table | None = None,
    voices: pa.Table | None = None,
) -> dict:
    """Load one checked return in one transaction; a month already loaded is replaced."""
    service, month = about["service"], about["reporting_month"]
    with write(con):
        upload_id, replaced = con.execute(
            """INSERT INTO uploads (upload_id, uploaded_at, uploaded_by, file_name, sha256, service,
                   reporting_month, prepared_by, submitted_on, cases_rows, activity_rows, spend_rows,
                   replaced_upload_id)
               SELECT nextval('upload_ids'), current_localtimestamp(), $user, $file_name, $sha256, $service,
                   $month, $prepared_by, $submitted_on, $cases_rows, $activity_rows, $spend_rows,
                   (SELECT upload_id FROM current_uploads WHERE service = $service AND reporting_month = $month)
               RETURNING upload_id, replaced_upload_id""",
            {
                "user": user,
                "file_name": file_name,
                "sha256": sha256,
                "service": service,
                "month": month,
                "prepared_by": about["prepared_by"],
                "submitted_on": about["submitted_on"],
                "cases_rows": cases.num_rows,
                "activity_rows": len(activity),
                "spend_rows": spend.num_rows,
            },
        ).fetchall()[0]
        sheets = ((CASES, cases), (SPEND, spend), (COMMENTARY, commentary), (VOICES, voices))
        for table, sheet, rows in ((sheet.table, sheet, rows) for sheet, rows in sheets if rows is not None):
            columns = ", ".join(f'"{n}"' for n in sheet.names)
            con.register("incoming", rows)
            try:
                con.execute(
                    f"INSERT INTO {table} (upload_id, row_number, {columns}) "
                    f"SELECT $upload_id, _row, {columns} FROM incoming",
                    {"upload_id": upload_id},
                )
            finally:
                con.unregister("incoming")
        if activity:
            con.execute(
                f"INSERT INTO {ACTIVITY.table} SELECT $upload_id, unnest($measures), unnest($counts)",
                {"upload_id": upload_id, "measures": list(activity), "counts": list(activity.values())},
            )
        marts.refresh_service(con, service)
        audit(
            con,
            user,
            "upload",
            f"{file_name}: {service} {month} as upload {upload_id}"
            + (f", replacing upload {replaced}" if replaced else ""),
        )
    return {"upload_id": upload_id, "service": service, "reporting_month": month, "replaced_upload_id": replaced}


def rollback(con, month: str, service: str | None = None, user: str | None = None) -> dict:
    """Withdraw the current version of a month so that the previous version is current again."""
    service = service or only_service(con)
    with write(con):
        versions = con.execute(
            """SELECT upload_id FROM uploads WHERE service = ? AND reporting_month = ?
               AND rolled_back_at IS NULL ORDER BY upload_id DESC""",
            [service, month],
        ).fetchall()
        if len(versions) < 2:
            raise NothingToRollBack(
                f"{service} {month} has no earlier version to go back to"
                if versions
                else f"{service} has no return loaded for {month}"
            )
        current, previous = versions[0][0], versions[1][0]
        con.execute(
            "UPDATE uploads SET rolled_back_at = current_localtimestamp(), rolled_back_by = ? WHERE upload_id = ?",
            [user, current],
        )
        marts.refresh_service(con, service)
        audit(con, user, "rollback", f"{service} {month}: upload {current} withdrawn, upload {previous} current")
    return {"service": service, "reporting_month": month, "withdrawn": current, "current": previous}
