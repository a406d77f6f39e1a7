"""What loading checked returns, or rolling a month back, would change: shown before anything is written.

The case preview compares each case's latest snapshot now with what it would be once the batch is
loaded (each file replacing its own service-month), so it counts what the measures will see: a
re-uploaded old month changes nothing for cases that later months already list.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa

from metrics.contract import ACTIVITY_MEASURES, CASES, Problem, Rejected
from metrics.i18n import _
from metrics.periods import add_months
from metrics.returns.file_checks import save_as_xlsx
from metrics.returns.ingest import CheckedReturn
from metrics.returns.isolated import check_return
from metrics.store.logs import resolve_service

_COLUMNS = ", ".join(f'"{n}"' for n in CASES.names)


# What the Upload page takes: a workbook, LibreOffice's own format, or a zip of one CSV per sheet.
UPLOAD_TYPES = ("xlsx", "ods", "zip")


def check_file(con, name: str, content: bytes) -> CheckedReturn | list[Problem]:
    """One uploaded file checked completely, in a worker process: the checked return, or every problem with it."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix == "csv":
        return [Problem.whole(name, "", _(
            "is one CSV file, and a return has four sheets: put About.csv, Cases.csv, Activity.csv and Spend.csv in "
            "one .zip and upload that, or {save_as}").format(save_as=save_as_xlsx()))]
    if suffix not in UPLOAD_TYPES:
        return [Problem.whole(name, "", _("is not an Excel workbook (.xlsx): {save_as}").format(
            save_as=save_as_xlsx()))]
    try:
        return check_return(content, name, con)
    except Rejected as exc:
        return exc.problems


def batch_problems(checked: list[CheckedReturn]) -> list[Problem]:
    """Problems of a batch as a whole: two files for the same month cannot both be loaded."""
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for item in checked:
        key = (item.about["service"], item.about["reporting_month"])
        if key in seen:
            problems.append(Problem(item.file_name, "About", None, "reporting_month", key[1],
                                    _("is also the month of {file}: upload one return per month").format(
                                        file=seen[key])))
        else:
            seen[key] = item.file_name
    return problems


def _incoming_cases(checked: list[CheckedReturn]) -> pa.Table:
    tables = []
    for item in checked:
        cases = item.cases.drop(["_row"])
        n = cases.num_rows
        cases = cases.add_column(0, "reporting_month", pa.array([item.about["reporting_month"]] * n, pa.string()))
        tables.append(cases.add_column(0, "service", pa.array([item.about["service"]] * n, pa.string())))
    return pa.concat_tables(tables)


def _change_sql(before: str, after: str) -> tuple[str, str]:
    """SQL for the names of the fields that differ, and for 'field: old → new' of each."""
    names, details = [], []
    blank = _("blank").replace("'", "''")  # what an empty field reads as, in this run's language
    for name in CASES.names:
        differs = f'{before}."{name}" IS DISTINCT FROM {after}."{name}"'
        shown = [f"coalesce(CAST({side}.\"{name}\" AS VARCHAR), '{blank}')" for side in (before, after)]
        names.append(f"CASE WHEN {differs} THEN '{name}' END")
        details.append(f"CASE WHEN {differs} THEN '{name}: ' || {shown[0]} || ' → ' || {shown[1]} END")
    return f"concat_ws(', ', {', '.join(names)})", f"concat_ws('; ', {', '.join(details)})"


CASE_CHANGES_SQL = """
WITH batch AS (SELECT DISTINCT service, reporting_month FROM preview_incoming),
before AS (
    SELECT service, reporting_month, {columns} FROM cases_latest WHERE service IN (SELECT service FROM batch)
),
after AS (
    SELECT * FROM (
        SELECT service, reporting_month, {columns} FROM case_snapshots s
        WHERE service IN (SELECT service FROM batch)
          AND NOT EXISTS (SELECT 1 FROM batch WHERE batch.service = s.service
                                                AND batch.reporting_month = s.reporting_month)
        UNION ALL BY NAME
        SELECT * FROM preview_incoming
    )
    QUALIFY row_number() OVER (PARTITION BY service, case_ref ORDER BY reporting_month DESC) = 1
)
SELECT coalesce(a.service, b.service) AS service, coalesce(a.case_ref, b.case_ref) AS case_ref,
       CASE WHEN b.case_ref IS NULL THEN 'new' WHEN a.case_ref IS NULL THEN 'no longer listed' ELSE 'updated' END
           AS change,
       a.reporting_month AS listed_in, b.reporting_month AS listed_before,
       coalesce(a.referral_date, b.referral_date) AS referral_date, a.closed_date, a.closure_reason,
       a.closed_date IS NOT NULL AND b.closed_date IS NULL AS closure_recorded,
       CASE WHEN a.case_ref IS NOT NULL AND b.case_ref IS NOT NULL THEN {changed} END AS changed,
       CASE WHEN a.case_ref IS NOT NULL AND b.case_ref IS NOT NULL THEN {detail} END AS detail
FROM after a FULL JOIN before b ON a.service = b.service AND a.case_ref = b.case_ref
WHERE b.case_ref IS NULL OR a.case_ref IS NULL OR {changed} <> ''
ORDER BY case_ref
"""


def case_changes(con, checked: list[CheckedReturn]) -> pd.DataFrame:
    """Every case whose latest state the batch would change: new, updated (which fields) or no longer listed."""
    changed, detail = _change_sql("b", "a")
    sql = CASE_CHANGES_SQL.format(columns=_COLUMNS, changed=changed, detail=detail)
    con.register("preview_incoming", _incoming_cases(checked))
    try:
        return con.execute(sql).df()
    finally:
        con.unregister("preview_incoming")


def _left_out(con, item: CheckedReturn, batch: dict[tuple[str, str], CheckedReturn]) -> list[dict]:
    """Cases listed open in the month before (in the batch, else as loaded) that this return leaves out: a case
    open at any time in the month has a row, so one left out stays open as last listed (vanished_cases)."""
    service, month = item.about["service"], item.about["reporting_month"]
    before = add_months(month, -1)
    if (service, before) in batch:
        rows = batch[(service, before)].cases.select(["case_ref", "referral_date", "closed_date"]).to_pylist()
        listed = [(r["case_ref"], r["referral_date"]) for r in rows if r["closed_date"] is None]
    else:
        listed = con.execute(
            "SELECT case_ref, referral_date FROM case_snapshots "
            "WHERE service = ? AND reporting_month = ? AND closed_date IS NULL ORDER BY case_ref",
            [service, before],
        ).fetchall()
    here = set(item.cases.column("case_ref").to_pylist())
    return [{"file": item.file_name, "reporting_month": month, "case_ref": ref, "referral_date": referred,
             "last_listed": before} for ref, referred in sorted(listed) if ref not in here]


def _replaced(con, service: str, month: str) -> dict | None:
    """The upload a new return for the month would replace, with its spend and activity."""
    cursor = con.execute(
        """SELECT upload_id, file_name, sha256, uploaded_at, uploaded_by,
                  (SELECT sum(amount_gbp) FROM stg_spend s WHERE s.upload_id = u.upload_id) AS spend_total
           FROM current_uploads u WHERE service = ? AND reporting_month = ?""",
        [service, month],
    )
    rows = cursor.fetchall()
    if not rows:
        return None
    replaced = dict(zip([d[0] for d in cursor.description], rows[0]))
    replaced["spend_total"] = float(replaced["spend_total"] or 0)
    replaced["activity"] = dict(
        con.execute("SELECT measure, count FROM stg_activity WHERE upload_id = ?", [replaced["upload_id"]]).fetchall()
    )
    return replaced


def _rows(table) -> int:
    return 0 if table is None else table.num_rows


def _money(values) -> float:
    return float(sum((Decimal(v) for v in values if v is not None), Decimal(0)))


def preview(con, checked: list[CheckedReturn]) -> dict:
    """What loading the checked returns would change: files, cases, spend, activity; notes, dates to confirm."""
    files, spend, activity, left_out, commentary, voices = [], [], [], [], [], []
    batch = {(c.about["service"], c.about["reporting_month"]): c for c in checked}
    for item in sorted(checked, key=lambda c: (c.about["service"], c.about["reporting_month"])):
        service, month = item.about["service"], item.about["reporting_month"]
        replaced = _replaced(con, service, month)
        lines = item.spend.to_pylist()
        left_out += _left_out(con, item, batch)
        files.append({
            "file": item.file_name, "service": service, "reporting_month": month,
            "submitted_on": item.about["submitted_on"], "prepared_by": item.about["prepared_by"],
            "cases_rows": item.cases.num_rows, "spend_lines": len(lines),
            "spend_total": _money(line["amount_gbp"] for line in lines),
            "replaces": replaced, "same_file": bool(replaced and replaced["sha256"] == item.sha256),
            "commentary_rows": _rows(item.commentary), "voices_rows": _rows(item.voices),
        })
        commentary += [{"reporting_month": month, "row": r["_row"], "topic": r["topic"], "text": r["text"]}
                       for r in (item.commentary.to_pylist() if item.commentary is not None else [])]
        voices += [{"reporting_month": month, "row": r["_row"], "theme": r["theme"],
                    "quote_or_summary": r["quote_or_summary"]}
                   for r in (item.voices.to_pylist() if item.voices is not None else [])]
        spend += [{"file": item.file_name, "reporting_month": month, "row": line["_row"],
                   "budget_line": line["budget_line"], "detail": line["detail"],
                   "amount_gbp": float(line["amount_gbp"]), "grant": line["grant"]} for line in lines]
        for name, label in ACTIVITY_MEASURES:
            before = replaced["activity"].get(name) if replaced else None
            activity.append({"reporting_month": month, "measure": _(label), "count": item.activity.get(name),
                             "loaded_now": before})
    cases = case_changes(con, checked) if checked else pd.DataFrame(columns=["change", "closure_recorded"])
    counts = {
        "files": len(files),
        "replacing": sum(f["replaces"] is not None for f in files),
        "new_cases": int((cases["change"] == "new").sum()),
        "updated_cases": int((cases["change"] == "updated").sum()),
        "no_longer_listed": int((cases["change"] == "no longer listed").sum()),
        "closures_recorded": int(cases["closure_recorded"].sum()),
        "left_out": len(left_out),
        "spend_lines": len(spend),
        "spend_total": round(sum(f["spend_total"] for f in files), 2),
    }
    return {
        "counts": counts,
        "files": files,
        # What the checks read one way and say so (65 as 65+, a total row left out, columns ignored), and the
        # dates the manager confirms before loading (a month/day order that may be the wrong way round).
        "notes": [note.as_dict() for item in checked for note in item.notes],
        "to_confirm": [warning.as_dict() for item in checked for warning in item.to_confirm],
        # Text in the voices that may identify someone: nothing loads until the manager confirms it does not.
        "identifying": [found.as_dict() for item in checked for found in item.identifying],
        "commentary": pd.DataFrame(commentary, columns=["reporting_month", "row", "topic", "text"]),
        "voices": pd.DataFrame(voices, columns=["reporting_month", "row", "theme", "quote_or_summary"]),
        "cases": cases,
        "left_out": pd.DataFrame(left_out, columns=["file", "reporting_month", "case_ref", "referral_date",
                                                    "last_listed"]),
        "spend": pd.DataFrame(spend, columns=["file", "reporting_month", "row", "budget_line", "detail",
                                              "amount_gbp", "grant"]),
        "activity": pd.DataFrame(activity, columns=["reporting_month", "measure", "count", "loaded_now"]).astype(
            {"count": "Int64", "loaded_now": "Int64"}
        ),
    }


def rollback_choices(con, service: str | None = None) -> pd.DataFrame:
    """Months that have an earlier version to go back to: the upload withdrawn and the one restored."""
    service = resolve_service(con, service)
    return con.execute(
        """WITH live AS (
               SELECT reporting_month, upload_id, file_name, uploaded_at, uploaded_by,
                      row_number() OVER (PARTITION BY reporting_month ORDER BY upload_id DESC) AS version
               FROM uploads WHERE service = ? AND rolled_back_at IS NULL
           )
           SELECT c.reporting_month, c.upload_id AS withdraw_upload, c.file_name AS withdraw_file,
                  c.uploaded_at AS withdraw_uploaded_at, c.uploaded_by AS withdraw_uploaded_by,
                  p.upload_id AS restore_upload, p.file_name AS restore_file, p.uploaded_at AS restore_uploaded_at
           FROM live c JOIN live p ON p.reporting_month = c.reporting_month AND p.version = 2
           WHERE c.version = 1
           ORDER BY c.reporting_month DESC""",
        [service],
    ).df()
