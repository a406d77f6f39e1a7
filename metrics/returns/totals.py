"""A total row under a sheet's lines (the contract's Sheet.total_of): what people add at the foot of Spend.

The last row is taken for a total when every other cell of it is blank or says "total" (Excel's table
Total Row writes "Total" in the first column) and its amount is a number. Equal to the lines above, it
is left out and the preview says so; not equal, it is refused, saying what the lines add up to.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from metrics.contract import Problem, Sheet
from metrics.i18n import _, ngettext
from metrics.returns.checks import Checked, typed_values


class TotalRow(NamedTuple):
    row: int  # the spreadsheet's row
    text: str  # its amount as written
    amount: Decimal


def _says_total_or_nothing(text: str | None) -> bool:
    return text is None or not text.strip() or "total" in text.lower()


def split_total(sheet: Sheet, rows: pa.Table) -> tuple[pa.Table, TotalRow | None]:
    """The rows without a total row at the bottom, and that row (None when the last row is not one)."""
    if not sheet.total_of or rows.num_rows < 2:
        return rows, None
    last = rows.slice(rows.num_rows - 1).to_pylist()[0]
    others = [name for name in sheet.names if name != sheet.total_of]
    text = last[sheet.total_of]
    if text is None or not text.strip() or not all(_says_total_or_nothing(last[name]) for name in others):
        return rows, None
    [amount] = typed_values(sheet.column(sheet.total_of), [text])
    if amount is None:  # not a number: an ordinary row, whose cells are checked as any other
        return rows, None
    return rows.slice(0, rows.num_rows - 1), TotalRow(last["_row"], text.strip(), Decimal(amount))


def judge_total(sheet: Sheet, checked: Checked, total: TotalRow, file: str) -> tuple[list[Problem], list[Problem]]:
    """(problems, notes) for a total row: a note when it equals the lines above, a problem when it does not."""
    column = sheet.total_of
    if any(p.column == column for p in checked.problems):
        return [], []  # the lines' own amounts are wrong: their problems come first, the total after a fix
    amounts = checked.typed.column(column)
    lines = Decimal(pc.sum(amounts).as_py() or 0) if len(amounts) else Decimal(0)
    if lines == total.amount:
        note = ngettext("is a total of the {n} line above ({amount}): left out, as it is not a line itself",
                        "is a total of the {n} lines above ({amount}): left out, as it is not a line itself",
                        len(amounts)).format(n=len(amounts), amount=f"£{lines:,.2f}")
        return [], [Problem(file, sheet.name, total.row, column, total.text, note)]
    problem = _("looks like a total row, but the lines above add up to {amount}: correct the total or delete the "
                "row (a total equal to the lines above is left out)").format(amount=f"£{lines:,.2f}")
    return [Problem(file, sheet.name, total.row, column, total.text, problem)], []
