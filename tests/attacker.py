"""An attacker for disclosure control: how far the figures of a publication give each other away.

Pure Python, no project imports: it reads figures.csv-shaped rows (period 'YYYY-MM:YYYY-MM', measure,
category '' or 'dimension=value', value, rounded_to) and a Schema the caller writes, saying which
measures add up over months, which are stocks, which are rates of what, and which named sums hold.

What it models. Every count of people is an unknown whole number >= 0 held as an interval: exact
[v, v]; rounded to base b [v - b//2, v + b//2] (Python's round sends a tie either way); '<5' [1, 4];
hidden (empty) [0, inf); '*' (hidden so that a small cell cannot be worked out) [0, inf) less 1..4.
Figures the publication does not show (the sum of a category over a range, say) are latent unknowns.
The identities that tie them together:
  - periods: a measure that adds up over months (and each of its breakdown cells) has, for a period,
    the sum of the pieces of any exact cover of it by other disjoint periods (found along the month
    line, however many pieces: a year from its quarters, a range less a range, a range from months);
  - breakdowns: a total is the sum of its breakdown's cells; a published table's missing category is 0;
  - stocks: a stock measured at a period's end (the caseload) is the same for all periods ending in
    the same month, and stock(P2) = stock(P1) + inflow(P2) - outflow(P2), P1 ending the month before P2;
  - named sums and bounds the caller states (victims supported = people in contact less those
    declining; a part is at most its whole; a rate's numerator at most its denominator);
  - rates: a shown rate p, at the precision shown, allows only numerator/denominator pairs whose
    ratio rounds to p (and a denominator >= 1).
propagate() tightens every interval with every identity until nothing moves (interval constraint
propagation): sound (a true value never leaves its interval) but not complete. attack() reports each
suppressed count as recovered (one value left) or narrowed (at most three values left, fewer than it
started with), and each rounded count recovered when its exact value comes back.

Cost: a measure that adds up gets a latent figure for every run of months a cover reaches, so about
months^2 / 2 figures per (measure, category): the sample year's 91 custom ranges run in about a second;
ten years of months with every breakdown would want covers limited to fewer runs of months.

What it does not model (so a publication passing this attacker can still leak through these):
  - medians and other order statistics (a median of days to first contact over one referral is that
    referral's days), means, and money divided by counts (cost per victim with the exact spend gives
    victims supported);
  - what the hiding itself says beyond '*' being 'not 1 to 4' (a rate left out says its denominator is
    under 10 or a count behind it is 1 to 4: a disjunction, which intervals cannot hold);
  - holes inside an interval and case splitting: it never branches, so a puzzle that needs 'if x is 2
    then y is ...' reasoning can leave an interval wider than the set of values the figures allow;
  - identities the caller does not state, in the Schema or as extra Identity objects (victims
    supported against caseload and referrals, say, which is no identity but a pair of inequalities);
  - inference from other statistics (growth percentages, chart shapes, trends or priors), from other
    services or publications, and from what a partner knows first-hand (the victims it referred).
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

INF = math.inf
SMALL = (1, 4)  # the usual rule: counts 1 to 4 are shown as '<5', never as numbers
SECONDARY = "*"
# Rates narrow their denominator by trying every value of it while it has at most this many.
ENUMERATE_UP_TO = 20_000

Key = tuple[str, str, str]  # (period, measure, category): one figure, shown or not
Ref = tuple[str, str]  # (measure, category): a figure in any period


class Inconsistent(ValueError):
    """The figures and the identities cannot all hold: a wrong schema or a wrong figure."""


@dataclass(frozen=True)
class Interval:
    """The whole numbers lo..hi (hi may be math.inf)."""

    lo: int
    hi: int | float

    def __post_init__(self):
        if self.lo > self.hi:
            raise Inconsistent(f"empty interval {self.lo}..{self.hi}")

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    @property
    def width(self) -> int | float:
        return self.hi - self.lo

    def __and__(self, other: Interval) -> Interval:
        return Interval(max(self.lo, other.lo), min(self.hi, other.hi))

    def __contains__(self, value) -> bool:
        return self.lo <= value <= self.hi

    def __str__(self) -> str:
        if self.exact:
            return str(self.lo)
        return f"{self.lo}..{'inf' if self.hi == INF else self.hi}"


@dataclass(frozen=True)
class Identity:
    """sum(coefficient * figure) = 0, and the rule it comes from."""

    terms: tuple[tuple[Key, int], ...]
    rule: str


@dataclass(frozen=True)
class RateBound:
    """lo <= numerator / denominator <= hi and denominator >= 1: a rate shown at some precision."""

    numerator: Key
    denominator: Key
    lo: Fraction
    hi: Fraction
    rule: str


@dataclass(frozen=True)
class Rate:
    """Which counts a rate divides. A ref's category None means the rate row's own category; a ref of
    None is a count not published under any name, kept as '<rate>:numerator' or '<rate>:denominator'."""

    numerator: tuple[str, str | None] | None = None
    denominator: tuple[str, str | None] | None = None


@dataclass(frozen=True)
class Schema:
    """What the caller knows about the measures of a publication."""

    additive: frozenset[str] = frozenset()  # counts that add up over months (their breakdown cells too)
    stocks: dict[str, tuple[str, str]] = field(default_factory=dict)  # stock at period end: (inflow, outflow)
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)  # every category of a dimension
    missing_cells_are_zero: bool = True  # a published table leaves out only zero cells
    rates: dict[str, Rate] = field(default_factory=dict)
    sums: tuple[tuple[Ref, tuple[Ref, ...]], ...] = ()  # total = sum of parts, in every period
    bounds: tuple[tuple[Ref, Ref], ...] = ()  # (part, whole): part <= whole, in every period

    def rate_refs(self, rate: str, category: str) -> tuple[Ref, Ref]:
        """The (measure, category) of a rate row's numerator and denominator."""
        spec = self.rates[rate]

        def ref(given, role):
            if given is None:
                return (f"{rate}:{role}", category)
            measure, cat = given
            return (measure, category if cat is None else cat)

        return ref(spec.numerator, "numerator"), ref(spec.denominator, "denominator")


# --- periods ------------------------------------------------------------------------------------


def _month_index(text: str) -> int:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise ValueError(f"{text!r} is not a month (YYYY-MM)")
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@functools.cache
def span(period: str) -> tuple[int, int]:
    """'2018-06:2019-03' as month indexes (first, last); a single 'YYYY-MM' is that month."""
    first, _, last = period.partition(":")
    a, b = _month_index(first), _month_index(last or first)
    if a > b:
        raise ValueError(f"period {period!r} ends before it starts")
    return a, b


@functools.cache
def period_of(first: int, last: int) -> str:
    return f"{_month(first)}:{_month(last)}"


# --- reading the figures ------------------------------------------------------------------------


def count_interval(value, rounded_to=1, small: tuple[int, int] | None = SMALL) -> tuple[Interval, bool]:
    """The interval a shown count allows, and whether it is known not to be small (1 to 4).

    `small` is the publication's rule: the counts shown as '<5' and never as numbers (None: no such rule).
    """
    text = "" if value is None else str(value).strip().replace(",", "")
    if text == "":
        return Interval(0, INF), False
    if text == SECONDARY:
        return Interval(0, INF), small is not None
    if text.startswith("<"):
        return Interval(1, int(text[1:]) - 1), False
    shown = int(Fraction(text))
    base = int(float(rounded_to or 1))
    if base <= 1:
        return Interval(shown, shown), False
    # A tie (7.5 for base 5 cannot happen, 15 for base 10 can) may have gone either way.
    return Interval(max(0, shown - base // 2), shown + base // 2), small is not None


def rate_interval(value) -> tuple[Fraction, Fraction] | None:
    """The exact ratios a rate shown as '0.833333', '83%' or '7.5%' can stand for; None when not shown."""
    text = "" if value is None else str(value).strip()
    if text == "":
        return None
    percent = text.endswith("%")
    digits = text.rstrip("%").strip()
    decimals = len(digits.partition(".")[2])
    shown, half = Fraction(digits), Fraction(1, 2 * 10**decimals)
    if percent:
        shown, half = shown / 100, half / 100
    return max(shown - half, Fraction(0)), shown + half


def _not_small(interval: Interval, small: tuple[int, int]) -> Interval:
    """Take 1..4 off an interval's ends: a figure shown as a number (or '*') is not a small count."""
    lo, hi = interval.lo, interval.hi
    if small[0] <= lo <= small[1]:
        lo = small[1] + 1
    if small[0] <= hi <= small[1]:
        hi = small[0] - 1
    return Interval(lo, hi)


def _dimension(category: str) -> str:
    return category.partition("=")[0]


# --- the model: figures and identities ----------------------------------------------------------


class Model:
    """Every figure (shown, latent or slack) with its interval, and the identities between them."""

    def __init__(self, schema: Schema, small: tuple[int, int] | None = SMALL):
        self.schema, self.small = schema, small
        self.bounds: dict[Key, Interval] = {}
        self.origin: dict[Key, str] = {}  # 'published', 'zero' (a table's missing cell), 'latent', 'slack'
        self.not_small: set[Key] = set()
        self.series: dict[Ref, set[str]] = defaultdict(set)  # the periods each (measure, category) has
        self.identities: dict[frozenset, Identity] = {}
        self.ratios: list[RateBound] = []
        self.shown: dict[Key, list[str]] = defaultdict(list)  # every value a published figure is shown as
        self.rate_rows: list[tuple[Key, str]] = []
        self._done: set = set()  # bound identities with slack, which cannot be told apart by their terms
        self._covered: dict[Ref, int] = {}  # how many periods a series had when its covers were last found

    def var(self, key: Key, origin: str = "latent") -> Key:
        if key not in self.bounds:
            self.bounds[key], self.origin[key] = Interval(0, INF), origin
            if origin != "slack":
                self.series[(key[1], key[2])].add(key[0])
        return key

    def narrow(self, key: Key, interval: Interval, why: str) -> None:
        try:
            self.bounds[key] = self.bounds[key] & interval
        except Inconsistent:
            raise Inconsistent(f"{key} cannot be both {self.bounds[key]} and {interval} ({why})") from None

    def add(self, terms: dict[Key, int], rule: str) -> None:
        terms = {k: a for k, a in terms.items() if a}
        if not terms:
            return
        for key in terms:
            self.var(key)
        signature = frozenset(terms.items())
        if signature not in self.identities:
            self.identities[signature] = Identity(tuple(terms.items()), rule)

    def at_most(self, part: Key, whole: Key, rule: str) -> None:
        """part <= whole, as whole = part + slack with slack >= 0."""
        if (part, whole) in self._done or part == whole:
            return
        self._done.add((part, whole))
        slack = self.var(("", "slack", str(len(self._done))), "slack")
        self.add({whole: 1, part: -1, slack: -1}, rule)

    # Reading ------------------------------------------------------------------------------------

    def read(self, rows: Iterable[dict]) -> None:
        """Take in the publication's rows: counts become figures, rates wait for link_rates."""
        for row in rows:
            first, last = span(str(row["period"]))
            key = (period_of(first, last), str(row["measure"]), str(row.get("category") or ""))
            value = "" if row.get("value") is None else str(row["value"]).strip()
            if key[1] in self.schema.rates:
                self.rate_rows.append((key, value))
                continue
            interval, not_small = count_interval(value, row.get("rounded_to") or 1, self.small)
            self.var(key, "published")
            self.origin[key] = "published"
            self.narrow(key, interval, f"shown as {value!r}")
            if not_small:
                self.not_small.add(key)
            self.shown[key].append(value)

    def fill_zeros(self) -> None:
        """A published breakdown leaves out only its zero cells (when the schema says so)."""
        if not self.schema.missing_cells_are_zero:
            return
        tables = {(k[0], k[1], _dimension(k[2])) for k, o in self.origin.items() if o == "published" and k[2]}
        for period, measure, dim in tables:
            for category in self.schema.categories.get(dim, ()):
                key = (period, measure, f"{dim}={category}")
                if key not in self.bounds:
                    self.var(key, "zero")
                    self.bounds[key] = Interval(0, 0)

    def link_rates(self) -> None:
        """A rate's numerator is at most its denominator; a shown rate bounds their ratio."""
        for (period, rate, category), value in self.rate_rows:
            num_ref, den_ref = self.schema.rate_refs(rate, category)
            num, den = self.var((period, *num_ref)), self.var((period, *den_ref))
            self.at_most(num, den, f"{rate}: numerator <= denominator")
            bounds = rate_interval(value)
            if bounds is not None:
                self.narrow(den, Interval(1, INF), f"{rate} shown, so its denominator is not 0")
                self.ratios.append(RateBound(num, den, *bounds, f"{rate} {period} {category} shown as {value}"))

    # Identities ---------------------------------------------------------------------------------

    def add_sums(self) -> None:
        """Named sums and bounds hold in every period in which any figure they name exists."""
        for total, parts in self.schema.sums:
            for period in set().union(*(self.series.get(r, ()) for r in (total, *parts))):
                terms = {(period, *total): 1}
                for part in parts:
                    terms[(period, *part)] = terms.get((period, *part), 0) - 1
                self.add(terms, f"{total} = sum of {parts}")
        for part, whole in self.schema.bounds:
            for period in self.series.get(part, set()) | self.series.get(whole, set()):
                self.at_most((period, *part), (period, *whole), f"{part} <= {whole}")

    def add_totals(self) -> None:
        """A total is the sum of its breakdown's cells (same period, same dimension)."""
        tables = defaultdict(set)
        for key, origin in self.origin.items():
            if key[2] and origin != "slack":
                tables[(key[0], key[1], _dimension(key[2]))].add(key[2])
        for (period, measure, dim), present in tables.items():
            total = (period, measure, "")
            known = self.schema.categories.get(dim)
            if known is not None:
                cells = {f"{dim}={c}" for c in known} | present
                terms = {total: 1} | {(period, measure, c): -1 for c in cells}
                self.add(terms, f"{measure} = sum over {dim}")
                continue
            # Categories not given: the cells present are at most the total.
            signature = ("cells", period, measure, dim, frozenset(present))
            if signature not in self._done:
                self._done.add(signature)
                slack = self.var(("", "slack", f"cells {len(self._done)}"), "slack")
                terms = {total: 1, slack: -1} | {(period, measure, c): -1 for c in present}
                self.add(terms, f"{measure} >= sum of the {dim} cells shown")

    def add_covers(self) -> None:
        """For a measure that adds up, a period covered exactly by disjoint periods is their sum.

        Covers are paths along the month line: from a start month a, every period starting the month
        after a reachable end s extends the path. union(a..t) = union(a..s) + period(s+1..t), with
        the unions latent figures where not published; every exact cover of a period is one path.
        """
        for (measure, category), periods in list(self.series.items()):
            if measure not in self.schema.additive or self._covered.get((measure, category)) == len(periods):
                continue
            by_start = defaultdict(list)
            for p in periods:
                a, b = span(p)
                by_start[a].append(b)
            if not by_start:
                continue
            last_month = max(max(ends) for ends in by_start.values())
            for a in sorted(by_start):
                reached = set(by_start[a])
                for s in range(a, last_month):
                    if s not in reached:
                        continue
                    for t in by_start.get(s + 1, ()):
                        reached.add(t)
                        whole, head, tail = period_of(a, t), period_of(a, s), period_of(s + 1, t)
                        self.add(
                            {(whole, measure, category): 1, (head, measure, category): -1,
                             (tail, measure, category): -1},
                            f"{measure}{f'[{category}]' if category else ''}: {whole} = {head} + {tail}",
                        )
            self._covered[(measure, category)] = len(periods)

    def add_stocks(self) -> None:
        """A stock at a period's end depends only on its end month, and moves by inflow less outflow."""
        for stock, (inflow, outflow) in self.schema.stocks.items():
            for period in list(self.series.get((stock, ""), ())):
                _, t = span(period)
                if period != period_of(t, t):
                    self.add(
                        {(period, stock, ""): 1, (period_of(t, t), stock, ""): -1},
                        f"{stock}: {period} ends when {period_of(t, t)} does",
                    )
            both = self.series.get((inflow, ""), set()) & self.series.get((outflow, ""), set())
            for period in list(both):
                a, t = span(period)
                self.add(
                    {(period_of(t, t), stock, ""): 1, (period_of(a - 1, a - 1), stock, ""): -1,
                     (period, inflow, ""): -1, (period, outflow, ""): 1},
                    f"{stock} at the end of {_month(t)} = at the end of {_month(a - 1)} + {inflow} - {outflow} "
                    f"in {period}",
                )


def build(
    rows: Iterable[dict], schema: Schema, small: tuple[int, int] | None = SMALL, extra: Iterable[Identity] = ()
) -> Model:
    """The model of a publication: its figures, the latent figures between them and every identity."""
    model = Model(schema, small)
    model.read(rows)
    model.fill_zeros()
    model.link_rates()
    for identity in extra:
        model.add(dict(identity.terms), identity.rule)
    while True:  # new latent figures bring new identities; the periods are unions of those offered
        size = (len(model.bounds), len(model.identities))
        model.add_sums()
        model.add_totals()
        model.add_covers()
        model.add_stocks()
        if (len(model.bounds), len(model.identities)) == size:
            return model


# --- propagation --------------------------------------------------------------------------------


def _ceil_div(n: int, d: int) -> int:
    return -((-n) // d)


def propagate(
    bounds: dict[Key, Interval],
    identities: Iterable[Identity],
    ratios: Iterable[RateBound] = (),
    not_small: Iterable[Key] = (),
    small: tuple[int, int] | None = SMALL,
    max_steps: int = 5_000_000,
) -> dict[Key, Interval]:
    """Tighten every interval with every identity until none moves; return the final intervals.

    For an identity sum(a_i x_i) = 0, each x_j lies in -(the others' range) / a_j. A work list holds the
    identities touching a figure that moved, so each step looks only at what can change.
    """
    keys = list(bounds)
    index = {k: i for i, k in enumerate(keys)}
    lo = [bounds[k].lo for k in keys]
    hi = [bounds[k].hi for k in keys]
    guarded = {index[k] for k in not_small} if small else set()
    constraints: list = [("sum", [(index[k], a) for k, a in i.terms], i.rule) for i in identities]
    constraints += [("rate", (index[r.numerator], index[r.denominator], r.lo, r.hi), r.rule) for r in ratios]
    for v in guarded:  # a figure shown as a number (or '*') is not 1 to 4, even one no identity touches
        fixed = _not_small(Interval(lo[v], hi[v]), small)
        lo[v], hi[v] = fixed.lo, fixed.hi
    watchers = defaultdict(list)
    for c, (kind, body, _) in enumerate(constraints):
        for v in ([v for v, _ in body] if kind == "sum" else body[:2]):
            watchers[v].append(c)

    def tighten(v: int, new_lo, new_hi, rule: str) -> bool:
        nlo, nhi = max(lo[v], new_lo), min(hi[v], new_hi)
        if v in guarded:
            if small[0] <= nlo <= small[1]:
                nlo = small[1] + 1
            if small[0] <= nhi <= small[1]:
                nhi = small[0] - 1
        if nlo > nhi:
            raise Inconsistent(f"{keys[v]} has no value left ({rule})")
        if (nlo, nhi) == (lo[v], hi[v]):
            return False
        lo[v], hi[v] = nlo, nhi
        return True

    def narrow_sum(terms, rule) -> list[int]:
        fin_min = fin_max = 0
        inf_min = inf_max = 0  # how many terms reach -inf / +inf
        parts = []
        for v, a in terms:
            cmin, cmax = (a * lo[v], a * hi[v]) if a > 0 else (a * hi[v], a * lo[v])
            parts.append((v, a, cmin, cmax))
            if cmin == -INF:
                inf_min += 1
            else:
                fin_min += cmin
            if cmax == INF:
                inf_max += 1
            else:
                fin_max += cmax
        if (not inf_min and fin_min > 0) or (not inf_max and fin_max < 0):
            raise Inconsistent(f"identity cannot hold: {rule}")
        changed = []
        for v, a, cmin, cmax in parts:
            rest_min = -INF if inf_min - (cmin == -INF) else fin_min - (0 if cmin == -INF else cmin)
            rest_max = INF if inf_max - (cmax == INF) else fin_max - (0 if cmax == INF else cmax)
            # a * x = -(rest), so a * x lies in [-rest_max, -rest_min]
            low_ax, high_ax = -rest_max, -rest_min
            if a > 0:
                new_lo = -INF if low_ax == -INF else _ceil_div(int(low_ax), a)
                new_hi = INF if high_ax == INF else int(high_ax) // a
            else:
                new_lo = -INF if high_ax == INF else _ceil_div(int(high_ax), a)
                new_hi = INF if low_ax == -INF else int(low_ax) // a
            if (new_lo > lo[v] or new_hi < hi[v]) and tighten(v, new_lo, new_hi, rule):
                changed.append(v)
        return changed

    def narrow_rate(body, rule) -> list[int]:
        n, d, r_lo, r_hi = body
        d_lo, d_hi = max(lo[d], 1), hi[d]
        if d_hi != INF and d_hi - d_lo <= ENUMERATE_UP_TO:
            dens, nums_lo, nums_hi = [], [], []
            for den in range(d_lo, int(d_hi) + 1):
                low = max(lo[n], _ceil_div(r_lo.numerator * den, r_lo.denominator))
                high = min(hi[n], r_hi.numerator * den // r_hi.denominator)
                if low <= high:
                    dens.append(den)
                    nums_lo.append(low)
                    nums_hi.append(high)
            if not dens:
                raise Inconsistent(f"no numerator and denominator give {rule}")
            bounds_n, bounds_d = (min(nums_lo), max(nums_hi)), (dens[0], dens[-1])
        else:  # too many denominators to try: bounds from the ends only
            n_hi = hi[n] if d_hi == INF else min(hi[n], r_hi.numerator * int(d_hi) // r_hi.denominator)
            n_lo = max(lo[n], _ceil_div(r_lo.numerator * d_lo, r_lo.denominator))
            new_d_lo = d_lo if r_hi == 0 else max(d_lo, _ceil_div(n_lo * r_hi.denominator, r_hi.numerator))
            new_d_hi = d_hi if r_lo == 0 or hi[n] == INF else min(
                d_hi, hi[n] * r_lo.denominator // r_lo.numerator)
            bounds_n, bounds_d = (n_lo, n_hi), (new_d_lo, new_d_hi)
        changed = []
        if tighten(n, *bounds_n, rule):
            changed.append(n)
        if tighten(d, *bounds_d, rule):
            changed.append(d)
        return changed

    queue = deque(range(len(constraints)))
    queued = [True] * len(constraints)
    steps = 0
    while queue:
        c = queue.popleft()
        queued[c] = False
        kind, body, rule = constraints[c]
        moved = narrow_sum(body, rule) if kind == "sum" else narrow_rate(body, rule)
        steps += 1
        if steps > max_steps:
            raise RuntimeError(f"propagation did not settle in {max_steps} steps (last: {rule})")
        for v in moved:
            for w in watchers[v]:
                if not queued[w]:
                    queued[w] = True
                    queue.append(w)
    return {k: Interval(lo[i], hi[i]) for i, k in enumerate(keys)}


# --- the attack and its findings ----------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One protected figure: how it was shown, what its own rows allow, and what the attack leaves."""

    key: Key
    shown: str  # '<5', '*', '' (hidden) or, for a rounded figure, the rounded number
    before: Interval
    after: Interval

    @property
    def recovered(self) -> bool:
        return self.after.exact

    @property
    def narrowed(self) -> bool:
        """Not recovered, but left with at most three values, fewer than it started with."""
        return not self.recovered and self.after.width < min(self.before.width, 3)

    @property
    def group(self) -> str:
        """The measure, or 'measure by dimension' for a breakdown cell."""
        period, measure, category = self.key
        return f"{measure} by {_dimension(category)}" if category else measure


@dataclass
class Result:
    """The final interval of every figure, and the findings for the protected ones."""

    intervals: dict[Key, Interval]
    suppressed: list[Finding]  # shown as '<5', '*' or not at all (in one row at least)
    rounded: list[Finding]  # shown rounded, never exactly nor suppressed
    model: Model

    def recovered(self) -> list[Finding]:
        return [f for f in self.suppressed if f.recovered]

    def narrowed(self) -> list[Finding]:
        return [f for f in self.suppressed if f.narrowed]

    def summary(self) -> dict[str, dict[str, int]]:
        """{group: {suppressed, recovered, narrowed, rounded, rounded_recovered}}, groups sorted."""
        out = defaultdict(lambda: dict.fromkeys(
            ("suppressed", "recovered", "narrowed", "rounded", "rounded_recovered"), 0))
        for f in self.suppressed:
            row = out[f.group]
            row["suppressed"] += 1
            row["recovered"] += f.recovered
            row["narrowed"] += f.narrowed
        for f in self.rounded:
            out[f.group]["rounded"] += 1
            out[f.group]["rounded_recovered"] += f.recovered
        return {g: out[g] for g in sorted(out)}

    def report(self, list_recovered: bool = True) -> str:
        """The summary as a small table, then every recovered and narrowed figure."""
        lines = [f"{'figures':<40} {'suppressed':>10} {'recovered':>9} {'narrowed':>8} {'rounded':>7} "
                 f"{'exact':>5}"]
        totals = dict.fromkeys(("suppressed", "recovered", "narrowed", "rounded", "rounded_recovered"), 0)
        for group, row in self.summary().items():
            lines.append(f"{group:<40} {row['suppressed']:>10} {row['recovered']:>9} {row['narrowed']:>8} "
                         f"{row['rounded']:>7} {row['rounded_recovered']:>5}")
            for k in totals:
                totals[k] += row[k]
        lines.append(f"{'all':<40} {totals['suppressed']:>10} {totals['recovered']:>9} {totals['narrowed']:>8} "
                     f"{totals['rounded']:>7} {totals['rounded_recovered']:>5}")
        if list_recovered:
            listed = self.recovered() + self.narrowed() + [r for r in self.rounded if r.recovered]
            for f in sorted(listed, key=lambda f: f.key):
                what = "recovered" if f.recovered else "narrowed"
                lines.append(f"  {what}: {' '.join(x for x in f.key if x)} shown {f.shown!r} "
                             f"{f.before} -> {f.after}")
        return "\n".join(lines)


def attack(
    rows: Iterable[dict], schema: Schema, small: tuple[int, int] | None = SMALL, extra: Iterable[Identity] = ()
) -> Result:
    """Everything a reader of `rows` can work out about each protected count, by `schema`'s identities."""
    model = build(rows, schema, small, extra)
    final = propagate(model.bounds, model.identities.values(), model.ratios, model.not_small, small)
    suppressed, rounded = [], []
    for key, values in model.shown.items():
        hidden = [v for v in values if v == "" or v == SECONDARY or v.startswith("<")]
        if hidden:
            own = count_interval(hidden[0], 1, small)
            before = _not_small(own[0], small) if own[1] else own[0]
            suppressed.append(Finding(key, hidden[0], before, final[key]))
        elif not model.bounds[key].exact:  # shown, but only rounded
            own = model.bounds[key]
            before = _not_small(own, small) if key in model.not_small else own
            rounded.append(Finding(key, values[0], before, final[key]))
    by_key = lambda f: f.key  # noqa: E731
    return Result(final, sorted(suppressed, key=by_key), sorted(rounded, key=by_key), model)
