"""What a reader knows of how the publication's figures relate: the audit's unknowns and identities.

A period is its months (a year or grant also its quarters); the same people under two names are one
count; a part is no more than its whole; a stock moves by its flows; a rate's numerator is part of its
denominator. Each unknown carries its true value, so the audit can tell which counts come back.
"""

from __future__ import annotations

from metrics.measures import audit
from metrics.measures.registry import ADDITIVE_POPULATIONS, MEASURES
from metrics.periods import Period, add_months, calendar_quarter


class Audit:
    """The unknowns of the publication with what a reader knows of them, their identities and the truth."""

    def __init__(self):
        self.bounds, self.truth, self.sums, self.rates = {}, {}, [], []
        self.rate_of: dict[tuple, audit.RateBound] = {}

    def add(self, key, truth: int, known=None) -> None:
        self.truth[key] = truth
        if known is not None:
            self.bounds[key] = known

    def sum(self, total, parts) -> None:
        self.sums.append(audit.Sum(((total, 1), *((p, -1) for p in parts))))


def periods_and_stocks(check: Audit, offered, months, monthly, flows, stocks) -> None:
    """Periods are their months; the same people under two names are one count; a stock moves by its flows."""
    for month in months:
        for m in flows:
            n = monthly[month][m.name].value
            check.add(("month", month, m.name, ""), n)
            if m.equals:
                check.sum(("month", month, m.name, ""), [("month", month, *m.equals)])
    for key, period in offered.items():
        for m in flows:
            check.sum((key, m.name, ""), [("month", month, m.name, "") for month in period.months])
            if m.equals:
                check.sum((key, m.name, ""), [(key, *m.equals)])
        cells = [k for k in check.truth if len(k) == 3 and k[0] == key and k[2] and MEASURES[k[1]].additive]
        for name in cells:
            check.sum(name, [("month", month, name[1], name[2]) for month in period.months])
        # A year or grant made of whole quarters is their sum (said directly: through the months, the
        # intervals of the quarters would not carry over).
        pieces = _quarters_of(period, offered)
        for total in [(key, m.name, "") for m in flows] + cells if pieces else []:
            check.sum(total, [(str(q), total[1], total[2]) for q in pieces])
    for m in stocks:
        inflow, outflow = m.balance_of
        previous = ("stock", "before", m.name)
        for month in months:
            stock = ("stock", month, m.name)
            check.add(stock, monthly[month][m.name].value)
            check.sums.append(audit.Sum(((stock, 1), (previous, -1), (("month", month, inflow, ""), -1),
                                         (("month", month, outflow, ""), 1))))
            previous = stock
        for key, period in offered.items():
            check.sum((key, m.name, ""), [("stock", period.last, m.name)])
            # said directly too: through the months between, the intervals would not carry over
            before = ("stock", add_months(period.first, -1), m.name) if period.first > min(months) else \
                ("stock", "before", m.name)
            check.sums.append(audit.Sum(((("stock", period.last, m.name), 1), (before, -1), ((key, inflow, ""), -1),
                                         ((key, outflow, ""), 1))))


def _count_of(population: str) -> str:
    return next(m.name for m in MEASURES.values() if m.population == population)


def part(m, which: str, *where) -> tuple:
    """A rate's numerator or denominator in a period (or ('month', m)): a named figure, or its own unknown."""
    given = m.numerator_is if which == "numerator" else m.denominator_is
    return (*where, *given) if given else (*where, m.name, f":{which}")


def _at_most(check: Audit, part, whole, slack, truth: int) -> None:
    """part <= whole, as whole = part + a slack of 0 or more."""
    check.add(slack, truth)
    check.sum(whole, [part, slack])


def rate_parts(check: Audit, offered, months, truth, monthly, rates) -> None:
    """A rate's numerator is part of its denominator, both part of their population's count; of a population
    that adds up over months, a period's parts are its months' (and a year's its quarters')."""
    subsets = [m for m in MEASURES.values() if m.people and m.within and not m.population]
    places = [((key,), truth[key], rates, subsets) for key in offered]
    places += [(("month", month), monthly[month], [m for m in rates if m.within in ADDITIVE_POPULATIONS],
                [m for m in subsets if m.additive]) for month in months]
    for where, figures, its_rates, its_subsets in places:
        for m in its_rates:
            fig, num, den = figures[m.name], part(m, "numerator", *where), part(m, "denominator", *where)
            population = (*where, _count_of(m.within), "")
            if not m.numerator_is:
                check.add(num, fig.numerator)
            if not m.denominator_is:
                check.add(den, fig.denominator)
                _at_most(check, den, population, (*where, m.name, ":rest of population"),
                         figures[_count_of(m.within)].value - fig.denominator)
            _at_most(check, num, den, (*where, m.name, ":rest"), fig.denominator - fig.numerator)
        for m in its_subsets:
            _at_most(check, (*where, m.name, ""), (*where, _count_of(m.within), ""), (*where, m.name, ":rest"),
                     figures[_count_of(m.within)].value - figures[m.name].value)
    for m in [m for m in rates if m.within in ADDITIVE_POPULATIONS]:
        for which in [which for which, given in (("numerator", m.numerator_is), ("denominator", m.denominator_is))
                      if not given]:
            for key, period in offered.items():
                check.sum(part(m, which, key), [part(m, which, "month", month) for month in period.months])
                pieces = _quarters_of(period, offered)
                if pieces:
                    check.sum(part(m, which, key), [part(m, which, str(q)) for q in pieces])


def _quarters_of(period: Period, offered: dict) -> list[Period]:
    """The offered quarters that make up a longer period exactly, or [] when they do not."""
    if period == calendar_quarter(period.first):
        return []
    quarters = [p for p in offered.values() if p == calendar_quarter(p.first)
                and period.first <= p.first and p.last <= period.last]
    return quarters if sum(len(q.months) for q in quarters) == len(period.months) else []
