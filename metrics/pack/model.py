"""What a pack is made of: titled tables of raw values, charts and notes, for one audience.

The renderers (pdf, xlsx) only lay out what they are given, so they cannot leak what they were
never handed: for the partnership everything here is disclosure-controlled already.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from metrics.periods import Period

MARKINGS = {"internal": "OFFICIAL-SENSITIVE", "partnership": "OFFICIAL"}
AUDIENCE_LABELS = {
    "internal": "PCC's office and Connect Gwent (internal)",
    "partnership": "Gwent Anti-Slavery partnership group (the published figures only)",
}
NOT_SHOWN = "not shown"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # a format of metrics.measures.formatting (whole, percent, money, days, number, month, date, growth),
    # text; row: the row's own format; row_change: a change in the row's format
    format: str = "text"


@dataclass
class Table:
    """A titled table of raw values: numbers, dates, None (undefined) or text ('<5', 'not shown')."""

    name: str  # short: the Excel sheet's name
    title: str
    columns: list[Column]
    rows: list[dict]
    note: str = ""

    def format(self, column: Column, row: dict) -> str:
        """The format of one cell: the column's, or for 'row' and 'row_change' columns the row's."""
        if column.format == "row":
            return row.get("format", "whole")
        if column.format == "row_change":
            return "change_" + row.get("format", "whole")
        return column.format


@dataclass
class Chart:
    section: str  # trends | growth | spend
    chart: object  # an Altair chart from metrics.charts, titled; None when there is nothing to plot
    caption: str = ""
    max_height: float | None = None  # mm on the page, where the section's own is not right for this chart


@dataclass
class Pack:
    service: str
    period: Period
    audience: str
    as_at: dt.date | None
    generated_on: dt.date
    has_data: bool
    months_loaded: list[str]
    summary: Table | None = None
    messages: list[str] = field(default_factory=list)
    commentary: Table | None = None  # the provider's commentary and the voices: internal packs only
    voices: Table | None = None
    headline: Table | None = None
    growth: Table | None = None
    growth_headline: str = ""
    growth_notes: list[str] = field(default_factory=list)
    spend: Table | None = None
    spend_notes: list[str] = field(default_factory=list)
    monthly: Table | None = None
    charts: list[Chart] = field(default_factory=list)
    quality_notes: list[str] = field(default_factory=list)
    returns: Table | None = None
    definitions: Table | None = None
    actions_previous: Table | None = None  # internal packs only: the partnership's has no actions
    actions_this: Table | None = None

    @property
    def marking(self) -> str:
        return MARKINGS[self.audience]

    @property
    def audience_label(self) -> str:
        return AUDIENCE_LABELS[self.audience]

    def tables(self) -> list[Table]:
        """Every table of the pack, in the order of the pack."""
        found = [self.summary, self.commentary, self.voices, self.headline, self.growth, self.spend, self.monthly,
                 self.actions_previous, self.actions_this, self.returns, self.definitions]
        return [t for t in found if t is not None]
