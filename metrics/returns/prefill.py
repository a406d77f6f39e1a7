"""Next month's return, pre-filled: every case open at the end of the latest loaded month, as last reported.

The manager changes what changed and adds new referrals, instead of retyping the open caseload. What is
the new month's own (submitted_on, the Activity counts, the Spend lines) is left blank, so that a return
sent on unchanged is refused for it rather than loaded with last month's figures.
"""

from __future__ import annotations

from metrics.i18n import _
from metrics.periods import add_months, check_month
from metrics.returns.template import build_template
from metrics.store import logs


def prefill_month(con, service: str | None = None) -> tuple[str, str] | None:
    """(latest loaded month, the month after it) of the service, or None before any return is loaded."""
    try:
        service = logs.resolve_service(con, service)
    except LookupError:
        return None
    latest = logs.latest_month(con, service)
    return (latest, add_months(latest, 1)) if latest else None


def prefilled_return(con, month: str | None = None, service: str | None = None) -> dict:
    """The return for month (default: the month after the latest loaded): month, from_month, cases, content."""
    service = logs.resolve_service(con, service)
    latest = logs.latest_month(con, service)
    if latest is None:
        raise LookupError(_("no returns of {service} are loaded yet: nothing to pre-fill").format(service=service))
    month = check_month(month) if month else add_months(latest, 1)
    if month <= latest:
        raise ValueError(_(
            "{month} is not after the latest month loaded, {latest}: a pre-filled return carries the cases open "
            "at the end of {latest} into a later month (to correct a loaded month, upload its return again)"
        ).format(month=month, latest=latest))
    about, cases = logs.open_at_end(con, service, latest)
    return {"month": month, "from_month": latest, "cases": len(cases), "content": build_template(month, about, cases)}


def prefilled_workbook(con, month: str | None = None, service: str | None = None) -> bytes:
    """The pre-filled return's workbook alone (the Upload page's download)."""
    return prefilled_return(con, month, service)["content"]
