"""Demand and value: the people in contact by support level, beside the national demand funnel."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.contract import CASES
from metrics.measures import disclosure, formatting
from metrics.measures.compute import NOT_RECORDED, breakdown, check_audience
from metrics.periods import Period
from metrics.store.logs import resolve_service


@dataclass(frozen=True)
class SeedShare:
    """One share from the demand funnel: `share` of `of`."""

    key: str
    label: str
    share: float
    of: str


DEMAND_SOURCE = (
    "Thames Valley PCC, 'The Challenge for PCCs', Modern Slavery National Network meeting, 1 October 2019, "
    "citing the Crime Survey for England and Wales (April 2019)"
)
DEMAND_FUNNEL = (
    SeedShare("want_support", "Want support", 0.20, "all victims"),
    SeedShare("short_term", "Need a short-term, supportive intervention", 0.60,
              "victims who want support"),
    SeedShare("specialist", "Need specialist support", 0.40, "victims who want support"),
    SeedShare("specialist_of_all", "Need specialist support", 0.08, "all victims"),
    SeedShare("specialist_met_by_dsv", "Specialist need met by domestic and sexual violence services", 0.60,
              "victims who need specialist support"),
)
SEED_SHARES = {s.key: s for s in DEMAND_FUNNEL}

SUPPORT_LEVELS = CASES.column("support_level").codes  # Short-term, Specialist, Advice and signposting, Declined
DECLINED = "Declined support"


def _in_contact(con, period: Period, service: str) -> dict[str, int]:
    return breakdown(con, {"p": period}, "in_contact", "support_level", service)["p"]


def support_mix(con, period: Period, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """People the advocate was in contact with in the period, by support level.

    These are the victims supported (DOMAIN.md) plus those who declined support. Columns: support_level,
    people, shown, suppressed, share (of everyone in contact; missing where not shown), share_shown, supported.
    """
    check_audience(audience)
    counts = _in_contact(con, period, resolve_service(con, service))
    levels = [*SUPPORT_LEVELS, *([NOT_RECORDED] if counts.get(NOT_RECORDED) else [])]
    people = [int(counts.get(level, 0)) for level in levels]
    total = sum(people)
    partnership = audience == "partnership"
    mask = disclosure.suppress_grid([[n] for n in people]) if partnership else [[False]] * (len(people) + 1)
    share_hidden = partnership and total < disclosure.MIN_DENOMINATOR
    rows = []
    for i, (level, n) in enumerate(zip(levels, people)):
        hidden = mask[i][0]
        share = None if hidden or share_hidden or not total else n / total
        rows.append({
            "support_level": level, "people": None if hidden else n, "shown": disclosure.shown(n, hidden),
            "suppressed": hidden, "share": None if share is None else round(share, 6),
            "share_shown": "not shown" if hidden or share_hidden else formatting.text("percent", share),
            "supported": level != DECLINED,
        })
    return pd.DataFrame(rows).astype({"people": "Int64", "share": "float64"})


def demand_comparison(con, period: Period, service: str | None = None, audience: str = "internal") -> dict:
    """The service's short-term and specialist mix beside the demand funnel's 60/40, with the funnel and source.

    Returns {"comparison": frame (label, service_share, service_shown, basis, seed_share, seed_of), "funnel":
    frame (label, share, of), "source": text}. For the partnership both service shares are hidden when
    fewer than 10 people are behind them or either count is under 5 (each gives the other away).
    """
    counts = _in_contact(con, period, resolve_service(con, service))
    short, specialist = int(counts.get("Short-term", 0)), int(counts.get("Specialist", 0))
    both = short + specialist
    hidden = audience == "partnership" and (
        both < disclosure.MIN_DENOMINATOR or disclosure.is_small(short) or disclosure.is_small(specialist)
    )
    rows = []
    for level, n, seed in (("Short-term", short, SEED_SHARES["short_term"]),
                           ("Specialist", specialist, SEED_SHARES["specialist"])):
        share = None if hidden or not both else round(n / both, 6)
        rows.append({
            "label": f"{level} support", "service_share": share,
            "service_shown": "not shown" if hidden else formatting.text("percent", share),
            "basis": "" if hidden else f"{n:,} of {both:,} given short-term or specialist support",
            "seed_share": seed.share, "seed_of": seed.of,
        })
    funnel = pd.DataFrame([{"label": s.label, "share": s.share, "of": s.of} for s in DEMAND_FUNNEL])
    return {"comparison": pd.DataFrame(rows).astype({"service_share": "float64"}), "funnel": funnel,
            "source": DEMAND_SOURCE}
