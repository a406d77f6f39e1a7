"""Meetings you can reproduce: the pack circulated for a meeting, recorded so it can be built again.

A meeting is stored with its period, the pack's SHA-256, the data version it was built from and the
moment it was built. The pack is deterministic: it is dated with the meeting's day (the PDF's
creation date and "Prepared on"), and it shows the action log as it stood at that moment, so later
updates of actions do not change it. Figures are not time-travelled: a month uploaded again or a
setting changed after the meeting gives a different pack, and `rebuild` says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from metrics.i18n import _
from metrics.pack import contents
from metrics.periods import Period
from metrics.store import actions as rows
from metrics.store import version
from metrics.store.connection import file_of, write
from metrics.store.logs import audit

FORMAT = "pdf"  # the meeting's pack is the PDF that was circulated


def _data_version(con) -> str:
    return version.data_version(file_of(con)) or "none"


def record(con, meeting_date: dt.date, period: Period, service: str | None, who: str,
           now: dt.datetime | None = None) -> dict:
    """Build the internal PDF pack for a meeting, store the meeting, audit it; returns the row and the pack."""
    if rows.meeting_rows(con, meeting_date):
        raise ValueError(_("a meeting on {day} is already recorded: rebuild it with "
                           "`meeting rebuild --date {day}`").format(day=f"{meeting_date:%Y-%m-%d}"))
    built_at = (now or dt.datetime.now()).replace(microsecond=0)
    service = contents.service_or_none(con, service)
    data = contents.build(con, period, service, "internal", FORMAT, today=meeting_date, as_of=built_at)
    row = {"meeting_date": meeting_date, "period_first": period.first, "period_last": period.last,
           "service": service, "sha256": hashlib.sha256(data).hexdigest(), "data_version": _data_version(con),
           "built_at": built_at, "recorded_by": who}
    with write(con, changes_data=False):  # a record of a pack changes no figure
        rows.insert_meeting(con, row)
        audit(con, who, "meeting recorded", f"meeting {meeting_date:%Y-%m-%d}: pack for {period.label}, "
              f"SHA-256 {row['sha256']}")
    return row | {"pack": data}


def rebuild(con, meeting_date: dt.date) -> dict:
    """Build a recorded meeting's pack again: the row, the pack, whether its SHA-256 matches, the data version now."""
    found = rows.meeting_rows(con, meeting_date)
    if not found:
        raise LookupError(_("no meeting is recorded on {day}: see `meeting list`").format(
            day=f"{meeting_date:%Y-%m-%d}"))
    row = found[0]
    period = Period(row["period_first"], row["period_last"])
    data = contents.build(con, period, row["service"], "internal", FORMAT, today=row["meeting_date"],
                          as_of=row["built_at"])
    sha = hashlib.sha256(data).hexdigest()
    return row | {"pack": data, "sha256_now": sha, "matches": sha == row["sha256"],
                  "data_version_now": _data_version(con)}


def meetings(con) -> list[dict]:
    """Every recorded meeting, latest first."""
    return rows.meeting_rows(con)


def file_name(meeting_date: dt.date) -> str:
    return f"meeting-pack-{meeting_date:%Y-%m-%d}.{FORMAT}"
