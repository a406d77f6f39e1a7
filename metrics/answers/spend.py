"""Spend against budget for the Spend page and the pack: by budget line, as a profile over the months,
and the value-for-money figures (cost per victim, estimated saving) with the ratio's source.

Budget lines are codes, and so is TOTAL, the total row's budget_line (marked for translation: shown as
_(TOTAL)); the texts (the ratio, the forecast's reading) are in the run's language."""

from __future__ import annotations

import pandas as pd

from metrics.answers.series import slice_label
from metrics.answers.summary import shown
from metrics.contract import SPEND
from metrics.i18n import N_, _
from metrics.measures import formatting
from metrics.measures.compute import by_budget_line, check_audience, compute
from metrics.measures.grading import grade, targets
from metrics.measures.publication import figures_for
from metrics.measures.registry import MEASURES
from metrics.periods import Period, month_of
from metrics.store.logs import resolve_service
from metrics.store.settings import cost_benefit, earliest_grant_start

TOTAL = N_("Total")
# The spend table's columns: the measures reported by budget line, by the name the report gives them.
_BY_LINE = {m.report_key.split(".")[-1]: m.name for m in MEASURES.values() if m.by_budget_line}
COLUMNS = ["budget", "expected", "actual", "variance", "variance_pct", "forecast_outturn"]


def spend_table(con, period: Period, service: str | None = None, audience: str = "internal") -> pd.DataFrame:
    """Spend against budget for the period by budget line, then the total; money rounded to pence."""
    check_audience(audience)
    service = resolve_service(con, service)
    lines = by_budget_line(con, {"p": period}, service)["p"]
    totals = compute(con, {"p": period}, service, names=list(_BY_LINE.values()))["p"]
    rows = [{"budget_line": line, **{key: lines[line][name] for key, name in _BY_LINE.items()}}
            for line in SPEND.column("budget_line").codes if line in lines]
    rows.append({"budget_line": TOTAL, **{key: totals[name].value for key, name in _BY_LINE.items()}})
    frame = pd.DataFrame(rows, columns=["budget_line", *COLUMNS])
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
    check_audience(audience)
    service = resolve_service(con, service)
    first = earliest_grant_start(con, period.start, period.end)
    profile = Period(min(month_of(first), period.first) if first else period.first, period.last)
    by_month = by_budget_line(con, {m: Period(m, m) for m in profile.months}, service)
    present = {line for lines in by_month.values() for line in lines}
    budget_lines = [b for b in SPEND.column("budget_line").codes if b in present]
    rows = []
    for line in [*budget_lines, TOTAL]:
        cumulative_actual = cumulative_expected = 0.0
        for m in profile.months:
            wanted = [by_month[m][b] for b in (budget_lines if line == TOTAL else [line]) if b in by_month[m]]
            actual = sum(w["spend_actual"] for w in wanted)
            expected = sum(w["spend_expected"] for w in wanted)
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
    names = ("spend_actual", "victims_supported", "cost_per_victim", "estimated_saving")
    figs = figures_for(con, {"p": period}, resolve_service(con, service), audience, names=list(names))["p"]
    ratio, source = cost_benefit(con)
    out = {name: figs[name].value for name in names}
    for name in ("spend_actual", "cost_per_victim", "estimated_saving"):
        if isinstance(out[name], float):
            out[name] = round(out[name], 2)
    texts = {name: shown(figs[name]) for name in names}
    texts["ratio"] = _("{ratio} saved for every £1 spent").format(ratio=f"£{ratio:,.2f}")
    return out | {"ratio": ratio, "source": source, "shown": texts}


def forecast_reading(con, period: Period, service: str | None = None, audience: str = "internal") -> dict:
    """The forecast outturn against the budget, graded as spend on profile is (within its target of the budget:
    green), so that a page colours it by what it means, not by its sign: {grade, over, text}."""
    total = spend_table(con, period, service, audience).set_index("budget_line").loc[TOTAL]
    budget, gap = float(total["budget"]), float(total["forecast_against_budget"])
    share = abs(gap) / budget if budget else None
    target = targets(con).get("spend_variance_abs")
    graded = grade(share, target) if target else "grey"
    words = {"green": _("within the target"), "amber": _("near the target"), "red": _("beyond the target"),
             "grey": _("not graded")}[graded]
    gap_text, budget_text = f"£{abs(gap):,.0f}", f"£{budget:,.0f}"
    if round(gap) > 0:
        amount = _("{gap} over the {budget} budget").format(gap=gap_text, budget=budget_text)
    elif round(gap) < 0:
        amount = _("{gap} under the {budget} budget").format(gap=gap_text, budget=budget_text)
    else:
        amount = _("on the {budget} budget").format(budget=budget_text)
    share_text = "" if share is None else f" ({formatting.text('percent', share)})"
    return {"grade": graded, "over": gap > 0, "text": f"{amount}{share_text}: {words}"}
