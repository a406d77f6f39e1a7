"""Referral growth between two periods: the service's own referrals and each NRM reference area's.

An area's count for a period is the sum of its reference rows lying wholly inside the period; it is
unavailable when those rows do not cover the whole period. An earlier count of zero gives an
undefined growth, never a division error (DOMAIN.md).
"""

from __future__ import annotations

from metrics.measures.compute import compute
from metrics.periods import Period

_AREA_SQL = """
    WITH inside AS (
        SELECT area, sum(referrals) AS referrals, sum(period_end - period_start + 1) AS days
        FROM nrm_referrals WHERE period_start >= $start AND period_end <= $end GROUP BY area
    )
    SELECT a.area, CASE WHEN i.days = $days THEN i.referrals END
    FROM (SELECT DISTINCT area FROM nrm_referrals) a LEFT JOIN inside i USING (area) ORDER BY a.area
"""


def rate(base: int | None, compare: int | None) -> dict:
    """{base, compare, growth}: growth is (compare - base) / base, None when it cannot be worked out."""
    growth = (compare - base) / base if base and compare is not None else None
    return {"base": base, "compare": compare, "growth": None if growth is None else round(growth, 6)}


def area_counts(con, period: Period) -> dict[str, int | None]:
    """Each reference area's referrals in the period (None where its rows do not cover it)."""
    rows = con.execute(_AREA_SQL, {"start": period.start, "end": period.end,
                                   "days": (period.end - period.start).days + 1}).fetchall()
    return {area: None if n is None else int(n) for area, n in rows}


def growth(con, base: Period, compare: Period, service: str | None = None) -> dict:
    """Referral growth of the service and of each NRM reference area between two periods."""
    both = compute(con, {"base": base, "compare": compare}, service, names=["referrals_received"])
    own = rate(both["base"]["referrals_received"].value, both["compare"]["referrals_received"].value)
    before, after = area_counts(con, base), area_counts(con, compare)
    return {"service": own, "areas": {area: rate(before[area], after[area]) for area in before}}
