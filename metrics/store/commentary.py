"""The provider's commentary and the victims' voices of a period's current returns, latest month first."""

from __future__ import annotations

import datetime as dt


def commentary_rows(con, service: str, start: dt.date, end: dt.date) -> list[dict]:
    """Each month's commentary in the period, latest month first, topics in the order the return gave them."""
    rows = con.execute(
        """SELECT month_start, topic, text FROM provider_commentary
           WHERE service = $service AND month_start BETWEEN $start AND $end
           ORDER BY month_start DESC, row_number""",
        {"service": service, "start": start, "end": end},
    ).fetchall()
    return [{"month": month, "topic": topic, "text": text} for month, topic, text in rows]


def voice_rows(con, service: str, start: dt.date, end: dt.date) -> list[dict]:
    """The consented voices of the period's months, latest month first, in the order the return gave them."""
    rows = con.execute(
        """SELECT month_start, theme, quote_or_summary FROM victims_voices
           WHERE service = $service AND month_start BETWEEN $start AND $end
           ORDER BY month_start DESC, row_number""",
        {"service": service, "start": start, "end": end},
    ).fetchall()
    return [{"month": month, "theme": theme, "quote_or_summary": text} for month, theme, text in rows]
