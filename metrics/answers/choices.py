"""What the pickers offer: the services loaded, the months loaded and the period picker's quick picks."""

from __future__ import annotations

from metrics import periods
from metrics.periods import Period, month_end, month_start
from metrics.store import logs
from metrics.store.settings import earliest_grant_start


def services(con) -> list[str]:
    return logs.services(con)


def months_loaded(con, service: str | None = None) -> list[str]:
    return logs.months_loaded(con, logs.resolve_service(con, service))


def quick_periods(con, service: str | None = None) -> dict[str, Period]:
    """The period picker's quick picks, from the months loaded and the budget's grants."""
    latest = logs.latest_month(con, logs.resolve_service(con, service))
    if latest is None:
        return {}
    picks = {"Latest month": periods.latest_month(latest), "Latest quarter": periods.latest_quarter(latest)}
    grant = earliest_grant_start(con, month_start(latest), month_end(latest))
    if grant is not None:
        picks["Grant to date"] = periods.grant_to_date(grant, latest)
    picks["Financial year"] = periods.financial_year(latest)
    return picks
