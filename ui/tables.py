"""Tables of figures made from an answer, as the HTML that components.table draws, for `components.made_table`.

Each is a pure function of its frame and arguments (in the run's language), so the app makes it once per
answer and caches the HTML (ui.state.derived): choosing, formatting and writing out the rows on every rerun
was a third of a warm Spend vs budget click (benchmarks/RESULTS.md, issue 15).
"""

from __future__ import annotations

import pandas as pd

from metrics.answers.series import pivot_shown
from metrics.answers.spend import TOTAL
from metrics.i18n import _
from ui import components


def pivoted(frame: pd.DataFrame, grain_title: str, columns: str, caption: str) -> str:
    """A series (answers: measure_series, referrals_by): a row a month or quarter, a column a measure or category."""
    table = pivot_shown(frame, "label", columns).rename(columns={"label": grain_title})
    return components.table_html(table, caption, numeric=tuple(table.columns[1:]))


def rolling(frame: pd.DataFrame) -> str:
    """Referrals by month beside the rolling three months (answers: rolling_referrals)."""
    headings = [_("Month"), _("Referrals in the month"), _("In the three months to the month")]
    return components.table_html(frame[["label", "referrals_shown", "rolling_shown"]].set_axis(headings, axis=1),
                                 _("Referrals received: monthly and rolling"), numeric=tuple(headings[1:]))


def line_name(line: str) -> str:
    """A budget line as shown: the lines' names are the budget's own; the total's is ours, in the run's language."""
    return _(TOTAL) if line == TOTAL else line


def _money(frame: pd.DataFrame, columns: dict[str, str], change: tuple[str, ...] = ()) -> pd.DataFrame:
    """The columns as people read them ('£1,204', '+£12', '−3.5%'), renamed."""
    formats = {column: "growth" if column.endswith("_pct") else "change_money" if column in change else "money"
               for column in list(columns)[1:]}
    return components.as_text(frame[list(columns)], formats).rename(columns=columns)


def spend_profile(profile: pd.DataFrame, line: str) -> str:
    """One budget line's months (answers: spend_profile): actual and expected, in the month and to date."""
    columns = {"label": _("Month"), "actual": _("Actual in the month"), "expected": _("Expected in the month"),
               "cumulative_actual": _("Actual to date"), "cumulative_expected": _("Expected to date"),
               "cumulative_variance": _("Variance to date")}
    shown = _money(profile[profile["budget_line"] == line], columns, change=("cumulative_variance",))
    return components.table_html(shown, _("{line}: spend by month against the expected profile").format(
        line=line_name(line)), numeric=tuple(columns.values())[1:])


def spend_by_line(table: pd.DataFrame, period_label: str) -> str:
    """Every budget line of the period and the total (answers: spend_table)."""
    columns = {"budget_line": _("Budget line"), "budget": _("Budget"), "expected": _("Expected"),
               "actual": _("Actual"), "variance": _("Variance"), "variance_pct": _("Variance (% of expected)"),
               "forecast_outturn": _("Forecast outturn"), "forecast_against_budget": _("Forecast − budget")}
    shown = _money(table, columns, change=("variance", "forecast_against_budget"))
    shown[columns["budget_line"]] = [line_name(line) for line in shown[columns["budget_line"]]]
    return components.table_html(shown, _("Spend against budget by budget line, {period}").format(
        period=period_label), numeric=tuple(columns.values())[1:])
