"""Frames for the growth, spend, trends and demand pages and the PDF pack: small, tidy and ready to show.

Every function takes the connection, the period(s), the service and the audience, and returns a small
frame or dict that a page renders as it is: pages do no arithmetic. For the partnership audience every
count of people is disclosure-controlled (metrics.disclosure): a hidden cell has a missing value, its
`shown` text ('<5', or '*' when hidden so that a small one cannot be worked out) and `suppressed` True,
so that a chart leaves it out and a table shows the text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from metrics import disclosure, report
from metrics.contract import ACTIVITY_MEASURES, CASES, OUTCOME_AREAS, SPEND
from metrics.measures import MEASURES
from metrics.periods import Period, add_months, month_start
from metrics.reference import cost_benefit

GRAINS = {"month": "By month", "quarter": "By quarter"}
NOT_RECORDED = "Not recorded"
TOTAL = "Total"
TREND_MONTHS = 12  # a trend of one month is a dot: shorter periods are widened to this many months

# Named groups of measures the Trends page charts together.
MYTHS = ("uk_national_rate", "trafficking_indicated_rate")
CASELOAD = ("caseload_end", "closures")
OUTCOMES = ("planned_closure_rate", *(f"outcome_{key}_rate" for key, _, _ in OUTCOME_AREAS), "voice_captured_rate")
ACTIVITY = tuple(f"activity_{name}" for name, _ in ACTIVITY_MEASURES)
# Counts of people that add up over months to the period's total (a caseload is a stock: it does not).
FLOWS = ("referrals_received", "closures", "nrm_referrals", "duty_to_notify_referrals")

# Reference areas the growth headline calls "national" (area names are the manager's data).
NATIONAL_AREAS = ("UK", "United Kingdom", "England and Wales")


# --- time slices ------------------------------------------------------------------------------


def time_periods(period: Period, grain: str = "month") -> dict[str, Period]:
    """The period cut into months ('2019-04') or calendar quarters ('2019-Q2', clipped to the period)."""
    if grain == "month":
        return {m: Period(m, m) for m in period.months}
    if grain != "quarter":
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}")
    out: dict[str, Period] = {}
    for m in period.months:
        key = f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}"
        out[key] = Period(out[key].first if key in out else m, m)
    return out


def slice_label(p: Period) -> str:
    """'Jun 2018' for one month, '2018' for a calendar year, 'Apr-Jun 2019' for a run inside a year, else the label."""
    if p.first == p.last:
        return p.label
    if p.first.endswith("-01") and p.last == f"{p.first[:4]}-12":
        return p.first[:4]
    if p.first[:4] == p.last[:4]:
        return f"{month_start(p.first):%b}-{month_start(p.last):%b %Y}"
    return p.label


def trend_period(con, period: Period, service: str | None = None, months: int = TREND_MONTHS) -> Period:
    """The period itself when it has three months or more, else the `months` to its end (from the first loaded)."""
    if period.length >= 3:
        return period
    loaded = report.months_loaded(con, service)
    first = max(add_months(period.last, -(months - 1)), loaded[0] if loaded else period.first)
    return Period(min(first, period.first), period.last)


def _shown_count(value) -> str:
    return value if isinstance(value, str) else f"{int(value):,}"


# --- referrals --------------------------------------------------------------------------------


def referrals_by(
    con, period: Period, dimension: str, service: str | None = None, audience: str = "internal", grain: str = "month"
) -> pd.DataFrame:
    """Referrals by month (or quarter) and one coded dimension, every combination present.

    Columns: key, label, category, referrals (nullable, missing where suppressed), shown, suppressed.
    Categories come in the contract's order, then 'Not recorded'.
    """
    report.check_audience(audience)
    slices = time_periods(period, grain)
    raw = report.breakdown(con, period, dimension, service)  # internal counts, suppressed below if need be
    key_of = {m: key for key, p in slices.items() for m in p.months}
    present = set(raw["category"])
    codes = CASES.column(dimension).codes
    categories = [c for c in codes if c in present] + sorted(present - set(codes))
    counts = raw.assign(key=raw["month"].map(key_of)).groupby(["key", "category"])["referrals"].sum().to_dict()
    grid = pd.DataFrame(
        [{"key": k, "category": c, "referrals": int(counts.get((k, c), 0))} for k in slices for c in categories],
        columns=["key", "category", "referrals"],
    )
    if audience == "partnership":
        grid = disclosure.suppress_long(grid, "key", "category", "referrals")
    else:
        grid = grid.assign(shown=grid["referrals"].map(_shown_count), suppressed=False)
        grid["referrals"] = grid["referrals"].astype("Int64")
    order = {k: i for i, k in enumerate(slices)} | {c: i for i, c in enumerate(categories)}
    grid = grid.sort_values(["key", "category"], key=lambda s: s.map(order), ignore_index=True)
    grid.insert(1, "label", grid["key"].map({k: slice_label(p) for k, p in slices.items()}))
    return grid


def hidden_in_series(counts: list[int]) -> list[bool]:
    """Which counts of a series to hide for the partnership, given that the series' total is published.

    The period's total (on the Summary, say) and the other months would give back a single hidden
    month, so a lone small month takes the next smallest with it.
    """
    mask = disclosure.suppress_grid([[n] for n in counts])
    return [row[0] for row in mask[:-1]]


def rolling_referrals(con, period: Period, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """Referrals received each month and in the three months to each month.

    The three-month total is missing while its window starts before the first month loaded. For the
    partnership, months are hidden as in hidden_in_series, and a three-month total is hidden whenever
    a month in its window is: otherwise two neighbouring totals and the other months would give it back.
    """
    report.check_audience(audience)
    loaded = report.months_loaded(con, service)
    wider = Period(add_months(period.first, -2), period.last)
    series = report.monthly_series(con, wider, service, "internal", names=["referrals_received"])
    counts = dict(zip(series["month"], series["value"].astype(int)))
    hidden = dict.fromkeys(counts, False)
    if audience == "partnership":
        hidden |= {m: disclosure.is_small(n) for m, n in counts.items()}
        hidden |= dict(zip(period.months, hidden_in_series([counts[m] for m in period.months])))
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
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"referrals": "Int64", "rolling_3m": "Int64"})


# --- measures over time -----------------------------------------------------------------------


def _basis(fig: report.Figure, is_rate: bool) -> str:
    """'12 of 20' behind a rate (disclosure-controlled already), else ''."""
    if not is_rate or fig.denominator is None:
        return ""
    return f"{_shown_count(fig.numerator)} of {_shown_count(fig.denominator)}"


def measure_series(
    con, period: Period, names: tuple[str, ...], service: str | None = None, audience: str = "internal",
    grain: str = "month",
) -> pd.DataFrame:
    """Named measures for each month or quarter of the period, one row per (slice, measure).

    Columns: key, label, measure, measure_label, unit, value (missing unless shown), shown (text),
    basis ('12 of 20' for a rate), status: 'shown', 'suppressed' (disclosure) or 'undefined' (nothing to measure).
    """
    report.check_audience(audience)
    slices = time_periods(period, grain)
    computed = report.compute(con, slices, service, "internal")
    rows = []
    for name in names:
        m = MEASURES[name]
        figures = [computed[key][name] for key in slices]
        if audience == "partnership":
            hide = [False] * len(figures)
            if m.people and name in FLOWS:  # a flow adds up to the period's published total
                hide = hidden_in_series([int(f.value) for f in figures])
            figures = [replace(f, value=disclosure.shown(f.value, True), suppressed=True) if h
                       else disclosure.figure(f, m) for f, h in zip(figures, hide)]
        for (key, p), fig in zip(slices.items(), figures):
            numeric = isinstance(fig.value, int | float)
            status = "shown" if numeric else "suppressed" if fig.suppressed else "undefined"
            # a suppressed count reads '<5' (or '*'); a suppressed rate has no value at all
            shown = "not shown" if fig.value is None and fig.suppressed else report.format_value(name, fig.value)
            rows.append({
                "key": key, "label": slice_label(p), "measure": name, "measure_label": m.label, "unit": m.unit,
                "value": float(fig.value) if numeric else None, "shown": shown,
                "basis": _basis(fig, m.is_rate), "status": status,
            })
    order = {k: i for i, k in enumerate(slices)}
    rows.sort(key=lambda r: order[r["key"]])  # slice by slice, measures in the order asked
    columns = ["key", "label", "measure", "measure_label", "unit", "value", "shown", "basis", "status"]
    return pd.DataFrame(rows, columns=columns).astype({"value": "float64"})


def pivot_shown(frame: pd.DataFrame, index: str, columns: str, values: str = "shown") -> pd.DataFrame:
    """A long frame as a table for reading (rows in the frame's order, text as shown)."""
    rows = list(dict.fromkeys(frame[index]))
    cols = list(dict.fromkeys(frame[columns]))
    wide = frame.pivot(index=index, columns=columns, values=values).reindex(index=rows, columns=cols)
    wide.columns.name = None
    return wide.reset_index()


# --- referral growth --------------------------------------------------------------------------


def growth_months(con, service: str | None = None) -> list[str]:
    """Months the growth page offers: whole calendar years around the months loaded."""
    loaded = report.months_loaded(con, service)
    if not loaded:
        return []
    return Period(f"{loaded[0][:4]}-01", f"{loaded[-1][:4]}-12").months


def growth_choices(con, service: str | None = None) -> dict[str, tuple[Period, Period]]:
    """Ready-made (base, compare) pairs: the latest months loaded against as many before, then calendar years."""
    loaded = report.months_loaded(con, service)
    if not loaded:
        return {}
    out = {}
    size = min(12, len(loaded) // 2)
    if size:
        compare = Period(add_months(loaded[-1], -(size - 1)), loaded[-1])
        base = Period(add_months(compare.first, -size), add_months(compare.first, -1))
        out[f"Latest {size} months loaded against the {size} before"] = (base, compare)
    for year in range(int(loaded[-1][:4]), int(loaded[0][:4]), -1):
        out[f"Calendar year {year - 1} against {year}"] = (Period(f"{year - 1}-01", f"{year - 1}-12"),
                                                           Period(f"{year}-01", f"{year}-12"))
    return out


def _percent_change(growth: float | None) -> str:
    return "n/a" if growth is None else f"{growth:+.0%}"


def _reference_extent(con, area: str) -> str:
    rows = con.execute(
        "SELECT count(*), min(period_start), max(period_end) FROM nrm_referrals WHERE area = ?", [area]
    ).fetchall()[0]
    return f"{rows[0]} rows from {rows[1]:%b %Y} to {rows[2]:%b %Y}"


def growth_comparison(
    con, base: Period, compare: Period, service: str | None = None, audience: str = "internal"
) -> dict:
    """The service's referral growth beside each NRM reference area's, with the counts behind each.

    Returns {"table": frame (area, kind, base, compare, change, growth, available, note and the *_shown texts),
    "headline": '+122% locally vs +63% nationally (UK)', "notes": [plain sentences]}.
    """
    report.check_audience(audience)
    service = report.resolve_service(con, service)
    found = report.growth(con, base, compare, service)
    loaded = set(report.months_loaded(con, service))
    rows, notes = [], []
    own = found["service"]
    gaps = [p for p in (base, compare) if not set(p.months) <= loaded]
    note = "; ".join(f"returns cover {len(set(p.months) & loaded)} of the {p.length} months of {slice_label(p)}"
                     for p in gaps)
    if gaps:
        notes.append(f"{service}: {note}, so its counts are for those months only: compare with care.")
    own_growth, b, c = own["growth"], own["base"], own["compare"]
    if audience == "partnership" and (b < disclosure.MIN_DENOMINATOR or disclosure.is_small(c)):
        own_growth = None  # a percentage on fewer than 10 is not shown
    rows.append(_growth_row(f"{service} (this service)", "service", b, c, own_growth, True, note, audience))
    for area, counts in found["areas"].items():
        available = counts["base"] is not None and counts["compare"] is not None
        area_note = ""
        if not available:
            missing = [slice_label(p) for p, n in ((base, counts["base"]), (compare, counts["compare"])) if n is None]
            area_note = (f"not available: its reference data ({_reference_extent(con, area)}) does not cover "
                         f"the whole of {' or '.join(missing)}")
            notes.append(f"{area}: {area_note}.")
        kind = "national" if area in NATIONAL_AREAS else "reference"
        rows.append(_growth_row(area, kind, counts["base"], counts["compare"], counts["growth"], available,
                                area_note, "internal"))  # reference counts are published figures
    table = pd.DataFrame(rows).astype({"base": "Int64", "compare": "Int64", "change": "Int64", "growth": "float64"})
    return {"table": table, "headline": _growth_headline(table), "notes": notes}


def _growth_row(area, kind, base, compare, growth, available, note, audience) -> dict:
    """One row of the growth table; a small count of people is hidden for the partnership."""
    hide = audience == "partnership"
    shown = {name: "n/a" if n is None else disclosure.SMALL if hide and disclosure.is_small(n) else f"{n:,}"
             for name, n in (("base_shown", base), ("compare_shown", compare))}
    return {
        "area": area, "kind": kind,
        "base": None if base is None or hide and disclosure.is_small(base) else base,
        "compare": None if compare is None or hide and disclosure.is_small(compare) else compare,
        "change": compare - base if growth is not None else None,
        "change_shown": "n/a" if growth is None else f"{compare - base:+,}",
        "growth": growth, "growth_shown": _percent_change(growth), "available": available, "note": note, **shown,
    }


def _growth_headline(table: pd.DataFrame) -> str:
    own = table.iloc[0]
    if pd.isna(own["growth"]):
        parts = ["Local growth cannot be worked out (no referrals, or too few to show, in the base period)"]
    else:
        parts = [f"{own['growth_shown']} locally"]
    areas = table.iloc[1:].sort_values("kind", key=lambda k: k != "national", kind="stable")  # national first
    for _, row in areas.iterrows():
        if row["available"] and not pd.isna(row["growth"]):
            where = f"nationally ({row['area']})" if row["kind"] == "national" else f"in {row['area']}"
            parts.append(f"{row['growth_shown']} {where}")
    headline = " vs ".join(parts)
    return headline if len(parts) > 1 else f"{headline}; no NRM reference area covers both periods"


# --- spend and value --------------------------------------------------------------------------


def signed_money(value: float) -> str:
    """'+£63' or '-£1,204': a change in pounds, whole pounds, sign first (Streamlit's metric reads the sign)."""
    return f"{'-' if round(value) < 0 else '+'}£{abs(value):,.0f}"


def spend_table(con, period: Period, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """Spend against budget for the period by budget line, then the total; money rounded to pence."""
    report.check_audience(audience)
    spent = report.spend(con, period, service)
    rows = [{"budget_line": line, **summary} for line, summary in spent["by_line"].items()]
    rows.append({"budget_line": TOTAL, **{k: v for k, v in spent.items() if not k.startswith("by_")}})
    frame = pd.DataFrame(rows, columns=["budget_line", "budget", "expected", "actual", "variance", "variance_pct",
                                        "forecast_outturn"])
    frame["forecast_against_budget"] = frame["forecast_outturn"] - frame["budget"]
    money = ["budget", "expected", "actual", "variance", "forecast_outturn", "forecast_against_budget"]
    frame[money] = frame[money].astype(float).round(2)
    frame["variance_pct"] = frame["variance_pct"].astype(float).round(6)
    return frame


def spend_profile(con, period: Period, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """Actual and expected spend by month and budget line (and in total), cumulative from the first grant's start.

    The profile runs from the month the earliest grant overlapping the period starts to the period's end,
    so that even a one-month period shows where spend stands against the grant.
    """
    report.check_audience(audience)
    service = report.resolve_service(con, service)
    first = con.execute("SELECT min(start_date) FROM budget WHERE start_date <= ? AND end_date >= ?",
                        [period.end, period.start]).fetchall()[0][0]
    profile = Period(min(first.strftime("%Y-%m"), period.first) if first else period.first, period.last)
    by_month = {m: report.spend(con, Period(m, m), service)["by_line"] for m in profile.months}
    present = {line for lines in by_month.values() for line in lines}
    budget_lines = [b for b in SPEND.column("budget_line").codes if b in present]
    rows = []
    for line in [*budget_lines, TOTAL]:
        cumulative_actual = cumulative_expected = 0.0
        for m in profile.months:
            wanted = [by_month[m][b] for b in (budget_lines if line == TOTAL else [line]) if b in by_month[m]]
            actual = sum(w["actual"] for w in wanted)
            expected = sum(w["expected"] for w in wanted)
            cumulative_actual += actual
            cumulative_expected += expected
            rows.append({"month": m, "label": slice_label(Period(m, m)), "budget_line": line,
                         "actual": actual, "expected": expected, "cumulative_actual": cumulative_actual,
                         "cumulative_expected": cumulative_expected,
                         "cumulative_variance": cumulative_actual - cumulative_expected})
    frame = pd.DataFrame(rows, columns=["month", "label", "budget_line", "actual", "expected", "cumulative_actual",
                                        "cumulative_expected", "cumulative_variance"])
    money = frame.columns[3:]
    frame[money] = frame[money].astype(float).round(2)
    return frame


def value_for_money(con, period: Period, service: str | None = None, audience: str = "internal") -> dict:
    """Actual spend, victims supported, cost per victim and the estimated public-money saving with its ratio."""
    figs = report.figures(con, period, service, audience)
    ratio, source = cost_benefit(con)
    names = ("spend_actual", "victims_supported", "cost_per_victim", "estimated_saving")
    out = {name: figs[name].value for name in names}
    for name in ("spend_actual", "cost_per_victim", "estimated_saving"):
        if isinstance(out[name], float):
            out[name] = round(out[name], 2)
    shown = {name: "not shown" if figs[name].suppressed and figs[name].value is None
             else report.format_value(name, figs[name].value) for name in names}
    shown["ratio"] = f"£{ratio:,.2f} saved for every £1 spent"
    return out | {"ratio": ratio, "source": source, "shown": shown}


# --- demand -----------------------------------------------------------------------------------


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

CONTACTED_SQL = """
SELECT coalesce(support_level, $not_recorded) AS support_level, count(*) AS people
FROM cases_latest
WHERE service = $service AND first_contact_date <= $end AND referral_date <= $end
  AND (closed_date IS NULL OR closed_date >= $start)
GROUP BY ALL
"""


def support_mix(con, period: Period, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """People the advocate was in contact with in the period, by support level.

    These are the victims supported (DOMAIN.md) plus those who declined support. Columns: support_level,
    people, shown, suppressed, share (of everyone in contact; missing where not shown), share_shown, supported.
    """
    report.check_audience(audience)
    service = report.resolve_service(con, service)
    params = {"service": service, "start": period.start, "end": period.end, "not_recorded": NOT_RECORDED}
    counts = dict(con.execute(CONTACTED_SQL, params).fetchall())
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
            "share_shown": "not shown" if hidden or share_hidden else report.format_value("uk_national_rate", share),
            "supported": level != DECLINED,
        })
    return pd.DataFrame(rows).astype({"people": "Int64", "share": "float64"})


def demand_comparison(con, period: Period, service: str | None = None, audience: str = "internal") -> dict:
    """The service's short-term and specialist mix beside the demand funnel's 60/40, with the funnel and source.

    Returns {"comparison": frame (label, service_share, service_shown, basis, seed_share, seed_of), "funnel":
    frame (label, share, of), "source": text}. For the partnership both service shares are hidden when
    fewer than 10 people are behind them or either count is under 5 (each gives the other away).
    """
    mix = support_mix(con, period, service, "internal").set_index("support_level")["people"]
    short, specialist = int(mix["Short-term"]), int(mix["Specialist"])
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
            "service_shown": "not shown" if hidden else report.format_value("uk_national_rate", share),
            "basis": "" if hidden else f"{n:,} of {both:,} given short-term or specialist support",
            "seed_share": seed.share, "seed_of": seed.of,
        })
    funnel = pd.DataFrame([{"label": s.label, "share": s.share, "of": s.of} for s in DEMAND_FUNNEL])
    return {"comparison": pd.DataFrame(rows).astype({"service_share": "float64"}), "funnel": funnel,
            "source": DEMAND_SOURCE}
