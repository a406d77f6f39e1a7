"""The report of `python -m metrics report`: every measure for a period as JSON, or as a plain-text table.

The JSON's layout comes from the registry: each measure is put at its `report_key` ('closures',
'outcome_rates.safer', 'spend.budget'), measures reported by budget line once more under
'spend.by_line', then the grades. The text table reads the same keys back. The JSON's keys and codes
(grades) are the same in every language; its readings, and the text table, are in the run's language.
"""

from __future__ import annotations

from metrics.contract import SPEND
from metrics.i18n import _
from metrics.measures import formatting
from metrics.measures.compute import as_at, by_budget_line, check_audience
from metrics.measures.grading import grade_in_text, grades
from metrics.measures.publication import figures_for
from metrics.measures.registry import MEASURES
from metrics.periods import Period
from metrics.store.logs import resolve_service


def _json_value(name: str, value):
    """A figure as the JSON carries it: rates to 6 places and money to the penny; text ('<5') as it is."""
    if value is None or isinstance(value, str):
        return value
    unit = MEASURES[name].unit
    if unit == "rate":
        return round(float(value), 6)
    if unit == "gbp":
        return round(float(value), 2)
    return value


def _put(out: dict, key: str, value) -> None:
    *groups, last = key.split(".")
    for group in groups:
        out = out.setdefault(group, {})
    out[last] = value


def value_at(result: dict, key: str):
    for part in key.split("."):
        result = result[part]
    return result


def report(con, period: Period, service: str | None = None, audience: str = "internal") -> dict:
    """Every measure for the period, as the JSON object of `python -m metrics report --json`."""
    check_audience(audience)
    service = resolve_service(con, service)
    at = as_at(con, service)
    figures = figures_for(con, {"current": period}, service, audience)["current"]
    out = {"service": service, "audience": audience, "period_from": period.first, "period_to": period.last,
           "as_at": at.isoformat() if at else None}
    lines = by_budget_line(con, {"current": period}, service)["current"]
    for m in MEASURES.values():
        if m.report_key:
            _put(out, m.report_key, _json_value(m.name, figures[m.name].value))
    by_line_group = next(m.report_key for m in MEASURES.values() if m.by_budget_line).split(".")[0]
    out[by_line_group]["by_line"] = {
        line: {m.report_key.split(".")[-1]: _json_value(m.name, lines[line][m.name])
               for m in MEASURES.values() if m.by_budget_line}
        for line in SPEND.column("budget_line").codes if line in lines
    }
    out["rag"] = grades(con, figures)
    return out


def report_table(result: dict) -> str:
    """The report as a readable table: measure, value, target, grade; then the readings and spend by line."""
    headings = {"measure": _("Measure"), "value": _("Value"), "target": _("Target"), "grade": _("Grade")}
    lines = [
        _("{service}: {first} to {last} (as at {as_at}, audience {audience})").format(
            service=result["service"], first=result["period_from"], last=result["period_to"],
            as_at=result["as_at"], audience=result["audience"]),
        "",
        "{measure:44} {value:>14}  {target:>8}  {grade}".format(**headings),
    ]
    for m in MEASURES.values():
        if not m.report_key:
            continue
        rag = result["rag"].get(m.name, {})
        target = "" if rag.get("target") is None else formatting.value(m.name, rag["target"])
        shown = formatting.value(m.name, value_at(result, m.report_key))
        lines.append(f"{m.shown_label[:44]:44} {shown:>14}  {target:>8}  {grade_in_text(rag.get('grade', ''))}")
    lines += ["", _("Readings:")]
    lines += [f"  [{grade_in_text(r['grade']):5}] {r['reading']}" for r in result["rag"].values()]
    lines += ["", _("Spend by budget line:")]
    by_line = [m for m in MEASURES.values() if m.by_budget_line]
    for line, values in value_at(result, by_line[0].report_key.split(".")[0] + ".by_line").items():
        shown = [f"{m.shown_label} {formatting.value(m.name, values[m.report_key.split('.')[-1]])}" for m in by_line]
        lines.append(f"  {line}: " + "; ".join(shown))
    return "\n".join(lines)
