"""The pack's "The provider's commentary" and "Victims' voices" (internal packs only): tables by topic."""

from __future__ import annotations

from metrics.answers import commentary as answers
from metrics.contract import COMMENTARY_TOPICS
from metrics.i18n import N_, _
from metrics.measures.registry import MEASURES
from metrics.pack.model import Column, Table
from metrics.periods import Period

COMMENTARY_TITLE = N_("The provider's commentary")
VOICES_TITLE = N_("Victims' voices")
# Topics in the order the pack reads them: the provider's own four, then the measures in registry order.
_ORDER = {topic: i for i, topic in enumerate((*COMMENTARY_TOPICS, *MEASURES))}


def commentary_table(con, period: Period, service: str) -> Table | None:
    """The period's commentary, topic by topic, each topic's months latest first (None when there is none)."""
    rows = answers.commentary(con, period, service)
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: _ORDER[r["topic"]])  # stable: each topic's months stay latest first
    return Table(_("Commentary"), _(COMMENTARY_TITLE),
                 [Column("topic", _("Topic")), Column("month", _("Month"), "month"), Column("text", _("Commentary"))],
                 [{"topic": answers.topic_label(r["topic"]), "month": f"{r['month']:%Y-%m}", "text": r["text"]}
                  for r in rows],
                 _("From the monthly returns, as Connect Gwent wrote it."))


def voices_table(con, period: Period, service: str) -> Table | None:
    """The period's voices shared with consent, latest month first (None when there are none)."""
    rows = answers.voices(con, period, service)
    if not rows:
        return None
    return Table(_("Voices"), _(VOICES_TITLE),
                 [Column("month", _("Month"), "month"), Column("theme", _("Theme")),
                  Column("quote_or_summary", _("Voice"))],
                 [{"month": f"{r['month']:%Y-%m}", "theme": r["theme"], "quote_or_summary": r["quote_or_summary"]}
                  for r in rows],
                 _("Shared with the victim's consent, for the PCC's office and Connect Gwent only: never in the "
                   "partnership's pack."))
