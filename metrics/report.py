"""Compute measures for periods: figures, grades, comparisons, series, breakdowns and growth.

Every public function takes the service (default: the only one loaded) and the audience
('internal' or 'partnership'); the partnership audience gets disclosure-controlled figures only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics import disclosure
from metrics.contract import ACTIVITY_MEASURES, OUTCOME_AREAS, SPEND
from metrics.measures import BREAKDOWNS, CASE_FACTS_SQL, CASE_MEASURES, MEASURES, graded, measure
from metrics.periods import Period, month_end, months_between
from metrics.reference import cost_benefit
from metrics.store import only_service

AUDIENCES = ("internal", "partnership")


@dataclass(frozen=True)
class Figure:
    """One measure's value for one period, with what a reading needs."""

    name: str
    value: object  # int | float | None (undefined) | '<5' (suppressed)
    numerator: object = None
    denominator: object = None
    extra: dict = field(default_factory=dict)
    suppressed: bool = False


def check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")
    return audience


def resolve_service(con, service: str | None) -> str:
    return service or only_service(con)


def latest_month(con, service: str | None = None) -> str | None:
    service = resolve_service(con, service)
    rows = con.execute("SELECT max(reporting_month) FROM active_uploads WHERE service = ?", [service]).fetchall()
    return rows[0][0]


def as_at(con, service: str | None = None) -> dt.date | None:
    """The last day of the latest reporting month loaded."""
    latest = latest_month(con, service)
    return month_end(latest) if latest else None


def _period_params(periods: dict[str, Period]) -> dict:
    return {
        "period_keys": list(periods),
        "period_starts": [p.start for p in periods.values()],
        "period_ends": [p.end for p in periods.values()],
    }


def _case_figures(con, service: str, periods: dict[str, Period], at: dt.date) -> dict[str, dict[str, Figure]]:
    """Every case measure for every period, in one query."""
    selects = []
    for m in CASE_MEASURES:
        if m.is_rate:
            selects += [f"{m.numerator} AS {m.name}__num", f"{m.denominator} AS {m.name}__den"]
        else:
            selects.append(f"{m.sql} AS {m.name}")
    sql = f"{CASE_FACTS_SQL} SELECT period_key, {', '.join(selects)} FROM case_facts GROUP BY period_key"
    params = _period_params(periods) | {"service": service, "as_at": at}
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    found = {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}
    out = {}
    for key in periods:
        row = found.get(key, {})
        figures = {}
        for m in CASE_MEASURES:
            if m.is_rate:
                num, den = int(row.get(f"{m.name}__num") or 0), int(row.get(f"{m.name}__den") or 0)
                figures[m.name] = Figure(m.name, num / den if den else None, num, den)
            else:
                value = row.get(m.name)
                if m.unit == "count":
                    value = int(value or 0)
                figures[m.name] = Figure(m.name, None if value is None else value)
        out[key] = figures
    return out


def _activity_figures(con, service: str, periods: dict[str, Period]) -> dict[str, dict[str, Figure]]:
    sql = """
        WITH periods AS (
            SELECT unnest($period_keys) AS period_key, unnest($firsts) AS first_month, unnest($lasts) AS last_month
        )
        SELECT p.period_key, a.measure, sum(a.count) AS total
        FROM periods p JOIN stg_activity a
          ON a.service = $service AND a.reporting_month BETWEEN p.first_month AND p.last_month
        GROUP BY ALL
    """
    params = {
        "period_keys": list(periods),
        "firsts": [p.first for p in periods.values()],
        "lasts": [p.last for p in periods.values()],
        "service": service,
    }
    totals = {(k, m): int(t) for k, m, t in con.execute(sql, params).fetchall()}
    return {
        key: {
            f"activity_{name}": Figure(f"activity_{name}", totals.get((key, name), 0)) for name, _ in ACTIVITY_MEASURES
        }
        for key in periods
    }


SPEND_LINES_SQL = """
WITH periods AS (
    SELECT unnest($period_keys) AS period_key, unnest($period_starts) AS p_start, unnest($period_ends) AS p_end
),
grant_lines AS (
    SELECT "grant", budget_line, CAST(amount_gbp AS DOUBLE) AS amount, start_date, end_date,
           end_date - start_date + 1 AS grant_days
    FROM budget
),
overlapping AS (
    SELECT p.*, g.*,
           least(p.p_end, g.end_date) - greatest(p.p_start, g.start_date) + 1 AS days_in_period,
           least(p.p_end - g.start_date + 1, g.grant_days) AS days_to_date
    FROM periods p JOIN grant_lines g ON g.start_date <= p.p_end AND g.end_date >= p.p_start
),
spent AS (
    SELECT o.period_key, o."grant", o.budget_line,
           sum(s.amount_gbp) FILTER (WHERE s.month_start >= o.p_start) AS actual,
           sum(s.amount_gbp) AS actual_to_date
    FROM overlapping o JOIN stg_spend s
      ON s.service = $service AND s."grant" = o."grant" AND s.budget_line = o.budget_line
     AND s.month_start >= date_trunc('month', o.start_date) AND s.month_start <= o.p_end
    GROUP BY ALL
),
final AS (
    SELECT o.period_key, o."grant", o.budget_line, o.amount AS budget,
           CAST(coalesce(s.actual, 0) AS DOUBLE) AS actual,
           o.amount * o.days_in_period / o.grant_days AS expected,
           CAST(coalesce(s.actual_to_date, 0) AS DOUBLE) * o.grant_days / o.days_to_date AS forecast_outturn
    FROM overlapping o LEFT JOIN spent s USING (period_key, "grant", budget_line)
)
SELECT * FROM final ORDER BY period_key, budget_line DESC, "grant"
"""


def _spend_lines(con, service: str, periods: dict[str, Period]) -> pd.DataFrame:
    """Budget, actual, expected and forecast for each line of each grant overlapping each period."""
    return con.execute(SPEND_LINES_SQL, _period_params(periods) | {"service": service}).df()


def _spend_rows(con, service: str, periods: dict[str, Period]) -> list[dict]:
    """The rows of _spend_lines as dicts: a report needs a few sums of a few rows, not a data frame."""
    cursor = con.execute(SPEND_LINES_SQL, _period_params(periods) | {"service": service})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _spend_summary(lines: pd.DataFrame) -> dict:
    """Sum grant lines into the six spend figures (each line of each grant on its own, then summed)."""
    return _sum_spend_rows(lines.to_dict("records"))


def _sum_spend_rows(rows: list[dict]) -> dict:
    """_spend_summary of rows; numpy sums them exactly as pandas would (pairwise), to the last digit."""
    budget, actual, expected, forecast = (
        float(np.sum(np.array([r[c] for r in rows], dtype=float))) if rows else 0.0
        for c in ("budget", "actual", "expected", "forecast_outturn")
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


def spend(con, period: Period, service: str | None = None) -> dict:
    """Spend against budget for the period: totals and by budget line."""
    service = resolve_service(con, service)
    return _spend_detail(_spend_rows(con, service, {"p": period}))


def _spend_detail(rows: list[dict]) -> dict:
    """One period's spend rows as spend() returns them: totals, by budget line and by grant line."""
    out = _sum_spend_rows(rows)
    out["by_line"] = {
        line: _sum_spend_rows([r for r in rows if r["budget_line"] == line])
        for line in SPEND.column("budget_line").codes
        if any(r["budget_line"] == line for r in rows)
    }
    out["by_grant_line"] = [{k: v for k, v in r.items() if k != "period_key"} for r in rows]
    return out


def _spend_figures(con, service: str, periods: dict[str, Period]) -> dict[str, dict[str, Figure]]:
    return _spend_figures_of(_spend_rows(con, service, periods), periods)


def _spend_figures_of(rows: list[dict], periods: dict[str, Period]) -> dict[str, dict[str, Figure]]:
    out = {}
    for key in periods:
        summary = _sum_spend_rows([r for r in rows if r["period_key"] == key])
        out[key] = {f"spend_{k}": Figure(f"spend_{k}", v) for k, v in summary.items()}
    return out


def compute(
    con, periods: dict[str, Period], service: str | None = None, audience: str = "internal", at: dt.date | None = None
) -> dict[str, dict[str, Figure]]:
    """Every measure for every period: {period key: {measure name: Figure}}."""
    check_audience(audience)
    service = resolve_service(con, service)
    return _compute(con, periods, service, audience, at or as_at(con, service))


@contextlib.contextmanager
def _case_figures_aside(con, service: str, periods: dict[str, Period], at: dt.date | None):
    """Start _case_figures in a second thread, on a cursor of its own; yields the function that waits for them.

    The case measures are one query and most of a report's work: it runs while this thread asks for
    activity and spend (DuckDB lets go of the GIL and runs each query on one thread, see
    metrics.db.connect), about a quarter off the report of a service's year.
    """
    with contextlib.closing(con.cursor()) as cursor, ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(_case_figures, cursor, service, periods, at).result


def _compute(
    con,
    periods: dict[str, Period],
    service: str,
    audience: str,
    at: dt.date | None,
    spend_rows: list | None = None,
    cases_later=None,
) -> dict[str, dict[str, Figure]]:
    """compute() for a resolved service and as-at date, reusing the periods' spend rows and the function
    that returns their case figures (_case_figures_aside) when given."""
    check_audience(audience)
    with contextlib.ExitStack() as stack:
        if cases_later is None:
            cases_later = stack.enter_context(_case_figures_aside(con, service, periods, at))
        activity = _activity_figures(con, service, periods)
        spent = _spend_figures_of(_spend_rows(con, service, periods) if spend_rows is None else spend_rows, periods)
        ratio, _ = cost_benefit(con)
        cases = cases_later()
    out = {}
    for key in periods:
        figures = cases[key] | activity[key] | spent[key]
        actual, expected = figures["spend_actual"].value, figures["spend_expected"].value
        pct = figures["spend_variance_pct"].value
        victims = figures["victims_supported"].value
        money = {"actual": actual, "expected": expected}
        figures["spend_variance_abs"] = Figure("spend_variance_abs", None if pct is None else abs(pct), extra=money)
        figures["cost_per_victim"] = Figure("cost_per_victim", actual / victims if victims else None, actual, victims)
        figures["estimated_saving"] = Figure("estimated_saving", actual * ratio, extra={"ratio": ratio})
        if audience == "partnership":
            figures = {name: disclosure.figure(fig, MEASURES[name]) for name, fig in figures.items()}
        out[key] = figures
    return out


def figures(con, period: Period, service: str | None = None, audience: str = "internal") -> dict[str, Figure]:
    return compute(con, {"current": period}, service, audience)["current"]


# --- targets and grades ---------------------------------------------------------------------

GRADE_COLOURS = {"green": "#1a9850", "amber": "#f0a202", "red": "#d73027", "grey": "#8c8c8c"}


def targets(con) -> dict[str, dict]:
    rows = con.execute("SELECT measure, target, better, amber_band FROM kpi_targets").fetchall()
    return {m: {"target": t, "better": b, "amber_band": a} for m, t, b, a in rows}


def grade(value, target: dict | None) -> str:
    """green when the target is met, amber within the band, red beyond, grey when undefined."""
    if target is None or value is None or isinstance(value, str):
        return "grey"
    gap = (target["target"] - value) if target["better"] == "higher" else (value - target["target"])
    if gap <= 1e-12:
        return "green"
    return "amber" if gap <= target["amber_band"] + 1e-12 else "red"


def format_unit(unit: str, value) -> str:
    """A value of a unit as people read it: 90%, £1,234.56, 2.5 days, 12, +5 pts, +63%, or n/a.

    Units are the registry's (count, rate, days, gbp), a change of one ('change_rate', ...) and
    'growth'. The dashboard, the report and the pack all format through here.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return "n/a"
    if unit.startswith("change_") and value == 0:
        return "no change"
    if unit == "rate":
        return f"{value:.1%}" if 0 < abs(value) < 0.1 else f"{value:.0%}"
    if unit == "gbp":
        sign = "−" if value < 0 else ""
        return f"{sign}£{abs(value):,.2f}" if abs(value) < 1000 else f"{sign}£{abs(value):,.0f}"
    if unit == "days":
        return f"{value:g} day" + ("" if value == 1 else "s")
    if unit == "change_rate":
        return f"{value * 100:+.0f} pts"
    if unit == "change_gbp":
        return f"{'+' if value >= 0 else '−'}£{abs(value):,.0f}"
    if unit == "change_days":
        return f"{value:+g} days"
    if unit.startswith("change_"):
        return f"{value:+,}"
    if unit == "growth":
        return f"{value:+.0%}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def format_value(name: str, value) -> str:
    """A figure of a measure as people read it (see format_unit)."""
    return format_unit(MEASURES[name].unit if name in MEASURES else "count", value)


def reading(fig: Figure, target: dict | None) -> str:
    """One plain-English line for a graded figure, ending in its grade as a word."""
    m = measure(fig.name)
    g = grade(fig.value, target)
    target_text = ""
    if target is not None:
        comparison = "or more" if target["better"] == "higher" else "or less"
        target_text = f"; target {format_value(fig.name, target['target'])} {comparison}"
    if fig.value is None or isinstance(fig.value, str):
        why = "not shown: fewer than 10 cases behind it" if fig.suppressed else "no cases to measure in this period"
        return f"{m.label}: {why}; not graded (grey)"
    text = m.reading.format(
        num=fig.numerator,
        den=fig.denominator,
        value=format_value(fig.name, fig.value),
        actual=format_value("spend_actual", fig.extra.get("actual")),
        expected=format_value("spend_expected", fig.extra.get("expected")),
    )
    return f"{text}{target_text}: {g}"


def grades(con, figs: dict[str, Figure]) -> dict[str, dict]:
    """{measure: {grade, target, reading}} for every graded measure."""
    goals = targets(con)
    out = {}
    for m in graded():
        fig = figs[m.name]
        target = goals.get(m.name)
        out[m.name] = {
            "grade": grade(fig.value, target),
            "target": target["target"] if target else None,
            "reading": reading(fig, target),
        }
    return out


# --- the report ------------------------------------------------------------------------------


def _money(value):
    return None if value is None else round(float(value), 2)


def _rate(value):
    return value if value is None or isinstance(value, str) else round(float(value), 6)


def report(con, period: Period, service: str | None = None, audience: str = "internal") -> dict:
    """Every measure for the period, as the JSON object of `python -m metrics report --json`."""
    service = resolve_service(con, service)
    at = as_at(con, service)
    periods = {"current": period}
    with _case_figures_aside(con, service, periods, at) as cases_later:
        # One query for the spend lines serves both the figures and the spend block.
        spend_rows = _spend_rows(con, service, periods)
        figs = _compute(con, periods, service, audience, at, spend_rows, cases_later)["current"]

    def value(name):
        v = figs[name].value
        return _rate(v) if MEASURES[name].unit == "rate" else v

    def spend_block(summary: dict) -> dict:
        return {k: (_rate(v) if k == "variance_pct" else _money(v)) for k, v in summary.items()}

    spent = _spend_detail(spend_rows)
    return {
        "service": service,
        "audience": audience,
        "period_from": period.first,
        "period_to": period.last,
        "as_at": at.isoformat() if at else None,
        **{n: value(n) for n in ("referrals_received", "victims_supported", "timely_contact_rate")},
        "median_days_to_contact": figs["median_days_to_contact"].value,
        **{n: value(n) for n in ("caseload_end", "closures", "planned_closure_rate")},
        "outcome_rates": {key: value(f"outcome_{key}_rate") for key, _, _ in OUTCOME_AREAS},
        **{
            n: value(n)
            for n in ("voice_captured_rate", "outside_nrm_rate", "nrm_referrals", "duty_to_notify_referrals")
        },
        "activity": {name: value(f"activity_{name}") for name, _ in ACTIVITY_MEASURES},
        **{n: value(n) for n in ("uk_national_rate", "trafficking_indicated_rate")},
        "spend": spend_block({k: v for k, v in spent.items() if not k.startswith("by_")})
        | {"by_line": {line: spend_block(s) for line, s in spent["by_line"].items()}},
        "cost_per_victim": _money(figs["cost_per_victim"].value)
        if not isinstance(figs["cost_per_victim"].value, str)
        else figs["cost_per_victim"].value,
        "estimated_saving": _money(figs["estimated_saving"].value),
        "rag": grades(con, figs),
    }


def comparison(con, period: Period, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """Every measure for the period beside the previous period of the same length."""
    both = compute(con, {"current": period, "previous": period.previous()}, service, audience)
    rows = []
    for name, m in MEASURES.items():
        now, before = both["current"][name].value, both["previous"][name].value
        change = now - before if all(isinstance(v, int | float) for v in (now, before)) else None
        rows.append(
            {"measure": name, "label": m.label, "unit": m.unit, "value": now, "previous": before, "change": change}
        )
    return pd.DataFrame(rows)


def monthly_series(
    con, period: Period, service: str | None = None, audience: str = "internal", names: list[str] | None = None
) -> pd.DataFrame:
    """Tidy frame (month, measure, value) of every measure for each month of the period."""
    months = {m: Period(m, m) for m in period.months}
    computed = compute(con, months, service, audience)
    wanted = names or list(MEASURES)
    rows = [{"month": m, "measure": name, "value": computed[m][name].value} for m in months for name in wanted]
    return pd.DataFrame(rows, columns=["month", "measure", "value"])


def breakdown(
    con, period: Period, dimension: str, service: str | None = None, audience: str = "internal"
) -> pd.DataFrame:
    """Referrals received by month and by one coded dimension: columns month, category, referrals."""
    if dimension not in BREAKDOWNS:
        raise ValueError(f"cannot break referrals down by {dimension!r}")
    service = resolve_service(con, service)
    sql = f"""
        SELECT strftime(referral_date, '%Y-%m') AS month,
               coalesce("{dimension}", 'Not recorded') AS category, count(*) AS referrals
        FROM cases_latest
        WHERE service = $service AND referral_date BETWEEN $start AND $end
        GROUP BY ALL ORDER BY ALL
    """
    frame = con.execute(sql, {"service": service, "start": period.start, "end": period.end}).df()
    frame["referrals"] = frame["referrals"].astype(int)
    if audience == "partnership":
        frame = disclosure.suppress_long(frame, "month", "category", "referrals")
    return frame


def growth(con, base: Period, compare: Period, service: str | None = None) -> dict:
    """Referral growth of the service and of each NRM reference area between two periods."""
    service = resolve_service(con, service)
    counts = con.execute(
        "SELECT count(*) FILTER (WHERE referral_date BETWEEN $bs AND $be), "
        "count(*) FILTER (WHERE referral_date BETWEEN $cs AND $ce) FROM cases_latest WHERE service = $service",
        {"bs": base.start, "be": base.end, "cs": compare.start, "ce": compare.end, "service": service},
    ).fetchall()[0]
    out = {"service": _growth(*counts), "areas": {}}
    area_sql = """
        WITH inside AS (
            SELECT area, sum(referrals) AS referrals, sum(period_end - period_start + 1) AS days
            FROM nrm_referrals WHERE period_start >= $start AND period_end <= $end GROUP BY area
        )
        SELECT a.area, CASE WHEN i.days = $days THEN i.referrals END
        FROM (SELECT DISTINCT area FROM nrm_referrals) a LEFT JOIN inside i USING (area) ORDER BY a.area
    """
    per_period = []
    for p in (base, compare):
        rows = con.execute(area_sql, {"start": p.start, "end": p.end, "days": (p.end - p.start).days + 1}).fetchall()
        per_period.append(dict(rows))
    for area in per_period[0]:
        b, c = per_period[0][area], per_period[1][area]
        out["areas"][area] = _growth(None if b is None else int(b), None if c is None else int(c))
    return out


def _growth(base: int | None, compare: int | None) -> dict:
    rate = (compare - base) / base if base and compare is not None else None
    return {"base": base, "compare": compare, "growth": None if rate is None else round(rate, 6)}


def months_loaded(con, service: str | None = None) -> list[str]:
    service = resolve_service(con, service)
    return [
        r[0]
        for r in con.execute(
            "SELECT reporting_month FROM active_uploads WHERE service = ? ORDER BY 1", [service]
        ).fetchall()
    ]


def expected_months(con, service: str | None = None) -> list[str]:
    loaded = months_loaded(con, service)
    return months_between(loaded[0], loaded[-1]) if loaded else []


def quick_periods(con, service: str | None = None) -> dict[str, Period]:
    """The period picker's quick picks, from the months loaded and the budget's grants."""
    from metrics import periods

    latest = latest_month(con, service)
    if latest is None:
        return {}
    picks = {
        "Latest month": periods.latest_month(latest),
        "Latest quarter": periods.latest_quarter(latest),
    }
    grant = con.execute(
        "SELECT min(start_date) FROM budget WHERE start_date <= ? AND end_date >= ?",
        [month_end(latest), periods.month_start(latest)],
    ).fetchall()[0][0]
    if grant is not None:
        picks["Grant to date"] = periods.grant_to_date(grant, latest)
    picks["Financial year"] = periods.financial_year(latest)
    return picks
