"""Referral growth for the Growth page, the Summary's presenting mode and the pack.

The service's referral growth between two periods beside each NRM reference area's, with the
counts behind each, a headline ('+122% locally vs +63% nationally (UK)') and plain notes.
"""

from __future__ import annotations

import pandas as pd

from metrics.answers.series import slice_label
from metrics.measures import disclosure, formatting
from metrics.measures.compute import check_audience
from metrics.measures.growth import area_counts, growth
from metrics.measures.publication import figures_for, is_offered
from metrics.periods import Period, add_months
from metrics.store.logs import months_loaded, resolve_service
from metrics.store.settings import nrm_extent

# Reference areas the growth headline calls "national" (area names are the manager's data).
NATIONAL_AREAS = ("UK", "United Kingdom", "England and Wales")


def growth_months(con, service: str | None = None) -> list[str]:
    """Months the growth page offers: whole calendar years around the months loaded."""
    loaded = months_loaded(con, resolve_service(con, service))
    if not loaded:
        return []
    return Period(f"{loaded[0][:4]}-01", f"{loaded[-1][:4]}-12").months


def growth_choices(con, service: str | None = None) -> dict[str, tuple[Period, Period]]:
    """Ready-made (base, compare) pairs: the latest months loaded against as many before, then calendar years."""
    loaded = months_loaded(con, resolve_service(con, service))
    if not loaded:
        return {}
    out = {}
    size = min(12, len(loaded) // 2)
    if size:
        compare = Period(add_months(loaded[-1], -(size - 1)), loaded[-1])
        base = Period(add_months(compare.first, -size), add_months(compare.first, -1))
        out[f"Latest {size} months loaded against the {size} before"] = (base, compare)
    for year in range(int(loaded[-1][:4]), int(loaded[0][:4]), -1):
        base, compare = Period(f"{year - 1}-01", f"{year - 1}-12"), Period(f"{year}-01", f"{year}-12")
        out[f"Calendar year {year - 1} against {year}{_returns_note(base, compare, set(loaded))}"] = (base, compare)
    # The default (the first) is a comparison some reference area covers: one none covers has nothing to
    # compare with, and only says so twice.
    covered = {label: _covered(con, *pair) for label, pair in out.items()}
    return dict(sorted(out.items(), key=lambda item: not covered[item[0]]))


def _months_of_returns(period: Period, loaded: set[str]) -> int:
    return len(set(period.months) & loaded)


def _returns_note(base: Period, compare: Period, loaded: set[str]) -> str:
    """' (7 and 6 months of returns)' when the returns do not cover both periods, else ''."""
    counts = (_months_of_returns(base, loaded), _months_of_returns(compare, loaded))
    return "" if counts == (base.length, compare.length) else f" ({counts[0]} and {counts[1]} months of returns)"


def _covered(con, base: Period, compare: Period) -> bool:
    before, after = area_counts(con, base), area_counts(con, compare)
    return any(before[area] is not None and after.get(area) is not None for area in before)


def _extent(con, area: str) -> str:
    rows, first, last = nrm_extent(con, area)
    return f"{rows} rows from {first:%b %Y} to {last:%b %Y}"


def growth_comparison(
    con, base: Period, compare: Period, service: str | None = None, audience: str = "internal"
) -> dict:
    """The service's referral growth beside each NRM reference area's, with the counts behind each.

    Returns {"table": frame (area, kind, base, compare, change, growth, available, note and the *_shown texts),
    "headline": '+122% locally vs +63% nationally (UK)', "notes": [plain sentences]}.
    """
    check_audience(audience)
    service = resolve_service(con, service)
    found = growth(con, base, compare, service)
    loaded = set(months_loaded(con, service))
    rows, notes = [], []
    own = found["service"]
    gaps = [p for p in (base, compare) if not set(p.months) <= loaded]
    note = "; ".join(f"returns cover {len(set(p.months) & loaded)} of the {p.length} months of {slice_label(p)}"
                     for p in gaps)
    if gaps:
        notes.append(f"{service}: {note}, so its counts are for those months only: compare with care.")
    own_growth, b, c = own["growth"], own["base"], own["compare"]
    if audience == "partnership":  # the counts as published; growth between rounded counts is not shown
        published = figures_for(con, {p: p for p in (base, compare) if is_offered(con, p, service)}, service,
                                audience, names=["referrals_received"])
        b, c = (published[p]["referrals_received"].value if p in published else None for p in (base, compare))
        own_growth = None
    rows.append(_growth_row(f"{service} (this service)", "service", b, c, own_growth, True, note, audience))
    for area, counts in found["areas"].items():
        available = counts["base"] is not None and counts["compare"] is not None
        area_note = ""
        if not available:
            missing = [slice_label(p) for p, n in ((base, counts["base"]), (compare, counts["compare"])) if n is None]
            area_note = (f"not available: its reference data ({_extent(con, area)}) does not cover "
                         f"the whole of {' or '.join(missing)}")
            notes.append(f"{area}: {area_note}.")
        kind = "national" if area in NATIONAL_AREAS else "reference"
        rows.append(_growth_row(area, kind, counts["base"], counts["compare"], counts["growth"], available,
                                area_note, "internal"))  # reference counts are published figures
    table = pd.DataFrame(rows).astype({"base": "Int64", "compare": "Int64", "change": "Int64", "growth": "float64"})
    return {"table": table, "headline": _headline(table, audience, _returns_note(base, compare, loaded)),
            "notes": notes}


def _growth_row(area, kind, base, compare, growth_rate, available, note, audience) -> dict:
    """One row of the growth table (for the partnership, its counts are as published: a number or '<5')."""
    shown = {name: "not shown" if n is None and audience == "partnership" else "n/a" if n is None
             else disclosure.shown_text(n) for name, n in (("base_shown", base), ("compare_shown", compare))}
    return {
        "area": area, "kind": kind,
        "base": base if isinstance(base, int) else None,
        "compare": compare if isinstance(compare, int) else None,
        "change": compare - base if growth_rate is not None else None,
        "change_shown": "n/a" if growth_rate is None else f"{compare - base:+,}",
        "growth": growth_rate, "growth_shown": formatting.text("growth", growth_rate), "available": available,
        "note": note, **shown,
    }


def _headline(table: pd.DataFrame, audience: str = "internal", returns_note: str = "") -> str:
    """'+122% locally vs +63% nationally (UK)'; '-40% locally (7 and 6 months of returns) vs ...' when the
    returns do not cover the periods, so that the headline is not read as two whole years."""
    own = table.iloc[0]
    if audience == "partnership":
        parts = ["Local growth is not shown: the partnership's counts are rounded"]
    elif pd.isna(own["growth"]):
        parts = ["Local growth cannot be worked out (no referrals, or too few to show, in the base period)"]
    else:
        parts = [f"{own['growth_shown']} locally{returns_note}"]
    areas = table.iloc[1:].sort_values("kind", key=lambda k: k != "national", kind="stable")  # national first
    for _, row in areas.iterrows():
        if row["available"] and not pd.isna(row["growth"]):
            where = f"nationally ({row['area']})" if row["kind"] == "national" else f"in {row['area']}"
            parts.append(f"{row['growth_shown']} {where}")
    headline = " vs ".join(parts)
    return headline if len(parts) > 1 else f"{headline}; no NRM reference area covers both periods"


def growth_table(result: dict, base: Period, compare: Period) -> str:
    """`python -m metrics growth` as a plain-text table."""
    rows = [("This service", result["service"])] + list(result["areas"].items())
    lines = [f"Referral growth from {base.label} to {compare.label}", "",
             f"{'':28} {'Base':>8} {'Compare':>8} {'Growth':>8}"]
    for name, r in rows:
        base_n = "n/a" if r["base"] is None else f"{r['base']:,}"
        compare_n = "n/a" if r["compare"] is None else f"{r['compare']:,}"
        lines.append(f"{name[:28]:28} {base_n:>8} {compare_n:>8} {formatting.text('growth', r['growth']):>8}")
    return "\n".join(lines)
