"""Disclosure control for anything a partnership user sees or that circulates beyond the PCC.

Counts of people from 1 to 4 are shown as '<5'; where a suppressed cell could be worked out
from a total and the other cells of its row or column, the next smallest cell is suppressed
too; percentages whose denominator is under 10 are not shown, nor those whose numerator, or
denominator less numerator, is from 1 to 4 (the share would give that count away). Zero stays zero.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

SMALL = "<5"
MIN_DENOMINATOR = 10
# Caseload at a period's end is last period's caseload plus referrals less closures: published
# exactly beside those, it would give away a suppressed count of closures. Rounded to the
# nearest 5 for the partnership, it no longer does.
ROUNDED_TO_FIVE = {"caseload_end"}


def is_small(count) -> bool:
    return isinstance(count, int | float) and 1 <= count <= 4


def count(value):
    """A single published count of people."""
    return SMALL if is_small(value) else value


def figure(fig, measure):
    """A disclosure-controlled copy of a Figure of `measure`."""
    if measure.is_rate:
        num, den = fig.numerator, fig.denominator
        # A share of a known denominator gives its numerator away: hide it when that, or the
        # rest of the denominator, is a count from 1 to 4 (as well as under 10 behind it).
        if den is not None and (den < MIN_DENOMINATOR or is_small(num) or is_small(den - num)):
            return replace(fig, value=None, numerator=None, denominator=None, suppressed=True)
        return replace(fig, numerator=count(fig.numerator), denominator=count(fig.denominator))
    if measure.people and is_small(fig.value):
        return replace(fig, value=SMALL, suppressed=True)
    if measure.name in ROUNDED_TO_FIVE and isinstance(fig.value, int):
        return replace(fig, value=5 * round(fig.value / 5), extra=fig.extra | {"rounded": 5})
    if measure.name == "cost_per_victim" and is_small(fig.denominator):
        return replace(fig, value=None, numerator=None, denominator=None, suppressed=True)
    return fig


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


SECONDARY = "*"


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
                {
                    row: r,
                    col: c,
                    value: None if hidden else grid[i][j],
                    "shown": shown(grid[i][j], hidden),
                    "suppressed": hidden,
                }
            )
    out = pd.DataFrame(records)
    out[value] = out[value].astype("Int64")
    return out
