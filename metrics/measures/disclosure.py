"""Disclosure control: what the partnership, and anything circulated beyond the PCC's office, may see.

The partnership sees one protected publication (metrics.measures.publication): the figures of whole,
fixed periods (calendar quarters, financial years and grants, never a month or a range of one's own)
under the rules below, then audited (metrics.measures.audit) so that no suppressed count can be worked
out from any combination of what is published. The rules read the registry's attributes (counts
people, a rate, a statistic of people, a formula), never a measure's name:

- a count of people: 0 stays 0; 1 to 4 is shown as '<5'; any other is rounded to the nearest 5;
- a rate: a whole percentage, and only when 10 or more people are behind it and neither its numerator
  nor the rest of its denominator is under 5 (either would give the other away);
- a statistic of people (the median days to first contact): only over 10 or more people;
- a figure worked out from counts of people (cost per victim), a share of published counts (the support
  mix) and growth between published counts: worked out from the counts as published, so that they say
  nothing the counts do not;
- activity counts (meetings, professionals trained) and money are not people: exact.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from metrics.i18n import _
from metrics.measures.registry import MEASURES

SMALL = "<5"
ROUNDED_TO = 5
MIN_BEHIND = 10  # people behind a rate or a statistic
MIN_PART = 5  # people in a rate's numerator, and in the rest of its denominator


def is_small(n) -> bool:
    return isinstance(n, int | float) and not isinstance(n, bool) and 1 <= n <= 4


@dataclass(frozen=True)
class Shown:
    """A protected count: its value (a number, '<5', or None when not shown) and the base it was rounded to."""

    value: object
    rounded_to: int = 1

    @property
    def suppressed(self) -> bool:
        return self.value is None or self.value == SMALL


def count(n: int) -> Shown:
    """A count of people as published."""
    if n == 0:
        return Shown(0)
    if is_small(n):
        return Shown(SMALL, ROUNDED_TO)
    return Shown(max(ROUNDED_TO, ROUNDED_TO * round(n / ROUNDED_TO)), ROUNDED_TO)


def rate(numerator: int, denominator: int) -> float | None:
    """A rate as published: a whole percentage (as a fraction), or None when too few people are behind it."""
    if denominator < MIN_BEHIND or numerator < MIN_PART or denominator - numerator < MIN_PART:
        return None
    return round(100 * numerator / denominator) / 100


def statistic(value, behind: int):
    """A statistic of people (a median) as published: only over MIN_BEHIND people or more."""
    return value if behind >= MIN_BEHIND else None


def share(part, whole):
    """A share of published counts, worked out from them as published (None unless both are numbers)."""
    if not all(isinstance(v, int | float) for v in (part, whole)) or not whole:
        return None
    return round(100 * part / whole) / 100


def shown_text(value) -> str:
    """A protected count as text: '1,235'-style number, '<5', or 'not shown' (in the run's language)."""
    if value is None:
        return _("not shown")
    return value if isinstance(value, str) else f"{value:,}"


def figure(fig, evaluate=None):
    """A partnership copy of a Figure: its value as published, nothing of the people behind it.

    `evaluate(measure, parts)` works a formula out from its parts' published values (compute.evaluate).
    """
    m = MEASURES[fig.name]
    bare = replace(fig, numerator=None, denominator=None, parts={})
    if m.is_rate:
        value = None if fig.denominator is None else rate(fig.numerator, fig.denominator)
        return replace(bare, value=value, suppressed=value is None and fig.value is not None)
    if m.behind:
        value = None if fig.value is None else statistic(fig.value, fig.denominator or 0)
        return replace(bare, value=value, suppressed=value is None and fig.value is not None)
    if m.formula:
        people = [part for part in m.parts if MEASURES[part].people]
        if not people:
            return fig
        published = {part: (count(v).value if MEASURES[part].people else v) for part, v in fig.parts.items()}
        if any(not isinstance(published[part], int | float) for part in people):
            return replace(bare, value=None, suppressed=True)
        return replace(bare, value=evaluate(m, published), parts=published, extra={"from_published": True})
    if m.people:
        shown = count(int(fig.value))
        extra = {"rounded": shown.rounded_to} if shown.rounded_to > 1 else {}
        return replace(bare, value=shown.value, suppressed=shown.suppressed, extra=extra)
    return fig
