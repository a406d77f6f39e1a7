"""Session tokens (metrics.admin.sessions): signed with the server's secret, expiring, refused when altered."""

from __future__ import annotations

import datetime as dt

from metrics.admin import sessions

SECRET = bytes(range(32))
NOW = dt.datetime(2019, 6, 30, 9, 0, 0)


def test_a_token_verifies_until_it_expires():
    token = sessions.issue(SECRET, "sid-1", "mary.manager", NOW, dt.timedelta(hours=12))
    start = int(NOW.timestamp())
    assert sessions.verify(SECRET, token, NOW) == {"sid": "sid-1", "user": "mary.manager", "iat": start,
                                                    "exp": start + 12 * 3600}
    assert sessions.verify(SECRET, token, NOW + dt.timedelta(hours=11, minutes=59, seconds=59)) is not None
    assert sessions.verify(SECRET, token, NOW + dt.timedelta(hours=12)) is None


def test_an_altered_or_foreign_token_is_refused():
    token = sessions.issue(SECRET, "sid-1", "chris.commissioner", NOW)
    payload, signature = token.split(".")
    other = sessions.issue(SECRET, "sid-1", "mary.manager", NOW).split(".")[0]
    assert sessions.verify(SECRET, f"{other}.{signature}", NOW) is None  # another user's claims, this signature
    assert sessions.verify(bytes(32), token, NOW) is None  # another server's secret
    for bad in (None, "", "no-dot", "a.b.c", f"{payload}.", f".{signature}", "é.é", "x" * 2000 + "." + signature):
        assert sessions.verify(SECRET, bad, NOW) is None, bad


def test_session_ids_and_secrets_are_random():
    assert len({sessions.new_session_id() for _ in range(100)}) == 100
    assert len(sessions.new_secret()) == 32 and sessions.new_secret() != sessions.new_secret()
