"""Compute measures for periods: every figure of the registry, and breakdowns of cases by a coded field.

Every function takes the service (default: the only one loaded) and, where figures leave the PCC's
office, the audience ('internal' or 'partnership'): the partnership gets disclosure-controlled figures only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from metrics.i18n import N_
from metrics.measures.facts import breakdown_sql, figures_sql, needed
from metrics.measures.registry import BREAKDOWNS, MEASURES
from metrics.periods import Period, month_end
from metrics.store.connection import scratch
from metrics.store.logs import latest_month, resolve_service
from metrics.store.settings import cost_benefit

AUDIENCES = ("internal", "partnership")
# The category of a blank coded field: a stored value like the codes (shown as _(NOT_RECORDED)).
NOT_RECORDED = N_("Not recorded")


@dataclass(frozen=True)
class Figure:
    """One measure's value for one period, with what a reading and disclosure control need."""

    name: str
    value: object  # int | float | None (undefined) | '<5' (suppressed)
    numerator: object = None  # a rate's
    denominator: object = None
    parts: dict = field(default_factory=dict)  # a formula's: the value of each measure it is built from
    extra: dict = field(default_factory=dict)  # what disclosure control did (rounded: 5)
    suppressed: bool = False


def check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")
    return audience


def as_at(con, service: str | None = None) -> dt.date | None:
    """The last day of the latest reporting month loaded."""
    latest = latest_month(con, resolve_service(con, service))
    return month_end(latest) if latest else None


def _params(periods: dict[str, Period], service: str) -> dict:
    return {
        "period_keys": list(periods),
        "period_starts": [p.start for p in periods.values()],
        "period_ends": [p.end for p in periods.values()],
        "service": service,
    }


def _rows(con, sql: str, params: dict) -> list[dict]:
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    cursor = con.execute(sql, used)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _figure(name: str, row: dict) -> Figure:
    m = MEASURES[name]
    if m.is_rate:
        num, den = int(row[f"{name}__num"]), int(row[f"{name}__den"])
        return Figure(name, num / den if den else None, num, den)
    value = row[name]
    if m.behind:  # a statistic, with the count of the people behind it
        return Figure(name, value, denominator=int(row[f"{name}__den"]))
    if m.formula:
        return Figure(name, value, parts={part: row[part] for part in m.parts})
    return Figure(name, int(value) if m.unit == "count" else value)


def compute(
    con, periods: dict[str, Period], service: str | None = None, audience: str = "internal",
    at: dt.date | None = None, names: list[str] | None = None,
) -> dict[str, dict[str, Figure]]:
    """The named measures (default: every one) for every period: {period key: {measure name: Figure}}.

    Internal figures only: the partnership's come from its publication (publication.figures_for).
    """
    if check_audience(audience) != "internal":
        raise ValueError("the partnership's figures come from its publication: use publication.figures_for")
    service = resolve_service(con, service)
    measures = needed(names or list(MEASURES))
    params = _params(periods, service) | {"as_at": at or as_at(con, service),
                                          "cost_benefit_ratio": cost_benefit(con)[0]}
    sql = figures_sql(measures, events_apart=len(periods) > 1)
    rows = {row["period_key"]: row for row in _rows(con, sql, params)}
    wanted = names or list(MEASURES)
    return {key: {name: _figure(name, rows[key]) for name in wanted} for key in periods}


def evaluate(m, values: dict) -> float | None:
    """A formula worked out over given values of the measures it names (the same SQL as in compute)."""
    sql = m.formula
    for part in m.parts:
        sql = sql.replace("{" + part + "}", f"CAST(${part} AS DOUBLE)")
    params = {k: v for k, v in values.items() if f"${k}" in sql}
    with scratch() as con:
        if "$cost_benefit_ratio" in sql:
            raise ValueError("the cost-benefit ratio is a setting: evaluate such a formula in compute")
        return con.execute(f"SELECT {sql}", params).fetchall()[0][0]


def figures(con, period: Period, service: str | None = None, audience: str = "internal") -> dict[str, Figure]:
    return compute(con, {"current": period}, service, audience)["current"]


def by_budget_line(con, periods: dict[str, Period], service: str | None = None) -> dict[str, dict[str, dict]]:
    """The spend measures reported by budget line, for each period: {period: {line: {measure: value}}}."""
    service = resolve_service(con, service)
    measures = needed([m.name for m in MEASURES.values() if m.by_budget_line])
    out: dict[str, dict[str, dict[str, object]]] = {key: {} for key in periods}
    params = _params(periods, service) | {"as_at": as_at(con, service)}
    for row in _rows(con, figures_sql(measures, by="budget_line"), params):
        out[row["period_key"]][row["budget_line"]] = {m.name: row[m.name] for m in measures}
    return out


def breakdown(con, periods: dict[str, Period], population: str, dimension: str, service: str | None = None,
              at: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Cases of a population (registry.POPULATIONS) by period and by a coded field: {period: {category: n}};
    a blank field is 'Not recorded'. Internal counts: the caller controls disclosure."""
    if dimension not in BREAKDOWNS:
        raise ValueError(f"cannot break cases down by {dimension!r}")
    service = resolve_service(con, service)
    params = _params(periods, service) | {"missing": NOT_RECORDED, "as_at": at or as_at(con, service)}
    out: dict[str, dict[str, int]] = {key: {} for key in periods}
    for row in _rows(con, breakdown_sql(population, dimension, "$missing", len(periods) > 1), params):
        out[row["period_key"]][row["category"]] = int(row["n"])
    return out
