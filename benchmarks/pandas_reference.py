"""Every measure of the report, computed by straightforward pandas code from DOMAIN.md's definitions.

This is the yardstick for metrics.report.report: written independently of metrics/ (it reads the
stored rows, not the views, and shares no SQL), it must give the same figures, and the benchmark
times both. `load_frames` reads the stored rows (SQL only selects them: of one service's uploads,
or of all); `report` then works on those frames only. `report_from_database` is the two together:
the pandas way of answering the question metrics.report.report answers, from the same database.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OUTCOME_AREAS = ("safer", "health", "cope", "informed", "access", "justice")
ACTIVITY_NAMES = (
    "partnership_meetings",
    "training_sessions",
    "professionals_trained",
    "awareness_events",
    "partner_advice_requests",
    "third_party_reports",
    "policy_contributions",
)
GRADED = (
    "timely_contact_rate",
    "median_days_to_contact",
    "planned_closure_rate",
    *(f"outcome_{key}_rate" for key in OUTCOME_AREAS),
    "voice_captured_rate",
    "spend_variance_abs",
)
_UPLOADS = "SELECT upload_id FROM uploads WHERE $service IS NULL OR service = $service"
TABLES = {
    "uploads": "SELECT upload_id, service, reporting_month, rolled_back_at FROM uploads WHERE upload_id IN ",
    "cases": "SELECT * FROM raw_cases WHERE upload_id IN ",
    "activity": "SELECT * FROM raw_activity WHERE upload_id IN ",
    "spend": "SELECT * FROM raw_spend WHERE upload_id IN ",
    "budget": "SELECT * FROM budget",
    "bank_holidays": "SELECT * FROM bank_holidays",
    "kpi_targets": "SELECT * FROM kpi_targets",
    "settings": "SELECT * FROM settings",
}


def load_frames(con, service: str | None = None) -> dict[str, pd.DataFrame]:
    """The stored rows the measures are computed from (of one service's uploads, or of all), as frames."""
    frames = {}
    for name, sql in TABLES.items():
        if sql.endswith(" IN "):
            frames[name] = con.execute(f"{sql}({_UPLOADS})", {"service": service}).df()
        else:
            frames[name] = con.execute(sql).df()
    return frames


def report_from_database(con, first: str, last: str, service: str) -> dict:
    """The report the pandas way: read the service's stored rows into frames, then compute."""
    return report(load_frames(con, service), first, last, service)


def _month_start(month: str) -> pd.Timestamp:
    return pd.Timestamp(month + "-01")


def _month_end(month: str) -> pd.Timestamp:
    return _month_start(month) + pd.offsets.MonthEnd(0)


def _share(numerator: pd.Series, denominator: pd.Series):
    den = int(denominator.sum())
    return int((numerator & denominator).sum()) / den if den else None


def _rate(value):
    return None if value is None else round(float(value), 6)


def _money(value):
    return None if value is None else round(float(value), 2)


def deadlines(referral_dates: pd.Series, bank_holidays: pd.Series) -> pd.Series:
    """The second working day after each referral (a referral on a weekend or holiday counts from the day before)."""
    holidays = bank_holidays.to_numpy(dtype="datetime64[D]")
    days = referral_dates.to_numpy(dtype="datetime64[D]")
    last_working = np.busday_offset(days, 0, roll="backward", holidays=holidays)
    return pd.Series(np.busday_offset(last_working, 2, holidays=holidays), index=referral_dates.index).astype(
        "datetime64[us]"
    )


def case_figures(latest: pd.DataFrame, start, end, as_at, bank_holidays: pd.Series) -> dict:
    """Every case measure for one period, from the latest snapshot of each case."""
    referral, contact, closed = latest.referral_date, latest.first_contact_date, latest.closed_date
    referred = referral.between(start, end)
    supported = (
        (contact <= end)
        & (latest.support_level.fillna("") != "Declined support")
        & (referral <= end)
        & (closed.isna() | (closed >= start))
    )
    was_closed = closed.between(start, end)
    open_at_end = (referral <= end) & (closed.isna() | (closed > end))
    deadline = deadlines(referral, bank_holidays)
    timely = contact <= deadline
    pending = contact.isna() & (deadline > as_at)
    delays = (contact - referral)[referred & contact.notna()].dt.days
    figures = {
        "referrals_received": int(referred.sum()),
        "victims_supported": int(supported.sum()),
        "timely_contact_rate": _share(timely, referred & ~pending),
        "median_days_to_contact": float(delays.median()) if len(delays) else None,
        "caseload_end": int(open_at_end.sum()),
        "closures": int(was_closed.sum()),
        "planned_closure_rate": _share(latest.closure_reason == "Support completed", was_closed),
    }
    for key in OUTCOME_AREAS:
        outcome = latest[f"outcome_{key}"]
        figures[f"outcome_{key}_rate"] = _share(
            outcome == "Improved", was_closed & outcome.isin(["Improved", "No change"])
        )
    figures["voice_captured_rate"] = _share(latest.voice_captured == "Yes", was_closed)
    outside = latest.nrm_status.isin(["Declined NRM referral", "Outside NRM threshold"])
    figures["outside_nrm_rate"] = _share(outside, supported)
    figures["nrm_referrals"] = int((referred & (latest.nrm_status == "Referred to NRM")).sum())
    figures["duty_to_notify_referrals"] = int((referred & (latest.duty_to_notify == "Yes")).sum())
    figures["uk_national_rate"] = _share(latest.nationality_group == "UK", referred)
    figures["trafficking_indicated_rate"] = _share(latest.trafficking_indicated == "Yes", referred)
    return figures


def spend_lines(frames: dict, mine: pd.DataFrame, start, end) -> pd.DataFrame:
    """Budget, actual, expected and forecast outturn for each line of each grant overlapping the period."""
    budget = frames["budget"]
    lines = budget[(budget.start_date <= end) & (budget.end_date >= start)].copy()
    spend = frames["spend"].merge(mine[["upload_id", "reporting_month"]], on="upload_id")
    spend["month_start"] = pd.to_datetime(spend.reporting_month + "-01")
    spend["month_end"] = spend.month_start + pd.offsets.MonthEnd(0)
    # A row without a grant belongs to the one grant of its line that overlaps its month.
    candidates = spend.reset_index().merge(budget, on="budget_line", suffixes=("", "_budget"))
    candidates = candidates[
        (candidates.start_date <= candidates.month_end)
        & (candidates.end_date >= candidates.month_start)
        & (candidates["grant"].isna() | (candidates["grant"].str.lower() == candidates.grant_budget.str.lower()))
    ]
    unique = candidates[candidates["index"].map(candidates["index"].value_counts()) == 1]
    spend["grant_inferred"] = unique.set_index("index").grant_budget.reindex(spend.index)
    rows = []
    for line in lines.itertuples():
        grant_days = (line.end_date - line.start_date).days + 1
        in_period = (min(end, line.end_date) - max(start, line.start_date)).days + 1
        to_date_days = min((end - line.start_date).days + 1, grant_days)
        ours = spend[(spend.grant_inferred == line.grant) & (spend.budget_line == line.budget_line)]
        ours = ours[(ours.month_start >= line.start_date.replace(day=1)) & (ours.month_start <= end)]
        actual = float(ours[ours.month_start >= start].amount_gbp.sum())
        amount = float(line.amount_gbp)
        rows.append(
            {
                "grant": line.grant,
                "budget_line": line.budget_line,
                "budget": amount,
                "actual": actual,
                "expected": amount * in_period / grant_days,
                "forecast_outturn": float(ours.amount_gbp.sum()) * grant_days / to_date_days,
            }
        )
    return pd.DataFrame(rows, columns=["grant", "budget_line", "budget", "actual", "expected", "forecast_outturn"])


def spend_summary(lines: pd.DataFrame) -> dict:
    budget, actual, expected, forecast = (
        float(lines[c].sum()) for c in ("budget", "actual", "expected", "forecast_outturn")
    )
    variance = actual - expected
    return {
        "budget": budget,
        "actual": actual,
        "expected": expected,
        "variance": variance,
        "variance_pct": variance / expected if expected else None,
        "forecast_outturn": forecast,
    }


def grade(value, target: dict | None) -> str:
    if target is None or value is None:
        return "grey"
    gap = target["target"] - value if target["better"] == "higher" else value - target["target"]
    if gap <= 1e-12:
        return "green"
    return "amber" if gap <= target["amber_band"] + 1e-12 else "red"


def report(frames: dict, first: str, last: str, service: str) -> dict:
    """The figures of `python -m metrics report --json` for one service and period (RAG as grades only)."""
    start, end = _month_start(first), _month_end(last)
    uploads = frames["uploads"]
    active = (
        uploads[uploads.rolled_back_at.isna()]
        .sort_values("upload_id")
        .drop_duplicates(["service", "reporting_month"], keep="last")
    )
    mine = active[active.service == service]
    as_at = _month_end(mine.reporting_month.max())
    cases = frames["cases"]
    snapshots = cases[cases.upload_id.isin(mine.upload_id)].merge(
        mine[["upload_id", "reporting_month"]], on="upload_id"
    )
    latest = snapshots.sort_values("reporting_month").drop_duplicates("case_ref", keep="last")
    figures = case_figures(latest, start, end, as_at, frames["bank_holidays"].date)

    activity = frames["activity"].merge(mine[["upload_id", "reporting_month"]], on="upload_id")
    activity = activity[activity.reporting_month.between(first, last)]
    totals = activity.groupby("measure")["count"].sum()

    lines = spend_lines(frames, mine, start, end)
    spent = spend_summary(lines)
    by_line = {
        line: spend_summary(lines[lines.budget_line == line])
        for line in ("Salary", "On-costs")
        if (lines.budget_line == line).any()
    }
    settings = dict(zip(frames["settings"].key, frames["settings"].value))
    ratio = float(settings.get("cost_benefit_ratio", 3.35))
    victims = figures["victims_supported"]
    pct = spent["variance_pct"]
    figures["spend_variance_abs"] = None if pct is None else abs(pct)
    targets = {row.measure: row._asdict() for row in frames["kpi_targets"].itertuples()}

    def spend_block(summary: dict) -> dict:
        return {k: (_rate(v) if k == "variance_pct" else _money(v)) for k, v in summary.items()}

    counts = ("referrals_received", "victims_supported", "caseload_end", "closures")
    return {
        "service": service,
        "period_from": first,
        "period_to": last,
        "as_at": as_at.date().isoformat(),
        **{name: figures[name] for name in counts},
        "nrm_referrals": figures["nrm_referrals"],
        "duty_to_notify_referrals": figures["duty_to_notify_referrals"],
        "median_days_to_contact": figures["median_days_to_contact"],
        **{
            name: _rate(figures[name])
            for name in (
                "timely_contact_rate",
                "planned_closure_rate",
                "voice_captured_rate",
                "outside_nrm_rate",
                "uk_national_rate",
                "trafficking_indicated_rate",
            )
        },
        "outcome_rates": {key: _rate(figures[f"outcome_{key}_rate"]) for key in OUTCOME_AREAS},
        "activity": {name: int(totals.get(name, 0)) for name in ACTIVITY_NAMES},
        "spend": spend_block(spent) | {"by_line": {line: spend_block(s) for line, s in by_line.items()}},
        "cost_per_victim": _money(spent["actual"] / victims if victims else None),
        "estimated_saving": _money(spent["actual"] * ratio),
        "rag": {name: grade(figures[name], targets.get(name)) for name in GRADED},
    }


def comparable(report: dict) -> dict:
    """metrics.report.report's output in this module's shape: no audience, RAG as grades only."""
    out = {k: v for k, v in report.items() if k != "audience"}
    out["rag"] = {name: entry["grade"] for name, entry in report["rag"].items()}
    return out


def differences(ours: dict, reference: dict, path: str = "") -> list[str]:
    """Where two reports disagree.

    Both sides round (money to the penny, rates to 6 places) sums that are added up in different
    orders; two values a hair apart can round a unit apart, so money may differ by a penny and a
    rate by one unit in its sixth place.
    """
    found = []
    for key in sorted(set(ours) | set(reference), key=str):
        where = f"{path}.{key}" if path else str(key)
        a, b = ours.get(key), reference.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            found += differences(a, b, where)
        elif isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
            money = any(part in where for part in ("spend", "cost_per_victim", "estimated_saving"))
            tolerance = 0.0100001 if money and not where.endswith("variance_pct") else 1.0000001e-6
            if abs(a - b) > tolerance:
                found.append(f"{where}: {a!r} != {b!r}")
        elif a != b:
            found.append(f"{where}: {a!r} != {b!r}")
    return found
