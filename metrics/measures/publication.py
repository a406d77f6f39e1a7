"""The partnership's one protected publication: every figure it may see, and nothing else.

The partnership sees whole, fixed periods only, each complete in the returns: calendar quarters (which
are quarters of the financial year too), financial years (April to March) and each grant's whole
period; never a month or a range of its own choosing, so no two periods differ by a few months. Every
figure of those periods passes the rules of metrics.measures.disclosure, then the audit: the
publication's own attacker (metrics.measures.audit) tightens what a reader can know of every count
from every identity between them (a period is its months, a total its breakdown, a caseload last
month's plus referrals less closures, a rate its numerator over its denominator) and, while a count
of 1 to 4 comes back exactly, one more figure beside it is hidden. The partnership's pages, pack and
command line are drawn from this same set of figures (`shown`), and `rows` is figures.csv.
"""

from __future__ import annotations

import csv
import io
import os

from metrics.i18n import N_, _, date_text, language
from metrics.measures import disclosure
from metrics.measures.compute import Figure, compute
from metrics.measures.protect import Publication, Published, build, offered_periods
from metrics.measures.registry import MEASURES
from metrics.periods import Period
from metrics.store import version
from metrics.store.connection import file_of
from metrics.store.logs import resolve_service

__all__ = ["NotOffered", "Publication", "Published", "offered_periods"]

# Shown to people as publication_method() (or _(PUBLICATION_METHOD)): the run's language.
PUBLICATION_METHOD = N_(
    "The partnership's figures are of whole calendar quarters, financial years and grant periods only; every "
    "count of people is rounded to the nearest 5 (1 to 4 shown as <5, 0 as 0); a percentage is shown only when "
    "10 or more people are behind it and neither its numerator nor the rest is under 5; a median only over 10 "
    "or more people; and a figure is left out wherever, with the others, it would give a small count away."
)


def publication_method() -> str:
    """The method of disclosure control in a sentence, in the run's language."""
    return _(PUBLICATION_METHOD)


class NotOffered(ValueError):
    """A period the partnership is not offered."""


_cache: dict[tuple, Publication] = {}


def publish(con, service: str | None = None) -> Publication:
    """The publication of the service, built once for each state of the database."""
    service = resolve_service(con, service)
    path = file_of(con)
    if path is None:
        return build(con, service)
    wal = path.with_name(path.name + ".wal")
    state = (str(path), version.data_version(path), os.stat(path).st_mtime_ns,
             wal.stat().st_size if wal.exists() else -1, service)
    if state not in _cache:
        if len(_cache) > 8:
            _cache.clear()
        _cache[state] = build(con, service)
    return _cache[state]


def _offered(publication: Publication, periods: dict[str, Period]) -> None:
    missing = [p for p in periods.values() if str(p) not in publication.periods]
    if missing:
        offered = ", ".join(f"{key} ({p.label})" for key, p in publication.periods.items()) or _("none yet")
        raise NotOffered(_("{period} is not a period the partnership is offered; offered: {offered}").format(
            period=missing[0].label, offered=offered))


def shown(con, periods: dict[str, Period], service: str | None = None, names: list[str] | None = None):
    """The published Figures of the periods, as compute() gives internal ones; NotOffered for another period."""
    publication = publish(con, service)
    _offered(publication, periods)
    out = {}
    for key, period in periods.items():
        out[key] = {}
        for name in names or list(MEASURES):
            published = publication.get(period, name)
            extra = {"rounded": published.rounded_to} if published.rounded_to > 1 else {}
            suppressed = published.value is None or published.value == disclosure.SMALL
            out[key][name] = Figure(name, published.value, extra=extra, suppressed=suppressed)
    return out


def published_breakdown(con, periods: dict[str, Period], measure: str, dimension: str, service=None):
    """{period: {category: published value}} for a breakdown the publication holds."""
    publication = publish(con, service)
    _offered(publication, periods)
    categories = publication.categories[f"{measure}:{dimension}"]
    return {key: {c: publication.get(p, measure, f"{dimension}={c}").value for c in categories}
            for key, p in periods.items()}



def figures_for(con, periods: dict[str, Period], service: str | None = None, audience: str = "internal",
                names: list[str] | None = None) -> dict[str, dict[str, Figure]]:
    """compute() for the internal audience; for the partnership, the same Figures as published."""
    if audience == "internal":
        return compute(con, periods, service, names=names)
    if audience != "partnership":
        raise ValueError("audience must be one of internal, partnership")
    return shown(con, periods, service, names)


def is_offered(con, period: Period, service: str | None = None) -> bool:
    return str(period) in offered_periods(con, service)


def readme(publication: Publication) -> str:
    """The README.md beside figures.csv: method, periods, source, as-at date and how to cite (in the run's
    language; the file's columns and codes as they are)."""
    periods = "\n".join(f"- `{key}`: {p.label}" for key, p in publication.periods.items())
    if publication.as_at is None:
        as_at = _("no returns loaded")
    else:
        as_at = f"{publication.as_at:%d %B %Y}" if language() == "en" else date_text(publication.as_at)
    service = publication.service
    parts = [
        _("# {service}: published performance figures").format(service=service),
        _("Figures as at {as_at}, from the monthly returns of the Connect Gwent MSHT advocate service to the\n"
          "Police and Crime Commissioner for Gwent. Classification: OFFICIAL.").format(as_at=as_at),
        _("## The file") + "\n" + _(
            "`figures.csv` holds one row per figure: `period` (`YYYY-MM:YYYY-MM`), `measure` (the dashboard's\n"
            "measure, defined in its README), `category` (empty for a total, `field=value` for a breakdown cell),\n"
            "`value` (a number, `<5`, or empty when not shown) and `rounded_to` (the base the count was rounded to;\n"
            "1 when exact). Rates are fractions given to two places (0.78 is 78%); money is in pounds."),
        _("## Method") + "\n" + _(
            "{method} Activity counts and money are not counts of people and are exact. The returns\n"
            "start in {first_month}: a period that begins earlier counts the cases they hold.").format(
            method=publication_method(), first_month=publication.first_month),
        _("## Periods") + "\n" + periods,
        _("## How to cite") + "\n" + _(
            "{service}, performance figures as at {as_at}, Office of the Police and Crime\n"
            "Commissioner for Gwent.").format(service=service, as_at=as_at),
    ]
    return "\n\n".join(parts) + "\n"


def figures_csv(con, service: str | None = None) -> str:
    """figures.csv, the publication as the partnership may take it away."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["period", "measure", "category", "value", "rounded_to"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(publish(con, service).rows())
    return buffer.getvalue()
