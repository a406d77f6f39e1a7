"""The pack's tables, each from the answers the pages show: summary, figures, growth, spend, months,
returns and definitions."""

from __future__ import annotations

import pandas as pd

from metrics.admin import actions
from metrics.answers import quality
from metrics.answers.growth import growth_comparison
from metrics.answers.series import slice_label
from metrics.answers.spend import spend_table
from metrics.measures import formatting
from metrics.measures.grading import target_text, targets
from metrics.measures.registry import MEASURES
from metrics.pack.model import Column, Table
from metrics.periods import Period
from metrics.store.logs import versions_uploaded

# Column headings of the month-by-month table: short enough to sit above a number.
MONTHLY_HEADINGS = {
    "referrals_received": "Referrals",
    "victims_supported": "Victims supported",
    "caseload_end": "Caseload at month end",
    "closures": "Cases closed",
    "timely_contact_rate": "Timely contact",
    "nrm_referrals": "NRM referrals",
    "duty_to_notify_referrals": "MS1 notices",
    "spend_actual": "Actual spend",
    "spend_expected": "Expected spend",
}
UNIT_WORDS = {"count": "count", "rate": "percentage", "days": "days", "gbp": "pounds (£)"}
# The definitions come grouped by what they are worked out from: cases, activity counts, money.
_DEFINITION_GROUPS = {"cases": 0, "activity": 1, "spend": 2, "formula": 2}


def summary_table(rows: list[dict]) -> Table:
    columns = [Column("label", "Measure"), Column("value", "This period", "row"),
               Column("previous", "Previous period", "row"), Column("target", "Target", "row"),
               Column("grade", "Grade"), Column("reading", "Reading")]
    out = [{"label": r["label"], "format": r["format"], "value": r["value_shown"],
            "previous": r["previous_value_shown"], "target": r["target"], "grade": r["grade"],
            "reading": r["reading"]} for r in rows]
    return Table("Summary", "Graded measures", columns, out)


def headline_table(rows: list[dict]) -> Table:
    columns = [Column("label", "Measure"), Column("value", "This period", "row"),
               Column("previous", "Previous period", "row"), Column("change", "Change", "row_change")]
    out = []
    for r in rows:
        now, before = r["value_shown"], r["previous_value_shown"]
        change = now - before if all(isinstance(v, int | float) for v in (now, before)) else None
        out.append({"label": r["label"], "format": r["format"], "value": now, "previous": before, "change": change})
    return Table("Figures", "Figures for the period and the previous period", columns, out)


def growth_table(con, period: Period, service: str, audience: str) -> tuple[Table, dict]:
    """The growth page's comparison of the period against the one before."""
    earlier = period.previous()
    found = growth_comparison(con, earlier, period, service, audience)
    columns = [Column("area", "Area"), Column("earlier", f"Referrals {earlier.label}", "whole"),
               Column("later", f"Referrals {period.label}", "whole"), Column("growth", "Growth", "growth")]
    rows = [{"area": r["area"],
             "earlier": r["base_shown"] if pd.isna(r["base"]) else int(r["base"]),
             "later": r["compare_shown"] if pd.isna(r["compare"]) else int(r["compare"]),
             "growth": None if pd.isna(r["growth"]) else float(r["growth"])}
            for r in found["table"].to_dict("records")]
    note = (
        f"Growth is the change in referrals from {earlier.label} to {period.label} as a share of the earlier "
        "count; n/a when the earlier count is zero, too small to show or unavailable. An area's count is the sum "
        "of its NRM reference rows lying wholly inside the period (most are calendar years)."
    )
    return Table("Growth", "Referral growth against the NRM reference areas", columns, rows, note), found


def spend_by_line_table(con, period: Period, service: str, audience: str) -> Table:
    frame = spend_table(con, period, service, audience)
    columns = [Column("budget_line", "Budget line"), Column("budget", "Budget", "money"),
               Column("expected", "Expected", "money"), Column("actual", "Actual", "money"),
               Column("variance", "Variance", "money"), Column("variance_pct", "Variance %", "percent"),
               Column("forecast_outturn", "Forecast outturn", "money"),
               Column("forecast_against_budget", "Forecast against budget", "money")]
    rows = [{c.key: (None if c.format != "text" and pd.isna(r[c.key]) else r[c.key]) for c in columns}
            for r in frame.to_dict("records")]
    note = (
        "Budget of the lines whose grant overlaps the period. Expected is each line's budget times the share of "
        "its grant's days in the period; variance is actual minus expected (positive is overspend); the forecast "
        "outturn scales spend from the grant's start to the period's end (or to the as-at date, where that is "
        "earlier) up to the grant's full length."
    )
    return Table("Spend", "Spend against budget", columns, rows, note)


def monthly_table(by_slice: dict[str, dict]) -> Table:
    """The trend's months (or, for the partnership, quarters) one a row."""
    quarters = any(values["period"].length > 1 for values in by_slice.values())
    first = Column("slice", "Quarter") if quarters else Column("month", "Month", "month")  # months as dates
    columns = [first] + [Column(name, heading, MEASURES[name].format) for name, heading in MONTHLY_HEADINGS.items()]
    rows = [{first.key: slice_label(values["period"]) if quarters else key}
            | {k: v for k, v in values.items() if k != "period"} for key, values in by_slice.items()]
    return Table("Monthly", "Month by month", columns, rows)


def returns_table(con, period: Period, service: str | None, audience: str) -> tuple[Table, list[str]]:
    """One row per month of the period: on time, late or missing (quality.months); and the notes."""
    status = quality.months(con, service) if service else pd.DataFrame(columns=["reporting_month"])
    by_month = {r["reporting_month"]: r for r in status.to_dict("records")}
    versions = versions_uploaded(con, service, period.first, period.last) if service else {}
    rows = []
    for month in period.months:
        r = by_month.get(month, {})
        state = r.get("status", "missing")
        submitted = r.get("submitted_on") if state != "missing" else None
        rows.append({
            "month": month,
            "status": {"missing": "Missing", "late": "Late", "on time": "On time"}[state],
            "submitted_on": submitted,
            "days_after": None if submitted is None else int(r["days_after_month_end"]),
            "versions": int(versions.get(month, 0)),
        })
    columns = [Column("month", "Month", "month"), Column("status", "Return"),
               Column("submitted_on", "Submitted on", "date"), Column("days_after", "Days after month end", "number"),
               Column("versions", "Versions uploaded", "number")]
    missing = [r["month"] for r in rows if r["status"] == "Missing"]
    late = [r["month"] for r in rows if r["status"] == "Late"]
    corrected = [r["month"] for r in rows if r["versions"] > 1]
    due = f"more than {quality.LATE_AFTER_DAYS} days after the month ended"
    notes = [
        f"Missing months: no return is loaded for {formatting.month_list(missing)}; the figures leave those months "
        "out." if missing else "Missing months: none; every month of the period has a return loaded.",
        f"Late returns: {formatting.month_list(late)} arrived {due}." if late else f"Late returns: none arrived {due}.",
    ]
    if corrected:
        notes.append(f"Corrected months: {formatting.month_list(corrected)} were uploaded more than once; the "
                     "latest counts.")
    if service and len(missing) < period.length:
        unresolved = quality.unresolved_spend(con, service)
        unresolved = unresolved[unresolved["reporting_month"].between(period.first, period.last)]
        if len(unresolved):
            notes.append(
                f"Spend lines not counted: {len(unresolved)} spend lines of the period cannot be put against a "
                "grant (see the Data quality page)."
            )
        if audience == "internal":
            vanished = quality.vanished_cases(con, service, audience)
            vanished = vanished[vanished["missing_from"].between(period.first, period.last)]
            if len(vanished):
                notes.append(
                    f"Cases that vanished: {len(vanished)} cases listed as open in one month's return were missing "
                    "from the next (see the Data quality page)."
                )
    table = Table("Returns", "Monthly returns for the period", columns, rows,
                  f"A return is late when it is submitted {due}.")
    return table, notes


def definitions_table(con) -> Table:
    """The appendix of definitions, generated from the measure registry and the targets."""
    goals = targets(con)
    measures = sorted(MEASURES.values(), key=lambda m: _DEFINITION_GROUPS[m.source])
    rows = [{"label": m.label, "unit": UNIT_WORDS[m.unit], "definition": m.description,
             "target": target_text(m.name, goals[m.name]) if m.name in goals else ""} for m in measures]
    columns = [Column("label", "Measure"), Column("unit", "Unit"), Column("definition", "Definition"),
               Column("target", "Target")]
    note = (
        "Grades: Green when the target is met, Amber within the amber band of the target, Red beyond it, "
        "Grey (not graded) when the figure is undefined or not shown. A rate is undefined when nothing is there "
        "to measure. Every measure of a case uses the case's latest monthly snapshot."
    )
    return Table("Definitions", "Definitions", columns, rows, note)


def action_row(r: dict) -> dict:
    latest = f"{r['latest_update_date']:%d %b %Y}: {r['latest_update']}" if r["latest_update"] else "No update yet"
    status = "Overdue" if r["overdue"] else r["status"].capitalize()
    return {"number": r["action_id"], "title": r["title"], "about": r["about_label"], "raised": r["raised_period"],
            "owner": r["owner"], "due": r["due_date"], "status": status, "latest": latest}


def actions_tables(con, period: Period, as_of=None) -> tuple[Table, Table]:
    """(from previous meetings, raised at this meeting), as the log stood at `as_of` (admin.actions.for_pack)."""
    earlier, this = actions.for_pack(con, period, as_of)
    columns = [Column("number", "No.", "number"), Column("title", "Action"), Column("about", "About"),
               Column("raised", "Raised on"), Column("owner", "Owner"), Column("due", "Due", "date"),
               Column("status", "Status"), Column("latest", "Latest update")]
    previous = Table("Actions before", "Actions from previous meetings", columns, [action_row(r) for r in earlier],
                     f"Actions raised on periods before {period.label} that are still open, or were done or dropped "
                     f"on or after {period.start:%-d %B %Y}. Overdue: still open after its due date, at the period's "
                     "end.")
    now = Table("Actions raised", "Actions raised at this meeting", [c for c in columns if c.key != "raised"],
                [action_row(r) for r in this], f"Actions raised on a period ending {period.end:%B %Y}.")
    return previous, now
