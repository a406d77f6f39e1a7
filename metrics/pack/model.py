"""What a pack is made of: titled tables of raw values, charts and notes, for one audience.

The renderers (pdf, xlsx) only lay out what they are given, so they cannot leak what they were
never handed: for the partnership everything here is disclosure-controlled already.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from metrics import i18n
from metrics.i18n import N_, _
from metrics.periods import Period

# The protective marking (a code: the Summary page's help names it too), and its Welsh, which follows the
# English in a Welsh or bilingual pack: "OFFICIAL-SENSITIVE / SWYDDOGOL-SENSITIF". Not through the catalogue:
# the marking is the same words whoever translates the rest.
MARKINGS = {"internal": "OFFICIAL-SENSITIVE", "partnership": "OFFICIAL"}
WELSH_MARKINGS = {"internal": "SWYDDOGOL-SENSITIF", "partnership": "SWYDDOGOL"}
# True: English packs carry the Welsh marking as well (the tests of the English pack assert the English marking
# alone, so this waits for them to change).
BILINGUAL_MARKING_IN_ENGLISH = False
AUDIENCE_LABELS = {
    "internal": N_("PCC's office and Connect Gwent (internal)"),
    "partnership": N_("Gwent Anti-Slavery partnership group (the published figures only)"),
}
NOT_SHOWN = N_("not shown")


def marking_text(audience: str, bilingual: bool = False) -> str:
    """The marking as a pack prints it: the English, and the Welsh after it in Welsh or bilingual packs."""
    if bilingual or BILINGUAL_MARKING_IN_ENGLISH or i18n.language() == "cy":
        return f"{MARKINGS[audience]} / {WELSH_MARKINGS[audience]}"
    return MARKINGS[audience]


def long_date(day: dt.date, padded: bool = True) -> str:
    """'30 June 2019' ('01 June 2019', or unpadded '1 June 2019'); '30 Mehefin 2019', '1 Mehefin 2019'."""
    if i18n.language() == "en":
        return f"{day:%d %B %Y}" if padded else f"{day:%-d %B %Y}"
    return i18n.date_text(day)


def month_year(day: dt.date) -> str:
    """'June 2019', 'Mehefin 2019'."""
    if i18n.language() == "en":
        return f"{day:%B %Y}"
    from babel.dates import format_date

    return format_date(day, "MMMM y", locale=i18n.babel_locale())


def languages_of(languages: tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """The languages of a pack: None is the run's; each once, in the order given; an unknown one is refused."""
    chosen = tuple(dict.fromkeys(languages)) if languages else (i18n.language(),)
    unknown = [code for code in chosen if code not in i18n.LANGUAGES]
    if unknown:
        raise ValueError(_("{codes}: the pack's languages are {known}").format(
            codes=", ".join(map(repr, unknown)), known=", ".join(i18n.LANGUAGES)))
    return chosen


def saving_note(saving: str, ratio: float, source: str) -> str:
    """The estimated saving, how it is worked out and the ratio's source (the pack's and the evaluation's)."""
    return _("Estimated public-money saving: {saving}, that is actual spend × {ratio}. "
             "This is an estimate; the ratio's source: {source}.").format(saving=saving, ratio=f"{ratio:g}",
                                                                         source=source.rstrip("."))


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
    language: str = field(default_factory=i18n.language)  # the language its text was made in, and is rendered in
    bilingual: bool = False  # one part of a pack in two languages: the Welsh marking in both parts

    @property
    def marking(self) -> str:
        with i18n.use(self.language):
            return marking_text(self.audience, self.bilingual)

    @property
    def audience_label(self) -> str:
        with i18n.use(self.language):
            return i18n._(AUDIENCE_LABELS[self.audience])

    def tables(self) -> list[Table]:
        """Every table of the pack, in the order of the pack."""
        found = [self.summary, self.commentary, self.voices, self.headline, self.growth, self.spend, self.monthly,
                 self.actions_previous, self.actions_this, self.returns, self.definitions]
        return [t for t in found if t is not None]
