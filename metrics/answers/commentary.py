"""The provider's commentary and the victims' voices for a period: internal audiences only.

A period's commentary is that of its months, latest month first. Neither is disclosure-controlled
free text, so neither is ever given to the partnership: asking for it with that audience is refused.
"""

from __future__ import annotations

from metrics.contract import COMMENTARY_TOPICS
from metrics.i18n import _
from metrics.measures.registry import MEASURES
from metrics.periods import Period
from metrics.store import commentary as stored
from metrics.store.logs import resolve_service

# The topics the Summary page shows (the measures' own commentary sits beside them on Advocate KPIs).
SUMMARY_TOPICS = ("Overall", "Risks and issues", "Partnership work")
INTERNAL = "internal"


def _internal_only(audience: str) -> None:
    if audience != INTERNAL:
        raise PermissionError("the provider's commentary and victims' voices are for internal audiences only")


def commentary(con, period: Period, service: str | None = None, audience: str = INTERNAL) -> list[dict]:
    """Rows of month (date), topic and text, latest month first."""
    _internal_only(audience)
    return stored.commentary_rows(con, resolve_service(con, service), period.start, period.end)


def voices(con, period: Period, service: str | None = None, audience: str = INTERNAL) -> list[dict]:
    """Rows of month (date), theme and quote_or_summary of the voices with consent to share, latest month first."""
    _internal_only(audience)
    return stored.voice_rows(con, resolve_service(con, service), period.start, period.end)


def topic_label(topic: str) -> str:
    """How a topic is headed: its own name, or its measure's label (in the run's language; the topic is a code)."""
    return _(topic) if topic in COMMENTARY_TOPICS else MEASURES[topic].shown_label


def by_topic(con, period: Period, service: str | None = None, topics: tuple[str, ...] | None = None,
             audience: str = INTERNAL) -> dict[str, list[dict]]:
    """The period's commentary grouped by topic (only `topics` when given), each topic's months latest first."""
    grouped: dict[str, list[dict]] = {}
    for row in commentary(con, period, service, audience):
        if topics is None or row["topic"] in topics:
            grouped.setdefault(row["topic"], []).append(row)
    return grouped
