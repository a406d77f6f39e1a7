"""The publication's own attacker: how far its figures give each other away, found before anyone else does.

Every count is an unknown whole number held as an interval: a published count as the reader sees it
(exact, rounded to 5 and so within 2 of it and at least 5, '<5' 1 to 4, not shown 0 or more), the
counts behind the figures (a month's referrals, a quarter's caseload) from 0 up. Identities tie them:
sums (a period is its months, a total its breakdown, a stock last month's plus in less out) and rates
(a whole percentage allows only numerators and denominators near it). `tighten` narrows every interval
with every identity until nothing moves (interval constraint propagation: sound, never complete).
`pinned` names the counts of 1 to 4 that come back exactly; publication.py hides more until none do.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass
from fractions import Fraction

INF = math.inf


@dataclass(frozen=True)
class Sum:
    """sum(coefficient * unknown) = 0."""

    terms: tuple[tuple[object, int], ...]


@dataclass(frozen=True)
class RateBound:
    """lo <= numerator / denominator <= hi (a rate shown at a precision)."""

    numerator: object
    denominator: object
    lo: float
    hi: float


def reader_interval(value, rounded_to: int) -> tuple[int, float]:
    """What a reader knows of a count from how it is published."""
    if value is None:
        return 0, INF
    if value == "<5":
        return 1, 4
    if rounded_to > 1:
        return max(5, value - rounded_to // 2), value + rounded_to // 2
    return value, value


def tighten(bounds: dict, sums: list[Sum], rates: list[RateBound]) -> dict:
    """Every unknown's interval, as narrow as the identities make it ({key: (lo, hi)})."""
    low = {k: b[0] for k, b in bounds.items()}
    high = {k: b[1] for k, b in bounds.items()}
    for identity in sums:
        for key, _ in identity.terms:
            low.setdefault(key, 0)
            high.setdefault(key, INF)
    touching = defaultdict(list)
    for index, identity in enumerate(sums):
        for key, _ in identity.terms:
            touching[key].append(("sum", index))
    for index, r in enumerate(rates):
        for key in (r.numerator, r.denominator):
            low.setdefault(key, 0)
            high.setdefault(key, INF)
            touching[key].append(("rate", index))
    queue = deque([("sum", i) for i in range(len(sums))] + [("rate", i) for i in range(len(rates))])
    queued = set(queue)

    def narrow(key, lo, hi) -> None:
        lo, hi = max(low[key], lo), min(high[key], hi)
        if lo > hi:
            raise ValueError(f"the figures contradict each other at {key}")
        if (lo, hi) != (low[key], high[key]):
            low[key], high[key] = lo, hi
            for item in touching[key]:
                if item not in queued:
                    queue.append(item)
                    queued.add(item)

    while queue:
        item = queue.popleft()
        queued.discard(item)
        kind, index = item
        if kind == "sum":
            terms = sums[index].terms
            # each term a * x lies in [t_lo, t_hi]; a term equals minus the sum of the others
            spans = [(low[k], high[k]) if a > 0 else (-high[k], -low[k]) for k, a in terms]
            lo_sum, lo_inf = _finite_sum([t for t, _ in spans])
            hi_sum, hi_inf = _finite_sum([t for _, t in spans])
            for (key, a), (t_lo, t_hi) in zip(terms, spans):
                others_lo = -INF if lo_inf - (t_lo == -INF) else lo_sum - (0 if t_lo == -INF else t_lo)
                others_hi = INF if hi_inf - (t_hi == INF) else hi_sum - (0 if t_hi == INF else t_hi)
                term_lo, term_hi = -others_hi, -others_lo
                if a > 0:
                    narrow(key, 0 if term_lo == -INF else math.ceil(term_lo), term_hi)
                else:
                    narrow(key, 0 if term_hi == INF else math.ceil(-term_hi), -term_lo)
        else:
            r = rates[index]
            for key, (lo, hi) in zip((r.numerator, r.denominator), _rate_narrowed(r, low, high)):
                narrow(key, lo, hi)
    return {k: (low[k], high[k]) for k in low}


ENUMERATE_UP_TO = 20_000  # denominators tried one by one; beyond, bounds from the ends only


def _rate_narrowed(r: RateBound, low: dict, high: dict) -> tuple[tuple, tuple]:
    """The numerator's and denominator's intervals a rate allows: every denominator in range is tried for a
    whole numerator, so gaps at the ends close (a shown 41% of 14 to 20 people can only be 7 of 17)."""
    n_lo, n_hi = low[r.numerator], high[r.numerator]
    d_lo, d_hi = max(low[r.denominator], 1), high[r.denominator]
    if d_hi != INF and d_hi - d_lo <= ENUMERATE_UP_TO:
        # ceil(lo * d) and floor(hi * d) in whole numbers: the same values as Fractions, far fewer objects
        lo, hi = Fraction(r.lo), Fraction(r.hi)
        fits = []
        for d in range(d_lo, int(d_hi) + 1):
            least = max(n_lo, -(-lo.numerator * d // lo.denominator))
            most = min(n_hi, hi.numerator * d // hi.denominator)
            if least <= most:
                fits.append((d, least, most))
        if not fits:
            raise ValueError(f"no numerator and denominator give the rate of {r.numerator}")
        return (min(f[1] for f in fits), max(f[2] for f in fits)), (fits[0][0], fits[-1][0])
    nums = (max(n_lo, math.ceil(r.lo * d_lo)), n_hi if d_hi == INF else min(n_hi, math.floor(r.hi * d_hi)))
    dens = (max(d_lo, math.ceil(nums[0] / r.hi)) if r.hi else d_lo,
            min(d_hi, math.floor(n_hi / r.lo)) if r.lo > 0 and n_hi != INF else d_hi)
    return nums, dens


def _finite_sum(values) -> tuple[float, int]:
    """The sum of the finite values and how many are infinite."""
    finite = [v for v in values if not math.isinf(v)]
    return sum(finite), len(values) - len(finite)


def pinned(intervals: dict, truth: dict, hidden=()) -> list:
    """The counts of 1 to 4, and the figures hidden, that the intervals give back exactly."""
    protected = [k for k, n in truth.items() if 1 <= n <= 4] + [k for k in hidden if k not in truth or truth[k] > 4]
    return [k for k in protected if k in intervals and intervals[k][0] == intervals[k][1]]
