"""Building the partnership's publication: the rules on every figure, the identities between them, the audit.

For each offered period every measure and breakdown passes metrics.measures.disclosure's rules; then
the audit (metrics.measures.audit) tightens what a reader could know of every count from every identity
a reader knows (a period is its months, a total its breakdown, the same people under two names are one
count, a caseload moves by its flows, a rate ties its numerator to its denominator), and while a count
of 1 to 4 comes back exactly, the largest figure shown beside it is hidden too.
"""


from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from metrics.contract import CASES
from metrics.measures import audit, disclosure, identities
from metrics.measures.compute import NOT_RECORDED, as_at, breakdown, by_budget_line, compute, evaluate
from metrics.measures.registry import MEASURES
from metrics.periods import Period, add_months, calendar_quarter, month_of, whole_financial_year
from metrics.store.logs import months_loaded, resolve_service
from metrics.store.settings import grant_periods


@dataclass(frozen=True)
class Published:
    value: object  # a number, '<5', or None when not shown
    rounded_to: int = 1


@dataclass
class Publication:
    service: str
    as_at: dt.date | None
    first_month: str | None
    periods: dict[str, Period]  # str(period) -> period, in the order offered
    figures: dict[tuple[str, str, str], Published] = field(default_factory=dict)
    categories: dict[str, list[str]] = field(default_factory=dict)  # 'measure:field' -> its categories

    def get(self, period: Period, measure: str, category: str = "") -> Published:
        return self.figures[(str(period), measure, category)]

    def rows(self) -> list[dict]:
        """figures.csv: period, measure, category, value, rounded_to."""
        out = []
        for (period, measure, category), shown in self.figures.items():
            value = shown.value
            if isinstance(value, float):
                value = round(value, 2)  # pounds to the penny, rates to the whole percentage
            value = "" if value is None else value
            out.append({"period": period, "measure": measure, "category": category, "value": value,
                        "rounded_to": shown.rounded_to})
        return out


def offered_periods(con, service: str | None = None) -> dict[str, Period]:
    """The partnership's periods: whole quarters, financial years and grants complete in the returns."""
    loaded = months_loaded(con, resolve_service(con, service))
    if not loaded:
        return {}
    first, latest = loaded[0], loaded[-1]
    found: list[Period] = []
    quarter = calendar_quarter(first)
    while quarter.last <= latest:
        found.append(quarter)
        quarter = calendar_quarter(add_months(quarter.last, 1))
    year = whole_financial_year(first)
    while year.last <= latest:
        found.append(year)
        year = whole_financial_year(add_months(year.last, 1))
    for _, start, end in grant_periods(con):
        grant = Period(month_of(start), month_of(end))
        if grant.last <= latest and grant.last >= first and grant not in found:
            found.append(grant)
    return {str(p): p for p in found}


def _categories(dimension: str, counts: dict[str, dict[str, int]]) -> list[str]:
    codes = list(CASES.column(dimension).codes)
    return codes + ([NOT_RECORDED] if any(c.get(NOT_RECORDED) for c in counts.values()) else [])


def build(con, service: str) -> Publication:
    offered = offered_periods(con, service)
    loaded = months_loaded(con, service)
    publication = Publication(service, as_at(con, service), loaded[0] if loaded else None, offered)
    if not offered:
        return publication
    at = publication.as_at
    truth = compute(con, offered, service, at=at)
    span = Period(min(p.first for p in offered.values()), max(p.last for p in offered.values()))
    months = {m: Period(m, m) for m in span.months}
    flows = [m for m in MEASURES.values() if m.people and m.additive]
    stocks = [m for m in MEASURES.values() if m.balance_of]
    rates = [m for m in MEASURES.values() if m.is_rate]
    monthly = compute(con, months, service, at=at, names=[m.name for m in flows + stocks + rates])
    check = identities.Audit()
    shown: dict[tuple, object] = {}

    def publish_count(key, n: int) -> None:
        published = disclosure.count(n)
        shown[key] = published
        check.add(key, n, audit.reader_interval(published.value, published.rounded_to))

    # Figures of each period, with what the reader knows of the counts of people and the rates.
    rated: list[tuple[str, str]] = []
    for key, figures in truth.items():
        for name, fig in figures.items():
            m = MEASURES[name]
            if m.people and not m.formula:
                publish_count((key, name, ""), int(fig.value))
            elif m.is_rate and fig.denominator:
                value = disclosure.rate(fig.numerator, fig.denominator)
                shown[(key, name, "")] = disclosure.Shown(value)
                if value is not None:
                    rated.append((key, name))
            elif not m.formula or not any(MEASURES[p].people for p in m.parts):
                value = disclosure.figure(fig).value if m.behind else fig.value
                shown[(key, name, "")] = disclosure.Shown(value)
    # Breakdowns of each period, and of each month behind them.
    for m in [m for m in MEASURES.values() if m.breakdowns]:
        for dimension in m.breakdowns:
            counts = breakdown(con, offered, m.population, dimension, service, at)
            by_month = breakdown(con, months, m.population, dimension, service, at) if m.additive else {}
            categories = _categories(dimension, counts | by_month)
            publication.categories[f"{m.name}:{dimension}"] = categories
            for key in offered:
                cells = [(key, m.name, f"{dimension}={c}") for c in categories]
                for cell, c in zip(cells, categories):
                    publish_count(cell, counts[key].get(c, 0))
                check.sum((key, m.name, ""), cells)
            for month in by_month:
                check.sum(("month", month, m.name, ""),
                          [("month", month, m.name, f"{dimension}={c}") for c in categories])
                for c in categories:
                    check.add(("month", month, m.name, f"{dimension}={c}"), by_month[month].get(c, 0))
    identities.periods_and_stocks(check, offered, months, monthly, flows, stocks)
    identities.rate_parts(check, offered, months, truth, monthly, rates)
    for key, name in rated:
        m, value = MEASURES[name], shown[(key, name, "")].value
        num, den = identities.part(m, "numerator", key), identities.part(m, "denominator", key)
        percent, half = Fraction(round(value * 100), 100), Fraction(1, 200)  # a whole percentage, exactly
        check.rate_of[(key, name, "")] = audit.RateBound(num, den, percent - half, percent + half)
    _hide_until_nothing_comes_back(check, shown)
    for (key, name, category), published in shown.items():
        publication.figures[(key, name, category)] = Published(published.value, published.rounded_to)
    _derived(publication, truth)
    for key, lines in by_budget_line(con, offered, service).items():  # money, not people: exact
        for line, values in lines.items():
            for name, value in values.items():
                publication.figures[(key, name, f"budget_line={line}")] = Published(value)
    return publication


def _hide_until_nothing_comes_back(check: identities.Audit, shown: dict) -> None:
    """Tighten, and while a count of 1 to 4 comes back exactly, hide the largest figure shown beside it."""
    touching = defaultdict(set)
    for identity in check.sums:
        keys = [k for k, _ in identity.terms]
        for k in keys:
            touching[k].update(keys)
    for key, bound in check.rate_of.items():
        for k in (bound.numerator, bound.denominator):
            touching[k].update((bound.numerator, bound.denominator, key))
    while True:
        intervals = audit.tighten(check.bounds, check.sums, list(check.rate_of.values()))
        hidden = [k for k, s in shown.items() if s.value is None and k in check.truth]
        back = audit.pinned(intervals, check.truth, hidden)
        if not back:
            return
        target = next((t for t in (_to_hide(key, shown, touching, check.truth) for key in back) if t), None)
        if target is None:
            raise RuntimeError(f"the audit cannot protect {back[:3]}: nothing shown is left to hide")
        shown[target] = disclosure.Shown(None, shown[target].rounded_to)  # one at a time, then look again
        check.rate_of.pop(target, None)
        if target in check.bounds:
            check.bounds[target] = (0, audit.INF)


def _to_hide(key, shown: dict, touching: dict, truth: dict):
    """The figure to hide so that `key` no longer comes back: the largest number shown nearest to it; where
    only '<5' is shown around it (a breakdown of a small total whose cells are all small), that '<5' itself,
    or the nearest, since '<5' says 'not zero'. None when nothing is left to hide."""
    near, seen, small = {key}, {key}, None
    while near:
        numbers = [k for k in near if k in shown and isinstance(shown[k].value, int | float) and shown[k].value != 0]
        if numbers:
            return max(numbers, key=lambda k: (truth.get(k, 0) or 0, str(k)))
        if small is None:
            small = next((k for k in sorted(near, key=lambda k: (k != key, str(k)))
                          if k in shown and shown[k].value == disclosure.SMALL), None)
        near = {n for k in near for n in touching[k]} - seen
        seen |= near
    return small


def _derived(publication: Publication, truth) -> None:
    """Figures worked out from counts of people, worked out from them as published."""
    for m in [m for m in MEASURES.values() if m.formula and any(MEASURES[p].people for p in m.parts)]:
        for key in publication.periods:
            fig = truth[key][m.name]
            parts = {p: publication.figures[(key, p, "")].value if MEASURES[p].people else v
                     for p, v in fig.parts.items()}
            usable = all(isinstance(v, int | float) for v in parts.values())
            publication.figures[(key, m.name, "")] = Published(evaluate(m, parts) if usable else None)


