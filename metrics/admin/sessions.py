"""Signed, expiring session tokens for local accounts, kept by the browser so that a reload stays signed in.

A token is `<payload>.<signature>`: the payload is base64url JSON {sid, user, iat, exp} (a random
session ID, the account, issued and expiry times in whole seconds since the epoch), the signature
HMAC-SHA256 of the payload under a server secret. A token is good only while it verifies, has not
expired, and its session ID is still live on the server (sign-out and inactivity end it there):
the token proves who was given it, the server decides whether it still counts.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import secrets

COOKIE = "msht_session"
LIFETIME = dt.timedelta(hours=12)  # a working day: a sign-in never outlives it, active or not


def new_secret() -> bytes:
    return secrets.token_bytes(32)


def new_session_id() -> str:
    return secrets.token_urlsafe(16)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def issue(secret: bytes, session_id: str, user: str, now: dt.datetime, lifetime: dt.timedelta = LIFETIME) -> str:
    """A token for this session and account, expiring `lifetime` after `now`."""
    issued = int(now.timestamp())
    body = {"sid": session_id, "user": user, "iat": issued, "exp": issued + int(lifetime.total_seconds())}
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{payload}.{_sign(secret, payload)}"


def verify(secret: bytes, token: str | None, now: dt.datetime) -> dict | None:
    """The token's claims if it is ours, unaltered and unexpired; else None (never an exception)."""
    if not isinstance(token, str) or not token.isascii() or token.count(".") != 1 or len(token) > 1024:
        return None
    payload, signature = token.split(".")
    if not hmac.compare_digest(_sign(secret, payload), signature):
        return None
    try:
        claims = json.loads(_unb64(payload))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(claims, dict) or not {"sid", "user", "iat", "exp"} <= claims.keys():
        return None
    if not isinstance(claims["exp"], int) or now.timestamp() >= claims["exp"]:
        return None
    return claims
