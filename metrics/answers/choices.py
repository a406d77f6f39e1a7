"""What the pickers offer: the services loaded, the months loaded, the period picker's quick picks, and the
partnership's fixed periods (the only ones it may see).

The quick picks' names ('Latest month') are keys the sidebar looks up: English, marked for translation and
shown with format_func=_. The partnership's periods are labelled in the run's language (its caches are
keyed by the language)."""

from __future__ import annotations

from metrics import periods
from metrics.i18n import N_, _
from metrics.measures.publication import offered_periods
from metrics.periods import Period, calendar_quarter, month_end, month_of, month_start, whole_financial_year
from metrics.store import logs
from metrics.store.settings import earliest_grant_start, grant_periods


def services(con) -> list[str]:
    return logs.services(con)


def months_loaded(con, service: str | None = None) -> list[str]:
    return logs.months_loaded(con, logs.resolve_service(con, service))


def quick_periods(con, service: str | None = None) -> dict[str, Period]:
    """The period picker's quick picks, from the months loaded and the budget's grants."""
    latest = logs.latest_month(con, logs.resolve_service(con, service))
    if latest is None:
        return {}
    picks = {N_("Latest month"): periods.latest_month(latest), N_("Latest quarter"): periods.latest_quarter(latest)}
    grant = earliest_grant_start(con, month_start(latest), month_end(latest))
    if grant is not None:
        picks[N_("Grant to date")] = periods.grant_to_date(grant, latest)
    picks[N_("Financial year")] = periods.financial_year(latest)
    return picks


def partnership_periods(con, service: str | None = None) -> dict[str, Period]:
    """The periods the partnership is offered, by label (in the run's language), the latest quarter first."""
    offered = list(offered_periods(con, service).values())
    grants = {(month_of(start), month_of(end)): name for name, start, end in grant_periods(con)}
    labelled, quarters = {}, set()
    for p in sorted(offered, key=lambda p: (p.last, p.length), reverse=True):
        if p == calendar_quarter(p.first):
            label = _("Quarter: {period}").format(period=p.label)
            quarters.add(label)
        elif p == whole_financial_year(p.first):
            label = _("Financial year {years}").format(years=f"{p.first[:4]}-{p.last[2:4]}")
        else:
            label = _("Grant: {grant} ({period})").format(grant=grants.get((p.first, p.last), _("grant")),
                                                         period=p.label)
        labelled[label] = p
    return dict(sorted(labelled.items(), key=lambda item: item[0] not in quarters))
