"""Who may see what: the role rules in one place, OIDC role mapping and session expiry.

    allowed("commissioner", "Settings")          # False: the menu hides what a role may not see
    require(role, "Upload returns")              # raises PermissionError: call it at the top of every page
    audience_for("partnership")                  # "partnership": pass it to every metrics function
    mapping = load_role_mapping("auth.toml")     # laid out like auth.example.toml
    role_for_oidc_user(st.user.email, groups, mapping)   # a role, or None: refuse sign-in
    expired(last_activity, now, session_timeout(con))    # True: sign the session out

Roles are nested: a manager sees every page, a commissioner every page but uploading and settings,
the partnership only the aggregate trend pages (DOMAIN.md). Everything here is pure except
session_timeout/set_session_timeout, which read and write the settings table (metrics.store.settings).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from metrics.store.settings import put_settings, setting

ROLES = ("manager", "commissioner", "partnership")  # most privileged first

ALL_PAGES = (
    "Summary",
    "Advocate KPIs",
    "Referral growth",
    "Spend vs budget",
    "Trends",
    "Demand and value",
    "Data quality",
    "Upload returns",
    "Settings",
)

PAGES = {
    "manager": ALL_PAGES,
    "commissioner": tuple(p for p in ALL_PAGES if p not in ("Upload returns", "Settings")),
    "partnership": ("Summary", "Trends", "Demand and value"),
}

AUDIENCES = {"manager": "internal", "commissioner": "internal", "partnership": "partnership"}

DEFAULT_SESSION_TIMEOUT = dt.timedelta(minutes=30)
SESSION_TIMEOUT_KEY = "session_timeout_minutes"


def check_role(role: str) -> str:
    """The role itself, or ValueError naming the known roles."""
    if role not in ROLES:
        raise ValueError(f"{role!r} is not a role: use one of {', '.join(ROLES)}")
    return role


def allowed(role: str | None, page: str) -> bool:
    """Whether the role may see the page; no role (not signed in) may see nothing."""
    if page not in ALL_PAGES:
        # A misspelt page name is a bug in the caller, not a reason to show or hide silently.
        raise ValueError(f"{page!r} is not a page: use one of {', '.join(ALL_PAGES)}")
    return page in PAGES.get(role, ())


def require(role: str | None, page: str) -> None:
    """Raise PermissionError unless the role may see the page."""
    if not allowed(role, page):
        raise PermissionError(f"the {role or 'signed-out'} role may not see the {page} page")


def audience_for(role: str) -> str:
    """'internal' for the manager and the commissioner, 'partnership' for the partnership."""
    return AUDIENCES[check_role(role)]


def load_role_mapping(path: str | Path) -> dict:
    """Read and check a role mapping file laid out like auth.example.toml."""
    with open(path, "rb") as handle:
        mapping = tomllib.load(handle)
    _check_mapping(mapping)
    return mapping


def _check_mapping(mapping: dict) -> None:
    roles = mapping.get("roles", {})
    if not isinstance(roles, dict):
        raise ValueError("the role mapping needs a [roles] table")
    for role, entry in roles.items():
        check_role(role)
        if not isinstance(entry, dict):
            raise ValueError(f"[roles.{role}] must be a table with emails and groups")
        for key, values in entry.items():
            if key not in ("emails", "groups"):
                raise ValueError(f"[roles.{role}] has {key!r}: only emails and groups are read")
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ValueError(f"[roles.{role}] {key} must be a list of strings")


def role_for_oidc_user(email: str | None, groups: list[str] | None, mapping: dict) -> str | None:
    """The role of a user signed in through OIDC, or None when the mapping gives them none.

    An email entry names a person and wins over any group; otherwise the most privileged role
    among the user's groups applies. Emails and groups are compared without regard to case.
    """
    _check_mapping(mapping)
    roles = mapping.get("roles", {})
    email = (email or "").strip().casefold()
    user_groups = {g.strip().casefold() for g in groups or ()}
    if email:
        for role in ROLES:
            if email in {e.strip().casefold() for e in roles.get(role, {}).get("emails", [])}:
                return role
    for role in ROLES:
        if user_groups & {g.strip().casefold() for g in roles.get(role, {}).get("groups", [])}:
            return role
    return None


def expired(last_activity: dt.datetime | None, now: dt.datetime, timeout: dt.timedelta) -> bool:
    """Whether a session idle since last_activity has run out at now (no activity at all: yes)."""
    return last_activity is None or now - last_activity >= timeout


def session_timeout(con) -> dt.timedelta:
    """The inactivity timeout from the settings table, else the 30-minute default."""
    minutes = setting(con, SESSION_TIMEOUT_KEY)
    return dt.timedelta(minutes=float(minutes)) if minutes is not None else DEFAULT_SESSION_TIMEOUT


def set_session_timeout(con, minutes: float, actor: str | None = None) -> None:
    """Store the inactivity timeout (1 minute to 24 hours) and audit the change."""
    if not 1 <= float(minutes) <= 24 * 60:
        raise ValueError(f"the session timeout must be from 1 to 1440 minutes, not {minutes}")
    put_settings(con, {SESSION_TIMEOUT_KEY: str(float(minutes))}, actor,
                 f"session timeout set to {float(minutes):g} minutes", changes_data=False)
