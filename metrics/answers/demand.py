"""Demand and value: the people in contact by support level, beside the national demand funnel.

Texts in the frames are in the run's language; support levels stay codes (`support_level`, `level`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.contract import CASES
from metrics.i18n import N_, _
from metrics.measures import disclosure, formatting
from metrics.measures.compute import NOT_RECORDED, breakdown, check_audience
from metrics.measures.publication import figures_for, published_breakdown
from metrics.periods import Period
from metrics.store.logs import resolve_service


@dataclass(frozen=True)
class SeedShare:
    """One share from the demand funnel: `share` of `of` (label and of marked for translation: _(s.label))."""

    key: str
    label: str
    share: float
    of: str


DEMAND_SOURCE = N_(
    "Thames Valley PCC, 'The Challenge for PCCs', Modern Slavery National Network meeting, 1 October 2019, "
    "citing the Crime Survey for England and Wales (April 2019)"
)
DEMAND_FUNNEL = (
    SeedShare("want_support", N_("Want support"), 0.20, N_("all victims")),
    SeedShare("short_term", N_("Need a short-term, supportive intervention"), 0.60,
              N_("victims who want support")),
    SeedShare("specialist", N_("Need specialist support"), 0.40, N_("victims who want support")),
    SeedShare("specialist_of_all", N_("Need specialist support"), 0.08, N_("all victims")),
    SeedShare("specialist_met_by_dsv", N_("Specialist need met by domestic and sexual violence services"), 0.60,
              N_("victims who need specialist support")),
)
SEED_SHARES = {s.key: s for s in DEMAND_FUNNEL}

SUPPORT_LEVELS = CASES.column("support_level").codes  # Short-term, Specialist, Advice and signposting, Declined
DECLINED = "Declined support"
# The support levels (codes) of demand_comparison's rows, in order: its labels are text to read, not to parse.
COMPARED_LEVELS = ("Short-term", "Specialist")


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
            "share_shown": formatting.text("percent", share) if share is not None else _("not shown"),
            "supported": level != DECLINED,
        })
    return pd.DataFrame(rows).astype({"people": "Int64", "share": "float64"})


def demand_comparison(con, period: Period, service: str | None = None, audience: str = "internal") -> dict:
    """The service's short-term and specialist mix beside the demand funnel's 60/40, with the funnel and source.

    Returns {"comparison": frame (label, service_share, service_shown, basis, seed_share, seed_of; one row for
    each of COMPARED_LEVELS, in that order), "funnel": frame (label, share, of), "source": text}, texts in the
    run's language. The partnership is shown the funnel and its counts
    (support_mix), not the service's shares: those would be figures beyond its publication.
    """
    hidden = audience == "partnership"
    counts = {} if hidden else _in_contact(con, period, resolve_service(con, service), "internal")
    short, specialist = int(counts.get("Short-term", 0)), int(counts.get("Specialist", 0))
    both = short + specialist
    rows = []
    for label, n, seed in ((_("Short-term support"), short, SEED_SHARES["short_term"]),
                           (_("Specialist support"), specialist, SEED_SHARES["specialist"])):
        share = None if hidden or not both else round(n / both, 6)
        basis = _("{n} of {both} given short-term or specialist support").format(n=f"{n:,}", both=f"{both:,}")
        rows.append({
            "label": label, "service_share": share,
            "service_shown": _("not shown") if hidden else formatting.text("percent", share),
            "basis": "" if hidden else basis,
            "seed_share": seed.share, "seed_of": _(seed.of)
        })
    funnel = pd.DataFrame([{"label": _(s.label), "share": s.share, "of": _(s.of)} for s in DEMAND_FUNNEL])
    return {"comparison": pd.DataFrame(rows).astype({"service_share": "float64"}), "funnel": funnel,
            "source": _(DEMAND_SOURCE)}
