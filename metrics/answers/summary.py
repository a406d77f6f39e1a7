"""What the Summary and KPI pages show: each measure with its previous period, target, grade,
reading and recent monthly values, and the key messages drawn from the readings.

Rows carry the measure's label and description in the run's language (its name, unit, format, grade and
better are codes), and so do their texts ('not shown', readings)."""

from __future__ import annotations

import dataclasses

from metrics.answers.series import partnership_slices, trend_period
from metrics.i18n import N_, _
from metrics.measures import formatting
from metrics.measures.compute import Figure
from metrics.measures.grading import grade, reading, targets
from metrics.measures.publication import figures_for, is_offered
from metrics.measures.registry import MEASURES, graded
from metrics.periods import Period, add_months
from metrics.store.logs import months_loaded, resolve_service

# The cards of the Summary page, in order: what the PCC's office asks about first.
HEADLINE = (
    "referrals_received",
    "victims_supported",
    "timely_contact_rate",
    "median_days_to_contact",
    "caseload_end",
    "closures",
    "planned_closure_rate",
    "outcome_safer_rate",
    "voice_captured_rate",
    "outside_nrm_rate",
    "nrm_referrals",
    "duty_to_notify_referrals",
)
SPEND_CARDS = ("spend_actual", "spend_expected", "spend_variance_abs", "spend_forecast_outturn",
               "cost_per_victim", "estimated_saving")
SPARK_MONTHS = 12
NOT_SHOWN = N_("not shown")  # shown as _(NOT_SHOWN)


def shown(fig) -> str:
    """A disclosure-controlled figure as text: the value, '<5', or 'not shown'."""
    return _(NOT_SHOWN) if fig.suppressed and fig.value is None else formatting.value(fig.name, fig.value)


def raw(fig):
    """A disclosure-controlled figure's value for a table: the number, '<5', 'not shown' or None (undefined)."""
    return _(NOT_SHOWN) if fig.suppressed and fig.value is None else fig.value


def scorecard(con, period: Period, service: str | None = None, audience: str = "internal",
              names: tuple[str, ...] | None = None) -> list[dict]:
    """One row per measure: value, previous period, change, target, grade, reading, sparkline."""
    service = resolve_service(con, service)
    periods = {"current": period, "previous": period.previous()}
    if audience == "partnership":  # its sparklines are of whole quarters, and only what it is offered
        periods = {k: p for k, p in periods.items() if k == "current" or is_offered(con, p, service)}
        periods |= partnership_slices(con, trend_period(con, period, service, SPARK_MONTHS, audience), service)
    else:
        spark_first = add_months(period.last, -(SPARK_MONTHS - 1))
        periods |= {m: Period(m, m) for m in Period(spark_first, period.last).months}
    computed = figures_for(con, periods, service, audience)
    if "previous" not in computed:
        computed["previous"] = {name: Figure(name, None) for name in MEASURES}
    goals = targets(con)
    loaded = set(months_loaded(con, service)) if service else set()
    # A previous period (or a month) without a single return has no figures: not 0 with a "+107" beside it.
    before_known = bool(loaded & set(period.previous().months))
    rows = []
    for name in names or tuple(MEASURES):
        m = MEASURES[name]
        fig, before = computed["current"][name], computed["previous"][name]
        if not before_known:
            before = dataclasses.replace(before, value=None, suppressed=False)
        target = goals.get(name)
        rows.append({
            "name": name,
            "label": m.shown_label,
            "unit": m.unit,
            "format": m.format,
            "description": m.shown_description,
            "value": fig.value,
            "value_shown": raw(fig),
            "shown": shown(fig),
            "previous": before.value,
            "previous_value_shown": raw(before),
            "previous_shown": formatting.value(name, before.value),
            "change": formatting.change(name, fig.value, before.value) if audience == "internal" else "",
            "target": None if target is None else target["target"],
            "target_shown": "" if target is None else formatting.value(name, target["target"]),
            "better": m.better,
            "grade": grade(fig.value, target) if m.better else None,
            "reading": reading(fig, target, computed["current"]) if m.better else "",
            "rounded_to": fig.extra.get("rounded"),
            "spark": [computed[k][name].value if k in loaded and isinstance(computed[k][name].value, int | float)
                      else None for k in periods if k not in ("current", "previous")],
        })
    return rows


def key_messages(rows: list[dict], limit: int = 5) -> list[str]:
    """The readings that matter most: reds first, then ambers, then greens."""
    order = {"red": 0, "amber": 1, "green": 2}
    graded_rows = [r for r in rows if r["grade"] in order]
    graded_rows.sort(key=lambda r: order[r["grade"]])
    return [r["reading"] for r in graded_rows[:limit]]


def graded_names() -> tuple[str, ...]:
    return tuple(m.name for m in graded())


def summary(con, period: Period, service: str | None = None, audience: str = "internal") -> dict:
    """Everything the Summary page shows, from one computation: cards, spend cards, key messages."""
    rows = {r["name"]: r for r in scorecard(con, period, service, audience)}
    return {
        "cards": [rows[n] for n in HEADLINE],
        "spend": [rows[n] for n in SPEND_CARDS],
        "messages": key_messages([rows[n] for n in graded_names()]),
    }
