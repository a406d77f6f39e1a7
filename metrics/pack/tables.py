"""The pack's tables, each from the answers the pages show: summary, figures, growth, spend, months,
returns and definitions."""

from __future__ import annotations

import pandas as pd

from metrics.admin import actions
from metrics.answers import quality
from metrics.answers.growth import growth_comparison
from metrics.answers.series import slice_label
from metrics.answers.spend import TOTAL, spend_table
from metrics.i18n import N_, _, date_text, ngettext, pgettext
from metrics.measures import formatting
from metrics.measures.grading import target_text, targets
from metrics.measures.registry import MEASURES
from metrics.pack.model import Column, Table, long_date, month_year
from metrics.periods import Period
from metrics.store.logs import versions_uploaded

# Column headings of the month-by-month table: short enough to sit above a number.
MONTHLY_HEADINGS = {
    "referrals_received": N_("Referrals"),
    "victims_supported": N_("Victims supported"),
    "caseload_end": N_("Caseload at month end"),
    "closures": N_("Cases closed"),
    "timely_contact_rate": N_("Timely contact"),
    "nrm_referrals": N_("NRM referrals"),
    "duty_to_notify_referrals": N_("MS1 notices"),
    "spend_actual": N_("Actual spend"),
    "spend_expected": N_("Expected spend"),
}
UNIT_WORDS = {"count": N_("count"), "rate": N_("percentage"), "days": N_("days"), "gbp": N_("pounds (£)")}
# A return's state (quality.months), as the returns table shows it.
RETURN_WORDS = {"missing": N_("Missing"), "late": N_("Late"), "on time": N_("On time")}
# The definitions come grouped by what they are worked out from: cases, activity counts, money.
_DEFINITION_GROUPS = {"cases": 0, "activity": 1, "spend": 2, "formula": 2}


def summary_table(rows: list[dict]) -> Table:
    columns = [Column("label", _("Measure")), Column("value", _("This period"), "row"),
               Column("previous", _("Previous period"), "row"), Column("target", _("Target"), "row"),
               Column("grade", _("Grade")), Column("reading", _("Reading"))]
    out = [{"label": r["label"], "format": r["format"], "value": r["value_shown"],
            "previous": r["previous_value_shown"], "target": r["target"], "grade": r["grade"],
            "reading": r["reading"]} for r in rows]
    return Table(_("Summary"), _("Graded measures"), columns, out)


def headline_table(rows: list[dict]) -> Table:
    columns = [Column("label", _("Measure")), Column("value", _("This period"), "row"),
               Column("previous", _("Previous period"), "row"), Column("change", _("Change"), "row_change")]
    out = []
    for r in rows:
        now, before = r["value_shown"], r["previous_value_shown"]
        change = now - before if all(isinstance(v, int | float) for v in (now, before)) else None
        out.append({"label": r["label"], "format": r["format"], "value": now, "previous": before, "change": change})
    return Table(_("Figures"), _("Figures for the period and the previous period"), columns, out)


def growth_table(con, period: Period, service: str, audience: str) -> tuple[Table, dict]:
    """The growth page's comparison of the period against the one before."""
    earlier = period.previous()
    found = growth_comparison(con, earlier, period, service, audience)
    columns = [Column("area", _("Area")),
               Column("earlier", _("Referrals {period}").format(period=earlier.label), "whole"),
               Column("later", _("Referrals {period}").format(period=period.label), "whole"),
               Column("growth", _("Growth"), "growth")]
    rows = [{"area": r["area"],
             "earlier": r["base_shown"] if pd.isna(r["base"]) else int(r["base"]),
             "later": r["compare_shown"] if pd.isna(r["compare"]) else int(r["compare"]),
             "growth": None if pd.isna(r["growth"]) else float(r["growth"])}
            for r in found["table"].to_dict("records")]
    note = _(
        "Growth is the change in referrals from {earlier} to {later} as a share of the earlier "
        "count; n/a when the earlier count is zero, too small to show or unavailable. An area's count is the sum "
        "of its NRM reference rows lying wholly inside the period (most are calendar years)."
    ).format(earlier=earlier.label, later=period.label)
    return Table(_("Growth"), _("Referral growth against the NRM reference areas"), columns, rows, note), found


def spend_by_line_table(con, period: Period, service: str, audience: str) -> Table:
    frame = spend_table(con, period, service, audience)
    columns = [Column("budget_line", _("Budget line")), Column("budget", _("Budget"), "money"),
               Column("expected", _("Expected"), "money"), Column("actual", _("Actual"), "money"),
               Column("variance", _("Variance"), "money"), Column("variance_pct", _("Variance %"), "percent"),
               Column("forecast_outturn", _("Forecast outturn"), "money"),
               Column("forecast_against_budget", _("Forecast against budget"), "money")]
    rows = [{c.key: (None if c.format != "text" and pd.isna(r[c.key]) else r[c.key]) for c in columns}
            for r in frame.to_dict("records")]
    for row in rows:  # the total's row is marked, its label shown in the pack's language
        row["total"] = row["budget_line"] == TOTAL
        if row["total"]:
            row["budget_line"] = _("Total")
    note = _(
        "Budget of the lines whose grant overlaps the period. Expected is each line's budget times the share of "
        "its grant's days in the period; variance is actual minus expected (positive is overspend); the forecast "
        "outturn scales spend from the grant's start to the period's end (or to the as-at date, where that is "
        "earlier) up to the grant's full length."
    )
    return Table(_("Spend"), _("Spend against budget"), columns, rows, note)


def monthly_table(by_slice: dict[str, dict]) -> Table:
    """The trend's months (or, for the partnership, quarters) one a row."""
    quarters = any(values["period"].length > 1 for values in by_slice.values())
    first = Column("slice", _("Quarter")) if quarters else Column("month", _("Month"), "month")  # months as dates
    columns = [first] + [Column(name, _(heading), MEASURES[name].format) for name, heading in MONTHLY_HEADINGS.items()]
    rows = [{first.key: slice_label(values["period"]) if quarters else key}
            | {k: v for k, v in values.items() if k != "period"} for key, values in by_slice.items()]
    return Table(_("Monthly"), _("Month by month"), columns, rows)


def returns_table(con, period: Period, service: str | None, audience: str) -> tuple[Table, list[str]]:
    """One row per month of the period: on time, late or missing (quality.months); and the notes."""
    status = quality.months(con, service) if service else pd.DataFrame(columns=["reporting_month"])
    by_month = {r["reporting_month"]: r for r in status.to_dict("records")}
    versions = versions_uploaded(con, service, period.first, period.last) if service else {}
    rows, states = [], []
    for month in period.months:
        r = by_month.get(month, {})
        state = r.get("status", "missing")
        submitted = r.get("submitted_on") if state != "missing" else None
        states.append(state)
        rows.append({
            "month": month,
            "status": _(RETURN_WORDS[state]),
            "submitted_on": submitted,
            "days_after": None if submitted is None else int(r["days_after_month_end"]),
            "versions": int(versions.get(month, 0)),
        })
    columns = [Column("month", _("Month"), "month"), Column("status", _("Return")),
               Column("submitted_on", _("Submitted on"), "date"),
               Column("days_after", _("Days after month end"), "number"),
               Column("versions", _("Versions uploaded"), "number")]
    missing = [r["month"] for r, state in zip(rows, states, strict=True) if state == "missing"]
    late = [r["month"] for r, state in zip(rows, states, strict=True) if state == "late"]
    corrected = [r["month"] for r in rows if r["versions"] > 1]
    due = ngettext("more than {days} day after the month ended", "more than {days} days after the month ended",
                   quality.LATE_AFTER_DAYS).format(days=quality.LATE_AFTER_DAYS)
    notes = [
        _("Missing months: no return is loaded for {months}; the figures leave those months "
          "out.").format(months=formatting.month_list(missing)) if missing
        else _("Missing months: none; every month of the period has a return loaded."),
        _("Late returns: {months} arrived {due}.").format(months=formatting.month_list(late), due=due) if late
        else _("Late returns: none arrived {due}.").format(due=due),
    ]
    if corrected:
        notes.append(_("Corrected months: {months} were uploaded more than once; the "
                       "latest counts.").format(months=formatting.month_list(corrected)))
    if service and len(missing) < period.length:
        unresolved = quality.unresolved_spend(con, service)
        unresolved = unresolved[unresolved["reporting_month"].between(period.first, period.last)]
        if len(unresolved):
            notes.append(_(
                "Spend lines not counted: {n} spend lines of the period cannot be put against a "
                "grant (see the Data quality page)."
            ).format(n=len(unresolved)))
        if audience == "internal":
            vanished = quality.vanished_cases(con, service, audience)
            vanished = vanished[vanished["missing_from"].between(period.first, period.last)]
            if len(vanished):
                notes.append(_(
                    "Cases that vanished: {n} cases listed as open in one month's return were missing "
                    "from the next (see the Data quality page)."
                ).format(n=len(vanished)))
    table = Table(_("Returns"), _("Monthly returns for the period"), columns, rows,
                  _("A return is late when it is submitted {due}.").format(due=due))
    return table, notes


def definitions_table(con) -> Table:
    """The appendix of definitions, generated from the measure registry and the targets."""
    goals = targets(con)
    measures = sorted(MEASURES.values(), key=lambda m: _DEFINITION_GROUPS[m.source])
    rows = [{"label": _(m.label), "unit": _(UNIT_WORDS[m.unit]), "definition": _(m.description),
             "target": target_text(m.name, goals[m.name]) if m.name in goals else ""} for m in measures]
    columns = [Column("label", _("Measure")), Column("unit", _("Unit")), Column("definition", _("Definition")),
               Column("target", _("Target"))]
    note = _(
        "Grades: Green when the target is met, Amber within the amber band of the target, Red beyond it, "
        "Grey (not graded) when the figure is undefined or not shown. A rate is undefined when nothing is there "
        "to measure. Every measure of a case uses the case's latest monthly snapshot."
    )
    return Table(_("Definitions"), _("Definitions"), columns, rows, note)


# An action's status (admin.actions.STATUSES) as a table shows it, and within a sentence.
STATUS_WORDS = {"open": N_("Open"), "done": N_("Done"), "dropped": N_("Dropped")}


def status_word(status: str) -> str:
    """'Open', 'Done', 'Dropped' in the pack's language (an unknown code as it is, capitalised)."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status.capitalize()


def status_in_text(status: str) -> str:
    """'open', 'done', 'dropped' within a sentence."""
    words = {"open": pgettext("an action's status, in a sentence", "open"),
             "done": pgettext("an action's status, in a sentence", "done"),
             "dropped": pgettext("an action's status, in a sentence", "dropped")}
    return words.get(status, status)


def action_row(r: dict) -> dict:
    latest = (f"{date_text(r['latest_update_date'])}: {r['latest_update']}" if r["latest_update"]
              else _("No update yet"))
    status = _("Overdue") if r["overdue"] else status_word(r["status"])
    return {"number": r["action_id"], "title": r["title"], "about": r["about_label"], "raised": r["raised_period"],
            "owner": r["owner"], "due": r["due_date"], "status": status, "latest": latest}


def actions_tables(con, period: Period, as_of=None) -> tuple[Table, Table]:
    """(from previous meetings, raised at this meeting), as the log stood at `as_of` (admin.actions.for_pack)."""
    earlier, this = actions.for_pack(con, period, as_of)
    columns = [Column("number", _("No."), "number"), Column("title", _("Action")),
               Column("about", pgettext("what an action is about", "About")),
               Column("raised", _("Raised on")), Column("owner", _("Owner")), Column("due", _("Due"), "date"),
               Column("status", _("Status")), Column("latest", _("Latest update"))]
    start = long_date(period.start, padded=False)
    previous = Table(_("Actions before"), _("Actions from previous meetings"), columns,
                     [action_row(r) for r in earlier],
                     _("Actions raised on periods before {period} that are still open, or were done or dropped "
                       "on or after {start}. Overdue: still open after its due date, at the period's "
                       "end.").format(period=period.label, start=start))
    now = Table(_("Actions raised"), _("Actions raised at this meeting"), [c for c in columns if c.key != "raised"],
                [action_row(r) for r in this],
                _("Actions raised on a period ending {month}.").format(month=month_year(period.end)))
    return previous, now
