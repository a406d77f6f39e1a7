"""The action log's and the meetings' rows: actions, their dated updates, and each meeting's pack.

An action's status is that of its latest update that set one (open before any), so the log as it
stood at any moment can be read back (`as_of`): a meeting's pack rebuilt later shows the actions as
they were when it was made. Writes happen in the caller's `connection.write`.
"""

from __future__ import annotations

import datetime as dt

# The state of every action as at $as_of (NULL: now): its status and its latest update.
_ACTIONS = """
WITH updates AS (
    SELECT *, rowid AS seq,
           row_number() OVER (PARTITION BY action_id ORDER BY update_date DESC, logged_at DESC, rowid DESC) AS n
    FROM action_updates WHERE $as_of IS NULL OR logged_at <= $as_of
), statuses AS (
    SELECT action_id, status, update_date AS status_date,
           row_number() OVER (PARTITION BY action_id ORDER BY update_date DESC, logged_at DESC, seq DESC) AS n
    FROM updates WHERE status IS NOT NULL
), counts AS (
    SELECT action_id, count(*) AS updates FROM updates GROUP BY ALL
), final AS (
    SELECT a.action_id, a.title, a.about, a.raised_from, a.raised_to, a.owner, a.due_date,
           coalesce(s.status, 'open') AS status, s.status_date,
           u.update_date AS latest_update_date, u.text AS latest_update, u.who AS latest_update_by,
           coalesce(c.updates, 0) AS updates, a.raised_at, a.raised_by
    FROM actions a
    LEFT JOIN statuses s ON s.action_id = a.action_id AND s.n = 1
    LEFT JOIN updates u ON u.action_id = a.action_id AND u.n = 1
    LEFT JOIN counts c ON c.action_id = a.action_id
    WHERE $as_of IS NULL OR a.raised_at <= $as_of
)
SELECT * FROM final ORDER BY due_date, action_id
"""


def _rows(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def action_rows(con, as_of: dt.datetime | None = None) -> list[dict]:
    """Every action with its status and latest update as at `as_of` (None: now), by due date."""
    return _rows(con.execute(_ACTIONS, {"as_of": as_of}))


def update_rows(con, action_id: int | None = None, as_of: dt.datetime | None = None) -> list[dict]:
    """The updates of one action (None: of all), oldest first."""
    return _rows(con.execute(
        """SELECT action_id, update_date, text, who, status, logged_at FROM action_updates
           WHERE ($id IS NULL OR action_id = $id) AND ($as_of IS NULL OR logged_at <= $as_of)
           ORDER BY action_id, update_date, logged_at, rowid""",
        {"id": action_id, "as_of": as_of},
    ))


def exists(con, action_id: int) -> bool:
    return bool(con.execute("SELECT 1 FROM actions WHERE action_id = ?", [action_id]).fetchall())


def insert_action(con, row: dict) -> int:
    """Store a new action (in the caller's write); its number is one above the highest."""
    action_id = con.execute("SELECT coalesce(max(action_id), 0) + 1 FROM actions").fetchall()[0][0]
    con.execute(
        "INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [action_id, row["title"], row["about"], row["raised_from"], row["raised_to"], row["owner"], row["due_date"],
         row["raised_at"], row["raised_by"]],
    )
    return action_id


def insert_update(con, action_id: int, update_date: dt.date, text: str, who: str, status: str | None,
                  logged_at: dt.datetime) -> None:
    con.execute("INSERT INTO action_updates VALUES (?, ?, ?, ?, ?, ?)",
                [action_id, update_date, text, who, status, logged_at])


def insert_meeting(con, row: dict) -> None:
    con.execute(
        "INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [row["meeting_date"], row["period_first"], row["period_last"], row["service"], row["sha256"],
         row["data_version"], row["built_at"], row["recorded_by"]],
    )


def meeting_rows(con, meeting_date: dt.date | None = None) -> list[dict]:
    """The recorded meetings (or the one on `meeting_date`), latest first."""
    return _rows(con.execute(
        "SELECT * FROM meetings WHERE $day IS NULL OR meeting_date = $day ORDER BY meeting_date DESC",
        {"day": meeting_date},
    ))
