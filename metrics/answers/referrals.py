"""Referrals for the Trends page and the pack: by each coded field, and month by month with a rolling total."""

from __future__ import annotations

import pandas as pd

from metrics.answers.series import slice_label, slices_for
from metrics.contract import CASES
from metrics.i18n import _
from metrics.measures import disclosure
from metrics.measures.compute import breakdown, check_audience, compute
from metrics.measures.publication import published_breakdown
from metrics.periods import Period, add_months
from metrics.store.logs import months_loaded, resolve_service


def referrals_by(
    con, period: Period, dimension: str, service: str | None = None, audience: str = "internal", grain: str = "month"
) -> pd.DataFrame:
    """Referrals by month (or quarter; the partnership's by quarter, as published) and one coded field.

    Columns: key, label, category, referrals (nullable, missing where not shown), shown, suppressed.
    Categories come in the contract's order, then 'Not recorded'.
    """
    check_audience(audience)
    service = resolve_service(con, service)
    slices = slices_for(con, period, grain, service, audience)
    if audience == "partnership":
        counts = published_breakdown(con, slices, "referrals_received", dimension, service)
    else:
        counts = breakdown(con, slices, "referred", dimension, service)
    present = {category for by_category in counts.values() for category, n in by_category.items() if n != 0}
    codes = CASES.column(dimension).codes
    categories = [c for c in codes if c in present] + sorted(present - set(codes))
    rows = []
    for key, p in slices.items():
        label = slice_label(p)  # once a slice, not once a cell
        for category in categories:
            n = counts[key].get(category, 0)
            numeric = isinstance(n, int)
            rows.append({"key": key, "label": label, "category": category,
                         "referrals": n if numeric else None, "shown": disclosure.shown_text(n),
                         "suppressed": not numeric})
    frame = pd.DataFrame(rows, columns=["key", "label", "category", "referrals", "shown", "suppressed"])
    return frame.astype({"referrals": "Int64"})


def rolling_referrals(con, period: Period, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """Referrals received each month and in the three months to each month (internal: the partnership sees
    whole quarters, never single months).

    The three-month total is missing while its window starts before the first month loaded.
    """
    if check_audience(audience) != "internal":
        raise PermissionError("months are not published for the partnership: it sees referrals by quarter")
    service = resolve_service(con, service)
    loaded = months_loaded(con, service)
    wider = Period(add_months(period.first, -2), period.last)
    months = {m: Period(m, m) for m in wider.months}
    computed = compute(con, months, service, names=["referrals_received"])
    counts = {m: computed[m]["referrals_received"].value for m in months}
    rows = []
    for m in period.months:
        window = [add_months(m, -2), add_months(m, -1), m]
        total = sum(counts[w] for w in window) if loaded and window[0] >= loaded[0] else None
        rows.append({"month": m, "label": slice_label(Period(m, m)), "referrals": counts[m],
                     "referrals_shown": f"{counts[m]:,}", "rolling_3m": total,
                     "rolling_shown": _("n/a") if total is None else f"{total:,}"})
    columns = ["month", "label", "referrals", "referrals_shown", "rolling_3m", "rolling_shown"]
    return pd.DataFrame(rows, columns=columns).astype({"referrals": "Int64", "rolling_3m": "Int64"})
