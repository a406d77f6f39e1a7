"""Demand and value: the people in contact by support level, beside the national demand funnel."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.contract import CASES
from metrics.measures import disclosure, formatting
from metrics.measures.compute import NOT_RECORDED, breakdown, check_audience
from metrics.measures.publication import figures_for, published_breakdown
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


def _in_contact(con, period: Period, service: str, audience: str) -> dict[str, object]:
    """People in contact in the period by support level: the victims supported by level, and those who declined."""
    periods = {"p": period}
    if audience == "partnership":
        levels = published_breakdown(con, periods, "victims_supported", "support_level", service)["p"]
    else:
        levels = breakdown(con, periods, "supported", "support_level", service)["p"]
    declined = figures_for(con, periods, service, audience, names=["support_declined"])["p"]["support_declined"]
    return {**{k: v for k, v in levels.items() if k != DECLINED}, DECLINED: declined.value}


def support_mix(con, period: Period, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """People the advocate was in contact with in the period, by support level.

    These are the victims supported (DOMAIN.md) plus those who declined support. Columns: support_level,
    people, shown, suppressed, share (of everyone in contact; internal only), share_shown, supported.
    """
    check_audience(audience)
    counts = _in_contact(con, period, resolve_service(con, service), audience)
    levels = [*SUPPORT_LEVELS, *([NOT_RECORDED] if counts.get(NOT_RECORDED) else [])]
    people = {level: counts.get(level, 0) for level in levels}
    total = sum(people.values()) if audience == "internal" else None
    rows = []
    for level, n in people.items():
        numeric = isinstance(n, int)
        share = n / total if total else None
        rows.append({
            "support_level": level, "people": n if numeric else None, "shown": disclosure.shown_text(n),
            "suppressed": not numeric, "share": None if share is None else round(share, 6),
            "share_shown": formatting.text("percent", share) if share is not None else "not shown",
            "supported": level != DECLINED,
        })
    return pd.DataFrame(rows).astype({"people": "Int64", "share": "float64"})


def demand_comparison(con, period: Period, service: str | None = None, audience: str = "internal") -> dict:
    """The service's short-term and specialist mix beside the demand funnel's 60/40, with the funnel and source.

    Returns {"comparison": frame (label, service_share, service_shown, basis, seed_share, seed_of), "funnel":
    frame (label, share, of), "source": text}. The partnership is shown the funnel and its counts
    (support_mix), not the service's shares: those would be figures beyond its publication.
    """
    hidden = audience == "partnership"
    counts = {} if hidden else _in_contact(con, period, resolve_service(con, service), "internal")
    short, specialist = int(counts.get("Short-term", 0)), int(counts.get("Specialist", 0))
    both = short + specialist
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
