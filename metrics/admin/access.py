"""Who may see what: the role rules in one place, OIDC role mapping and session expiry.

    allowed("commissioner", "Settings")          # False: the menu hides what a role may not see
    require(role, "Upload returns")              # raises PermissionError: call it at the top of every page
    audience_for("partnership")                  # "partnership": pass it to every metrics function
    mapping = load_role_mapping("auth.toml")     # laid out like auth.example.toml
    role_for_oidc_user(st.user.to_dict(), mapping)      # a role from stable claims, or None: refuse
    expired(last_activity, now, session_timeout(con))    # True: sign the session out

Roles are nested: a manager sees every page, a commissioner every page but uploading and settings,
the partnership only the aggregate trend pages (DOMAIN.md). Everything here is pure except
session_timeout/set_session_timeout, which read and write the settings table (metrics.store.settings).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path

from metrics.i18n import N_, _
from metrics.store.settings import put_settings, setting

ROLES = ("manager", "commissioner", "partnership")  # most privileged first: codes, never translated
# How each role is named to people: marked N_, translated by role_label where shown.
ROLE_LABELS = {"manager": N_("Connect Gwent manager"), "commissioner": N_("PCC's office"),
               "partnership": N_("Partnership group")}  # as ui.sidebar names them

ALL_PAGES = (
    "Summary",
    "Advocate KPIs",
    "Referral growth",
    "Spend vs budget",
    "Trends",
    "Demand and value",
    "Data quality",
    "Actions",
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


def role_label(role: str | None) -> str:
    """A role as people read it, in this run's language ('Connect Gwent manager'); an unknown code as it is."""
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else (role or "")


def check_role(role: str) -> str:
    """The role itself, or ValueError naming the known roles."""
    if role not in ROLES:
        raise ValueError(_("{role} is not a role: use one of {roles}").format(role=repr(role), roles=", ".join(ROLES)))
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
        raise PermissionError(f"the {role or 'signed-out'} role may not see the {page} page")  # for the log


def audience_for(role: str) -> str:
    """'internal' for the manager and the commissioner, 'partnership' for the partnership."""
    return AUDIENCES[check_role(role)]


def load_role_mapping(path: str | Path) -> dict:
    """Read and check a role mapping file laid out like auth.example.toml."""
    with open(path, "rb") as handle:
        mapping = tomllib.load(handle)
    _check_mapping(mapping)
    return mapping


# A person is named by claims that their identity provider guarantees and never reuses: Entra's tenant
# ID and object ID, or any provider's issuer and subject. A group is named within its tenant or issuer.
_PERSON_KEYS = ({"tid", "oid"}, {"iss", "sub"})
_GROUP_KEYS = ({"tid", "id"}, {"iss", "id"})


def _check_entries(role: str, key: str, values, shapes: tuple[set, ...]) -> None:
    if not isinstance(values, list):
        raise ValueError(f"[roles.{role}] {key} must be a list")
    for entry in values:
        if not isinstance(entry, dict) or set(entry) not in shapes or not all(
            isinstance(v, str) and v.strip() for v in entry.values()
        ):
            shown = " or ".join("{ " + ", ".join(f'{k} = "..."' for k in sorted(s)) + " }" for s in shapes)
            raise ValueError(f"[roles.{role}] {key} has {entry!r}: each entry must be {shown}")


def _check_mapping(mapping: dict) -> None:
    unknown = set(mapping) - {"roles", "trust_email"}
    if unknown:
        raise ValueError(f"the role mapping has {', '.join(sorted(unknown))}: only [roles] and trust_email are read")
    trust_email = mapping.get("trust_email", False)
    if not isinstance(trust_email, bool):
        raise ValueError("trust_email must be true or false")
    roles = mapping.get("roles", {})
    if not isinstance(roles, dict):
        raise ValueError("the role mapping needs a [roles] table")
    for role, entry in roles.items():
        if role not in ROLES:  # in English, like every message of the mapping: it goes to the audit log
            raise ValueError(f"{role!r} is not a role: use one of {', '.join(ROLES)}")
        if not isinstance(entry, dict):
            raise ValueError(f"[roles.{role}] must be a table with users, groups or emails")
        for key, values in entry.items():
            if key == "users":
                _check_entries(role, key, values, _PERSON_KEYS)
            elif key == "groups":
                _check_entries(role, key, values, _GROUP_KEYS)
            elif key == "emails":
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise ValueError(f"[roles.{role}] emails must be a list of strings")
                if values and not trust_email:
                    # Refused rather than ignored, so that nobody believes these people have access.
                    raise ValueError(
                        f"[roles.{role}] lists emails, which are read only with trust_email = true: "
                        "set it only for a single-tenant registration, else list users by tid and oid"
                    )
            else:
                raise ValueError(f"[roles.{role}] has {key!r}: only users, groups and emails are read")


def _claim(claims: Mapping, name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def _same(listed: str, claimed: str, guid: bool) -> bool:
    """A listed value against a claimed one: never equal when the claim is missing."""
    listed = listed.strip()
    # Entra's tenant, object and group IDs are GUIDs, the same in any case; iss and sub are exact.
    return bool(claimed) and (listed.casefold() == claimed.casefold() if guid else listed == claimed)


def _is_person(entry: dict, claims: Mapping) -> bool:
    if "tid" in entry:
        return _same(entry["tid"], _claim(claims, "tid"), True) and _same(entry["oid"], _claim(claims, "oid"), True)
    return _same(entry["iss"], _claim(claims, "iss"), False) and _same(entry["sub"], _claim(claims, "sub"), False)


def _in_group(entry: dict, claims: Mapping, group: str) -> bool:
    if "tid" in entry:
        return _same(entry["tid"], _claim(claims, "tid"), True) and _same(entry["id"], group, True)
    return _same(entry["iss"], _claim(claims, "iss"), False) and _same(entry["id"], group, False)


def _email_is_trusted(claims: Mapping, mapping: dict) -> bool:
    return mapping.get("trust_email", False) is True and claims.get("email_verified") is not False


def role_for_oidc_user(claims: Mapping, mapping: dict) -> str | None:
    """The role of a user signed in through OIDC (their ID token's claims), or None: refuse them.

    A person entry (users by tid and oid, or by iss and sub; emails only with trust_email) wins over
    any group; otherwise the most privileged role among the user's groups, each bound to a tenant or
    issuer, applies. The email claim alone never grants a role unless the mapping trusts it.
    """
    _check_mapping(mapping)
    roles = mapping.get("roles", {})
    email = _claim(claims, "email").casefold() if _email_is_trusted(claims, mapping) else ""
    for role in ROLES:
        entry = roles.get(role, {})
        if any(_is_person(e, claims) for e in entry.get("users", [])):
            return role
        if email and email in {e.strip().casefold() for e in entry.get("emails", [])}:
            return role
    groups = claims.get("groups")
    user_groups = [g.strip() for g in groups if isinstance(g, str)] if isinstance(groups, list) else []
    for role in ROLES:
        if any(_in_group(e, claims, g) for e in roles.get(role, {}).get("groups", []) for g in user_groups):
            return role
    return None


def oidc_identity(claims: Mapping) -> str:
    """The stable name of an OIDC user for the audit log: tid and oid for Entra, else iss and sub."""
    if _claim(claims, "tid") and _claim(claims, "oid"):
        return f"tid={_claim(claims, 'tid')} oid={_claim(claims, 'oid')}"
    return f"iss={_claim(claims, 'iss') or '?'} sub={_claim(claims, 'sub') or '?'}"


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
        raise ValueError(_("the session timeout must be from 1 to 1440 minutes, not {minutes}").format(minutes=minutes))
    put_settings(con, {SESSION_TIMEOUT_KEY: str(float(minutes))}, actor,
                 f"session timeout set to {float(minutes):g} minutes", changes_data=False)
