"""Referrals for the Trends page and the pack: by each coded field, and month by month with a rolling total."""

from __future__ import annotations

import pandas as pd

from metrics.answers.series import slice_label, time_periods
from metrics.contract import CASES
from metrics.measures import disclosure
from metrics.measures.compute import breakdown, check_audience, compute
from metrics.periods import Period, add_months
from metrics.store.logs import months_loaded, resolve_service


def referrals_by(
    con, period: Period, dimension: str, service: str | None = None, audience: str = "internal", grain: str = "month"
) -> pd.DataFrame:
    """Referrals by month (or quarter) and one coded field, every combination present.

    Columns: key, label, category, referrals (nullable, missing where suppressed), shown, suppressed.
    Categories come in the contract's order, then 'Not recorded'.
    """
    check_audience(audience)
    service = resolve_service(con, service)
    slices = time_periods(period, grain)
    counts = breakdown(con, slices, "referred", dimension, service)
    present = {category for by_category in counts.values() for category in by_category}
    codes = CASES.column(dimension).codes
    categories = [c for c in codes if c in present] + sorted(present - set(codes))
    grid = pd.DataFrame(
        [{"key": k, "category": c, "referrals": counts[k].get(c, 0)} for k in slices for c in categories],
        columns=["key", "category", "referrals"],
    )
    if audience == "partnership":
        grid = disclosure.suppress_long(grid, "key", "category", "referrals")
    else:
        grid = grid.assign(shown=grid["referrals"].map(lambda n: f"{int(n):,}"), suppressed=False)
        grid["referrals"] = grid["referrals"].astype("Int64")
    order = {k: i for i, k in enumerate(slices)} | {c: i for i, c in enumerate(categories)}
    grid = grid.sort_values(["key", "category"], key=lambda s: s.map(order), ignore_index=True)
    grid.insert(1, "label", grid["key"].map({k: slice_label(p) for k, p in slices.items()}))
    return grid


def rolling_referrals(con, period: Period, service: str | None = None, audience: str = "internal",
                      also_hidden: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Referrals received each month and in the three months to each month.

    The three-month total is missing while its window starts before the first month loaded. For the
    partnership, months are hidden as in disclosure.hidden_in_series, and a three-month total is hidden
    whenever a month in its window is: otherwise two neighbouring totals and the other months would give it back.
    `also_hidden` are months the caller hides besides (the pack's, disclosure.hide_recoverable), shown '*'.
    """
    check_audience(audience)
    service = resolve_service(con, service)
    loaded = months_loaded(con, service)
    wider = Period(add_months(period.first, -2), period.last)
    months = {m: Period(m, m) for m in wider.months}
    computed = compute(con, months, service, names=["referrals_received"])
    counts = {m: computed[m]["referrals_received"].value for m in months}
    hidden = dict.fromkeys(counts, False)
    if audience == "partnership":
        hidden |= {m: disclosure.is_small(n) for m, n in counts.items()}
        hidden |= dict(zip(period.months, disclosure.hidden_in_series([counts[m] for m in period.months])))
        hidden |= dict.fromkeys(also_hidden, True)
    rows = []
    for m in period.months:
        window = [add_months(m, -2), add_months(m, -1), m]
        total = sum(counts[w] for w in window) if loaded and window[0] >= loaded[0] else None
        if total is not None and audience == "partnership" and (disclosure.is_small(total) or
                                                                 any(hidden[w] for w in window)):
            rolling, rolling_shown = None, disclosure.shown(total, True)
        else:
            rolling, rolling_shown = total, "n/a" if total is None else f"{total:,}"
        rows.append({
            "month": m,
            "label": slice_label(Period(m, m)),
            "referrals": None if hidden[m] else counts[m],
            "referrals_shown": disclosure.shown(counts[m], hidden[m]),
            "rolling_3m": rolling,
            "rolling_shown": rolling_shown,
        })
    columns = ["month", "label", "referrals", "referrals_shown", "rolling_3m", "rolling_shown"]
    return pd.DataFrame(rows, columns=columns).astype({"referrals": "Int64", "rolling_3m": "Int64"})
