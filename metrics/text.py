"""Plain-text renderings of a report and a growth comparison for the command line."""

from __future__ import annotations

from metrics.measures import MEASURES
from metrics.periods import Period
from metrics.report import format_value


def _pct(value) -> str:
    if value is None:
        return "n/a"
    return value if isinstance(value, str) else f"{value:+.0%}"


def report_table(result: dict) -> str:
    """The report as a readable table: measure, value, target, grade and reading."""
    lines = [
        f"{result['service']}: {result['period_from']} to {result['period_to']} "
        f"(as at {result['as_at']}, audience {result['audience']})",
        "",
        f"{'Measure':44} {'Value':>14}  {'Target':>8}  Grade",
    ]
    flat = {k: v for k, v in result.items() if k in MEASURES}
    flat |= {f"outcome_{k}_rate": v for k, v in result["outcome_rates"].items()}
    flat |= {f"activity_{k}": v for k, v in result["activity"].items()}
    flat |= {f"spend_{k}": v for k, v in result["spend"].items() if k != "by_line"}
    for name, value in flat.items():
        rag = result["rag"].get(name, {})
        target = "" if rag.get("target") is None else format_value(name, rag["target"])
        unit = MEASURES[name].unit
        shown = format_value(name, value) if not (unit == "rate" and value is None) else "n/a"
        lines.append(f"{MEASURES[name].label[:44]:44} {shown:>14}  {target:>8}  {rag.get('grade', '')}")
    lines += ["", "Readings:"]
    lines += [f"  [{r['grade']:5}] {r['reading']}" for r in result["rag"].values()]
    lines += ["", "Spend by budget line:"]
    for line, s in result["spend"]["by_line"].items():
        lines.append(
            f"  {line:10} budget £{s['budget']:,.2f}  actual £{s['actual']:,.2f}  expected "
            f"£{s['expected']:,.2f}  variance £{s['variance']:,.2f}  forecast £{s['forecast_outturn']:,.2f}"
        )
    return "\n".join(lines)


def growth_table(result: dict, base: Period, compare: Period) -> str:
    rows = [("This service", result["service"])] + list(result["areas"].items())
    lines = [
        f"Referral growth from {base.label} to {compare.label}",
        "",
        f"{'':28} {'Base':>8} {'Compare':>8} {'Growth':>8}",
    ]
    for name, r in rows:
        base_n = "n/a" if r["base"] is None else f"{r['base']:,}"
        compare_n = "n/a" if r["compare"] is None else f"{r['compare']:,}"
        lines.append(f"{name[:28]:28} {base_n:>8} {compare_n:>8} {_pct(r['growth']):>8}")
    return "\n".join(lines)
