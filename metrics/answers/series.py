"""Measures over time for the Trends page and the pack: a period cut into months or quarters.

Every function returns a small, tidy frame that a page renders as it is. The partnership's come from
its publication (metrics.measures.publication), by whole quarters: a value not shown is missing, with
its `shown` text ('<5', 'not shown') and its status, so that a chart leaves it out and a table says why.
Texts (labels, shown, basis) are in the run's language; keys, measure names, units and statuses are codes.
"""

from __future__ import annotations

import pandas as pd

from metrics.contract import OUTCOME_AREAS
from metrics.i18n import N_, _, babel_locale, language
from metrics.measures import formatting
from metrics.measures.compute import check_audience
from metrics.measures.publication import figures_for, offered_periods
from metrics.measures.registry import MEASURES
from metrics.periods import Period, add_months, calendar_quarter, month_start
from metrics.store.logs import months_loaded, resolve_service

GRAINS = {"month": N_("By month"), "quarter": N_("By quarter")}  # shown as _(GRAINS[grain])
TREND_MONTHS = 12  # a trend of one month is a dot: shorter periods are widened to this many months

# Named groups of measures the Trends page charts together.
MYTHS = ("uk_national_rate", "trafficking_indicated_rate")
CASELOAD = ("caseload_end", "closures")
OUTCOMES = ("planned_closure_rate", *(f"outcome_{key}_rate" for key, _, _ in OUTCOME_AREAS), "voice_captured_rate")
ACTIVITY = tuple(m.name for m in MEASURES.values() if m.source == "activity")
TRENDS = MYTHS + CASELOAD + OUTCOMES + ACTIVITY  # the page's measures, asked for in one query


def time_periods(period: Period, grain: str = "month") -> dict[str, Period]:
    """The period cut into months ('2019-04') or calendar quarters ('2019-Q2', clipped to the period)."""
    if grain == "month":
        return {m: Period(m, m) for m in period.months}
    if grain != "quarter":
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}")
    out: dict[str, Period] = {}
    for m in period.months:
        key = f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}"
        out[key] = Period(out[key].first if key in out else m, m)
    return out


def slice_label(p: Period) -> str:
    """'Jun 2018' for one month, '2018' for a calendar year, 'Apr-Jun 2019' for a run inside a year, else the label."""
    if p.first == p.last:
        return p.label
    if p.first.endswith("-01") and p.last == f"{p.first[:4]}-12":
        return p.first[:4]
    if p.first[:4] == p.last[:4]:
        return f"{_short_month(month_start(p.first))}-{_short_month(month_start(p.last))} {p.last[:4]}"
    return p.label


def _short_month(day) -> str:
    """A month's short name ('Apr'; in Welsh 'Ebr') in the run's language."""
    if language() == "en":
        return f"{day:%b}"
    from babel.dates import format_date

    return format_date(day, "MMM", locale=babel_locale())


def trend_period(con, period: Period, service: str | None = None, months: int = TREND_MONTHS,
                 audience: str = "internal") -> Period:
    """The period itself when it has three months or more (for the partnership, three quarters), else the
    `months` to its end, from the first loaded (for the partnership, whole quarters)."""
    if audience == "partnership":
        quarters = [p for p in offered_periods(con, service).values()
                    if p == calendar_quarter(p.first) and p.last <= period.last]
        if len(partnership_slices(con, period, service)) >= 3 or not quarters:
            return period
        return Period(min(quarters[-(months // 3):][0].first, period.first), period.last)
    if period.length >= 3:
        return period
    loaded = months_loaded(con, resolve_service(con, service))
    first = max(add_months(period.last, -(months - 1)), loaded[0] if loaded else period.first)
    return Period(min(first, period.first), period.last)


def partnership_slices(con, period: Period, service: str | None = None) -> dict[str, Period]:
    """The whole calendar quarters the partnership is offered within the period, by quarter."""
    offered = offered_periods(con, service)
    out = {}
    for m in period.months:
        quarter = calendar_quarter(m)
        if str(quarter) in offered and quarter.last <= period.last:
            out[f"{quarter.first[:4]}-Q{(int(quarter.first[5:]) - 1) // 3 + 1}"] = quarter
    return out


def slices_for(con, period: Period, grain: str, service: str | None, audience: str) -> dict[str, Period]:
    """The period cut for a table or chart: the partnership's by whole offered quarters, whatever the grain."""
    return partnership_slices(con, period, service) if audience == "partnership" else time_periods(period, grain)


def _basis(fig, is_rate: bool) -> str:
    """'12 of 20' behind a rate (disclosure-controlled already), else ''."""
    if not is_rate or fig.denominator is None:
        return ""
    return _("{num} of {den}").format(num=formatting.counted(fig.numerator), den=formatting.counted(fig.denominator))


def measure_series(
    con, period: Period, names: tuple[str, ...], service: str | None = None, audience: str = "internal",
    grain: str = "month",
) -> pd.DataFrame:
    """Named measures for each month or quarter of the period, one row per (slice, measure).

    Columns: key, label, measure, measure_label, unit, value (missing unless shown), shown (text),
    basis ('12 of 20' for a rate), status: 'shown', 'suppressed' (disclosure) or 'undefined' (nothing to measure).
    """
    check_audience(audience)
    service = resolve_service(con, service)
    slices = slices_for(con, period, grain, service, audience)
    computed = figures_for(con, slices, service, audience, names=list(names))
    rows = []
    labels = {key: slice_label(p) for key, p in slices.items()}  # once a slice: ten years are 120 of them
    not_shown = _("not shown")
    for name in names:
        m = MEASURES[name]
        measure_label = m.shown_label
        for key in slices:
            fig = computed[key][name]
            numeric = isinstance(fig.value, int | float)
            status = "shown" if numeric else "suppressed" if fig.suppressed else "undefined"
            shown = not_shown if fig.value is None and fig.suppressed else formatting.value(name, fig.value)
            rows.append({
                "key": key, "label": labels[key], "measure": name, "measure_label": measure_label, "unit": m.unit,
                "value": float(fig.value) if numeric else None, "shown": shown,
                "basis": _basis(fig, m.is_rate), "status": status,
            })
    order = {k: i for i, k in enumerate(slices)}
    rows.sort(key=lambda r: order[r["key"]])  # slice by slice, measures in the order asked
    columns = ["key", "label", "measure", "measure_label", "unit", "value", "shown", "basis", "status"]
    return pd.DataFrame(rows, columns=columns).astype({"value": "float64"})


def only(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """The rows of a measure_series frame for some of its measures: the frame measure_series(names) gives."""
    return frame[frame["measure"].isin(names)].reset_index(drop=True)


def pivot_shown(frame: pd.DataFrame, index: str, columns: str, values: str = "shown") -> pd.DataFrame:
    """A long frame as a table for reading (rows in the frame's order, text as shown)."""
    # In plain Python: pandas' pivot took 10-20 ms a table of 120 months (benchmarks/RESULTS.md, issue 15).
    cols = list(dict.fromkeys(frame[columns]))
    wide: dict = {}
    for row_key, column, value in zip(frame[index], frame[columns], frame[values]):
        wide.setdefault(row_key, dict.fromkeys(cols))[column] = value
    return pd.DataFrame([{index: row_key, **cells} for row_key, cells in wide.items()], columns=[index, *cols])
