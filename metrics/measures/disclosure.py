"""Disclosure control for anything a partnership user sees or that circulates beyond the PCC.

Counts of people from 1 to 4 are shown as '<5'; where a suppressed cell could be worked out
from a total and the other cells of its row or column, the next smallest cell is suppressed
too; percentages whose denominator is under 10 are not shown, nor those whose numerator, or
denominator less numerator, is from 1 to 4 (the share would give that count away); a figure
worked out from a count of people that is not shown is not shown either. Zero stays zero.
The rules read the registry's attributes (counts people, adds up, a balance of flows), never names.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from metrics.measures.registry import MEASURES

SMALL = "<5"
SECONDARY = "*"
MIN_DENOMINATOR = 10
# A stock that is last period's value plus one flow less another (a caseload), published exactly
# beside those flows, would give away a suppressed flow: it is rounded to this base instead.
BALANCE_ROUNDED_TO = 5


def is_small(count) -> bool:
    return isinstance(count, int | float) and 1 <= count <= 4


def count(value):
    """A single published count of people."""
    return SMALL if is_small(value) else value


def _hidden(fig):
    return replace(fig, value=None, numerator=None, denominator=None, parts={}, suppressed=True)


def figure(fig, figures: dict | None = None):
    """A disclosure-controlled copy of a Figure; `figures` holds the other figures of its period."""
    m = MEASURES[fig.name]
    if m.is_rate:
        num, den = fig.numerator, fig.denominator
        # A share of a known denominator gives its numerator away: hide it when that, or the
        # rest of the denominator, is a count from 1 to 4 (as well as under 10 behind it).
        if den is not None and (den < MIN_DENOMINATOR or is_small(num) or is_small(den - num)):
            return _hidden(fig)
        return replace(fig, numerator=count(num), denominator=count(den))
    if m.formula:
        if any(MEASURES[part].people and is_small(value) for part, value in fig.parts.items()):
            return _hidden(fig)
        return fig
    if m.people and is_small(fig.value):
        return replace(fig, value=SMALL, suppressed=True)
    if m.people and m.balance_of and isinstance(fig.value, int):
        rounded = BALANCE_ROUNDED_TO * round(fig.value / BALANCE_ROUNDED_TO)
        return replace(fig, value=rounded, extra=fig.extra | {"rounded": BALANCE_ROUNDED_TO})
    return fig


def figures(period_figures: dict) -> dict:
    """Every Figure of one period, disclosure-controlled."""
    return {name: figure(fig, period_figures) for name, fig in period_figures.items()}


def suppress_grid(grid: list[list[int]]) -> list[list[bool]]:
    """Which cells of a table of counts to suppress, margins included.

    `grid` is R x C counts; the returned mask is (R + 1) x (C + 1), its last row and column
    being the column and row totals. A line (row or column) whose total is published never
    has exactly one suppressed cell, so no suppressed cell can be recovered by subtraction.
    """
    rows, cols = len(grid), len(grid[0]) if grid else 0
    full = [list(r) + [sum(r)] for r in grid]
    full.append([sum(grid[i][j] for i in range(rows)) for j in range(cols)] + [sum(map(sum, grid))])
    mask = [[is_small(v) for v in row] for row in full]
    lines = [[(i, j) for j in range(cols + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(cols + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            *cells, total = line
            if mask[total[0]][total[1]]:
                continue
            hidden = [c for c in cells if mask[c[0]][c[1]]]
            if len(hidden) != 1:
                continue
            candidates = [c for c in cells if not mask[c[0]][c[1]] and full[c[0]][c[1]] > 0]
            target = min(candidates, key=lambda c: full[c[0]][c[1]]) if candidates else total
            mask[target[0]][target[1]] = True
            changed = True
    return mask


def hidden_in_series(counts: list[int]) -> list[bool]:
    """Which counts of a series to hide, given that the series' total is published.

    The period's total (on the Summary, say) and the other months would give back a single hidden
    month, so a lone small month takes the next smallest with it.
    """
    mask = suppress_grid([[n] for n in counts])
    return [row[0] for row in mask[:-1]]


def hide_recoverable(counts: dict[str, int], shown_months: list[str], totals: list[list[str]]) -> set[str]:
    """Months of an additive count of people to hide in a table or chart of months.

    `counts` holds every month involved, `shown_months` the months shown one by one, and `totals` the
    runs of months whose total is published (a period and the previous period, say). Counts from 1 to 4
    are hidden; then, while some published total has exactly one month the reader cannot see, the
    smallest other non-zero month of that run is hidden too, so none can be worked out.
    """
    hidden = {m for m in shown_months if is_small(counts[m])}
    changed = True
    while changed:
        changed = False
        for run in totals:
            if is_small(sum(counts[m] for m in run)):
                continue  # the total itself is published as '<5'
            unseen = [m for m in run if m in hidden or m not in shown_months]
            others = [m for m in run if m not in unseen and counts[m] > 0]
            if len(unseen) == 1 and others:
                hidden.add(min(others, key=lambda m: (counts[m], m)))
                changed = True
    return hidden


def shown(value: int, hidden: bool) -> str:
    """'<5' for a small count, '*' for a cell hidden so that a small one cannot be worked out."""
    if not hidden:
        return f"{value:,}"
    return SMALL if is_small(value) else SECONDARY


def suppress_long(frame: pd.DataFrame, row: str, col: str, value: str) -> pd.DataFrame:
    """Suppress a long frame of counts (one row per row-key and column-key).

    Returns the frame with every combination present, `value` as a nullable integer (missing
    where suppressed), a text column `shown` ('<5' or the number) and a boolean `suppressed`.
    """
    if frame.empty:
        return frame.assign(shown=pd.Series(dtype="object"), suppressed=pd.Series(dtype="bool"))
    wide = frame.pivot_table(index=row, columns=col, values=value, aggfunc="sum", fill_value=0)
    grid = [[int(v) for v in r] for r in wide.to_numpy()]
    mask = suppress_grid(grid)
    records = []
    for i, r in enumerate(wide.index):
        for j, c in enumerate(wide.columns):
            hidden = mask[i][j]
            records.append(
                {row: r, col: c, value: None if hidden else grid[i][j], "shown": shown(grid[i][j], hidden),
                 "suppressed": hidden}
            )
    out = pd.DataFrame(records)
    out[value] = out[value].astype("Int64")
    return out
