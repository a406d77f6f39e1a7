"""Referral growth for the Growth page, the Summary's presenting mode and the pack.

The service's referral growth between two periods beside each NRM reference area's, with the
counts behind each, a headline ('+122% locally vs +63% nationally (UK)') and plain notes, all in the
run's language (area names are the manager's data; `kind` is a code: service, national, reference).
A count's sentences keep the English they always had ('1 rows'): their ngettext singular and plural are
the same English, so that Welsh gets its forms of the count without a word of the English changing.
"""

from __future__ import annotations

import pandas as pd

from metrics.answers.series import slice_label
from metrics.i18n import _, month_text, ngettext
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
        out[ngettext("Latest {n} months loaded against the {n} before",
                     "Latest {n} months loaded against the {n} before", size).format(n=size)] = (base, compare)
    for year in range(int(loaded[-1][:4]), int(loaded[0][:4]), -1):
        base, compare = Period(f"{year - 1}-01", f"{year - 1}-12"), Period(f"{year}-01", f"{year}-12")
        label = _("Calendar year {base} against {compare}").format(base=year - 1, compare=year)
        out[label + _returns_note(base, compare, set(loaded))] = (base, compare)
    # The default (the first) is a comparison some reference area covers: one none covers has nothing to
    # compare with, and only says so twice.
    covered = {label: _covered(con, *pair) for label, pair in out.items()}
    return dict(sorted(out.items(), key=lambda item: not covered[item[0]]))


def _months_of_returns(period: Period, loaded: set[str]) -> int:
    return len(set(period.months) & loaded)


def _returns_note(base: Period, compare: Period, loaded: set[str]) -> str:
    """' (7 and 6 months of returns)' when the returns do not cover both periods, else ''."""
    counts = (_months_of_returns(base, loaded), _months_of_returns(compare, loaded))
    if counts == (base.length, compare.length):
        return ""
    return " " + ngettext("({base} and {compare} months of returns)", "({base} and {compare} months of returns)",
                          counts[1]).format(base=counts[0], compare=counts[1])


def _covered(con, base: Period, compare: Period) -> bool:
    before, after = area_counts(con, base), area_counts(con, compare)
    return any(before[area] is not None and after.get(area) is not None for area in before)


def _extent(con, area: str) -> str:
    rows, first, last = nrm_extent(con, area)
    return ngettext("{n} rows from {first} to {last}", "{n} rows from {first} to {last}", rows).format(
        n=rows, first=month_text(first), last=month_text(last))


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
    note = "; ".join(ngettext("returns cover {n} of the {length} months of {period}",
                              "returns cover {n} of the {length} months of {period}", p.length).format(
                                  n=len(set(p.months) & loaded), length=p.length, period=slice_label(p))
                     for p in gaps)
    if gaps:
        notes.append(_("{service}: {note}, so its counts are for those months only: compare with care.").format(
            service=service, note=note))
    own_growth, b, c = own["growth"], own["base"], own["compare"]
    if audience == "partnership":  # the counts as published; growth between rounded counts is not shown
        published = figures_for(con, {p: p for p in (base, compare) if is_offered(con, p, service)}, service,
                                audience, names=["referrals_received"])
        b, c = (published[p]["referrals_received"].value if p in published else None for p in (base, compare))
        own_growth = None
    rows.append(_growth_row(_("{service} (this service)").format(service=service), "service", b, c, own_growth,
                            True, note, audience))
    for area, counts in found["areas"].items():
        available = counts["base"] is not None and counts["compare"] is not None
        area_note = ""
        if not available:
            missing = [slice_label(p) for p, n in ((base, counts["base"]), (compare, counts["compare"])) if n is None]
            area_note = _("not available: its reference data ({extent}) does not cover the whole of {periods}").format(
                extent=_extent(con, area), periods=_(" or ").join(missing))
            notes.append(_("{area}: {note}.").format(area=area, note=area_note))
        kind = "national" if area in NATIONAL_AREAS else "reference"
        rows.append(_growth_row(area, kind, counts["base"], counts["compare"], counts["growth"], available,
                                area_note, "internal"))  # reference counts are published figures
    table = pd.DataFrame(rows).astype({"base": "Int64", "compare": "Int64", "change": "Int64", "growth": "float64"})
    return {"table": table, "headline": _headline(table, audience, _returns_note(base, compare, loaded)),
            "notes": notes}


def _growth_row(area, kind, base, compare, growth_rate, available, note, audience) -> dict:
    """One row of the growth table (for the partnership, its counts are as published: a number or '<5')."""
    shown = {name: _("not shown") if n is None and audience == "partnership" else _("n/a") if n is None
             else disclosure.shown_text(n) for name, n in (("base_shown", base), ("compare_shown", compare))}
    return {
        "area": area, "kind": kind,
        "base": base if isinstance(base, int) else None,
        "compare": compare if isinstance(compare, int) else None,
        "change": compare - base if growth_rate is not None else None,
        "change_shown": _("n/a") if growth_rate is None else f"{compare - base:+,}",
        "growth": growth_rate, "growth_shown": formatting.text("growth", growth_rate), "available": available,
        "note": note, **shown,
    }


def _headline(table: pd.DataFrame, audience: str = "internal", returns_note: str = "") -> str:
    """'+122% locally vs +63% nationally (UK)'; '-40% locally (7 and 6 months of returns) vs ...' when the
    returns do not cover the periods, so that the headline is not read as two whole years."""
    own = table.iloc[0]
    if audience == "partnership":
        parts = [_("Local growth is not shown: the partnership's counts are rounded")]
    elif pd.isna(own["growth"]):
        parts = [_("Local growth cannot be worked out (no referrals, or too few to show, in the base period)")]
    else:
        parts = [_("{growth} locally{returns_note}").format(growth=own["growth_shown"], returns_note=returns_note)]
    areas = table.iloc[1:].sort_values("kind", key=lambda k: k != "national", kind="stable")  # national first
    for _index, row in areas.iterrows():
        if row["available"] and not pd.isna(row["growth"]):
            if row["kind"] == "national":
                parts.append(_("{growth} nationally ({area})").format(growth=row["growth_shown"], area=row["area"]))
            else:
                parts.append(_("{growth} in {area}").format(growth=row["growth_shown"], area=row["area"]))
    headline = _(" vs ").join(parts)
    if len(parts) > 1:
        return headline
    return _("{headline}; no NRM reference area covers both periods").format(headline=headline)


def growth_table(result: dict, base: Period, compare: Period) -> str:
    """`python -m metrics growth` as a plain-text table."""
    rows = [(_("This service"), result["service"])] + list(result["areas"].items())
    lines = [_("Referral growth from {base} to {compare}").format(base=base.label, compare=compare.label), "",
             f"{'':28} {_('Base'):>8} {_('Compare'):>8} {_('Growth'):>8}"]
    for name, r in rows:
        base_n = _("n/a") if r["base"] is None else f"{r['base']:,}"
        compare_n = _("n/a") if r["compare"] is None else f"{r['compare']:,}"
        lines.append(f"{name[:28]:28} {base_n:>8} {compare_n:>8} {formatting.text('growth', r['growth']):>8}")
    return "\n".join(lines)
