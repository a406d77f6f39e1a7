"""The rules across a row's columns, per sheet, as SQL over its typed columns (checks.py applies them).

Each rule names the column it is reported under; a rule is not applied to a row in which a column it
reads could not be typed, since its message would only repeat that first problem in other words
(closed_date unreadable is not also "closure_reason given but closed_date blank").
"""

from __future__ import annotations

import re
from typing import NamedTuple

from metrics.contract import Sheet
from metrics.i18n import N_


class Duplicate(NamedTuple):
    """A rule: the row's key (every part of it given) appears in another row of the sheet too."""

    keys: tuple[str, ...]  # SQL over typed columns

    def given(self) -> str:
        return " AND ".join(f"{key} IS NOT NULL" for key in self.keys)

    def window(self) -> str:
        """The rule as a condition over the whole checked relation."""
        return f"{self.given()} AND count(*) OVER (PARTITION BY {', '.join(self.keys)}) > 1"


# Cross-column rules per sheet: (column reported, SQL condition over typed columns or a Duplicate, message marked
# N_, translated where the problem is made: checks._collect).
# $month_end is the last day of the reporting month of the workbook (NULL for reference CSVs).
# A duplicate check skips NULL keys: cells that failed typing would otherwise all count as one value.
CROSS_RULES: dict[str, tuple[tuple[str, str | Duplicate, str], ...]] = {
    "Cases": (
        ("case_ref", Duplicate(("lower(case_ref)",)), N_("appears more than once in the sheet")),
        ("referral_date", "referral_date > $month_end", N_("is after the end of the reporting month")),
        ("first_contact_date", "first_contact_date < referral_date", N_("is before referral_date")),
        ("first_contact_date", "first_contact_date > $month_end", N_("is after the end of the reporting month")),
        ("closed_date", "closed_date < referral_date", N_("is before referral_date")),
        ("closed_date", "closed_date > $month_end", N_("is after the end of the reporting month")),
        ("closure_reason", "closed_date IS NOT NULL AND closure_reason IS NULL",
         N_("is required when closed_date is set")),
        ("closure_reason", "closed_date IS NULL AND closure_reason IS NOT NULL",
         N_("is given but closed_date is blank")),
    ),
    "Spend": (
        (
            "amount_gbp",
            "amount_gbp < 0 AND NOT contains(lower(coalesce(detail, '')), 'refund')",
            N_("is negative but detail does not say it is a refund"),
        ),
    ),
    "Commentary": (
        ("topic", Duplicate(("topic",)),
         N_("appears more than once: write the month's commentary on a topic in one row")),
    ),
    "budget": (
        ("end_date", "end_date < start_date", N_("is before start_date")),
        ("budget_line", Duplicate(('lower("grant")', "budget_line")), N_("appears more than once for this grant")),
    ),
    "kpi_targets": (
        ("amber_band", "amber_band < 0", N_("must not be negative")),
        ("measure", Duplicate(("measure",)), N_("appears more than once")),
        (
            "measure",
            "measure IS NOT NULL AND NOT list_contains($graded_measures, measure)",
            N_("is not the name of a graded measure (such as timely_contact_rate or voice_captured_rate)"),
        ),
    ),
    "nrm_referrals": (("period_end", "period_end < period_start", N_("is before period_start")),),
    "bank_holidays": (("date", Duplicate(("date",)), N_("appears more than once")),),
}


def rules_of(sheet: Sheet) -> tuple[tuple[str, str | Duplicate, str], ...]:
    return CROSS_RULES.get(sheet.name, ())


def rule_columns(sheet: Sheet, rule: str | Duplicate) -> list[str]:
    """The sheet's columns a rule reads."""
    text = " ".join(rule.keys) if isinstance(rule, Duplicate) else rule
    return [name for name in sheet.names if re.search(rf'(?<![\w$"]){re.escape(name)}(?![\w"])|"{name}"', text)]
