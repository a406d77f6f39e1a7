"""How values are written for people: the one home of number, money, percentage and date formats.

Formats are the registry's (a measure's `format`) and a few for tables: 'whole' 1,234; 'percent'
90% (one decimal under 10%); 'days' 2.5 days; 'money' £1,234 (pence under £1,000); 'growth' +63%;
'number' 12; 'month' Jun 2019; 'date' 13 Jun 2019; and 'change_<format>' for a difference
('+5 pts', '−£1,204', 'no change'). None is 'n/a'; text (such as '<5') is written as it is.
Words, month names and plural forms are in the run's language (metrics.i18n); Welsh writes numbers and
money as English does (1,234.5; £1,234), so only the words change.
"""

from __future__ import annotations

import datetime as dt

from metrics.i18n import _, date_text, month_text, ngettext
from metrics.measures.registry import MEASURES
from metrics.periods import month_start

MINUS = "−"


def text(fmt: str, value) -> str:
    """A value in a format, as people read it."""
    if isinstance(value, str):
        return month_text(month_start(value)) if fmt == "month" else value
    if value is None:
        return _("n/a")
    if isinstance(value, dt.date):
        return month_text(value) if fmt == "month" else date_text(value)
    if fmt.startswith("change_") and value == 0:
        return _("no change")
    if fmt == "percent":
        return f"{value:.1%}" if 0 < abs(value) < 0.1 else f"{value:.0%}"
    if fmt == "money":
        sign = MINUS if value < 0 else ""
        return f"{sign}£{abs(value):,.2f}" if abs(value) < 1000 else f"{sign}£{abs(value):,.0f}"
    if fmt == "days":
        return _days(value, f"{value:g}")
    if fmt == "change_percent":
        return _("{n} pts").format(n=f"{value * 100:+.0f}")
    if fmt == "change_money":
        return f"{'+' if value >= 0 else MINUS}£{abs(value):,.0f}"
    if fmt == "change_days":
        return _days(abs(value), f"{value:+g}")
    if fmt.startswith("change_"):
        return f"{value:+,}"
    if fmt == "growth":
        return f"{value:+.0%}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _days(count, written: str) -> str:
    """'2.5 days', '1 day': the plural form of a whole count, the 'other' form of a fraction."""
    form = int(count) if float(count).is_integer() else 100
    return ngettext("{n} day", "{n} days", form).format(n=written)


def value(name: str, number) -> str:
    """A figure of a measure in the measure's own format."""
    return text(MEASURES[name].format, number)


def change(name: str, now, before) -> str:
    """The change between two figures of a measure ('+3', '−5 pts'), or '' when either is not a number."""
    if not all(isinstance(v, int | float) for v in (now, before)):
        return ""
    return text("change_" + MEASURES[name].format, now - before)


def signed_money(amount: float) -> str:
    """'+£63' or '-£1,204': whole pounds, the sign first with a hyphen (Streamlit's metric reads the sign)."""
    return f"{'-' if round(amount) < 0 else '+'}£{abs(amount):,.0f}"


def counted(number) -> str:
    """A count as shown in a table: '1,234', or the text disclosure control put in its place."""
    return number if isinstance(number, str) else f"{int(number):,}"


def month_list(months: list[str]) -> str:
    """'Mar 2019', 'Jan 2019 and Feb 2019', 'Jan 2019, Feb 2019 and Mar 2019'."""
    names = [text("month", m) for m in months]
    if len(names) == 1:
        return names[0]
    return _("{items} and {last}").format(items=", ".join(names[:-1]), last=names[-1])
