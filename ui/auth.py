"""Sign-in for the app: OIDC through st.login when `[auth]` is configured, local accounts otherwise.

Sign-in is required whenever the app is not in demo mode, or the database holds real data.
The role comes only from the signed-in account (or the OIDC role mapping): never from a widget.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path
from typing import NoReturn

import streamlit as st

from metrics.admin import access, users
from metrics.safe_text import markdown as md
from metrics.store.connection import PROJECT_ROOT
from metrics.store.logs import record
from ui import state

ROLE_MAPPING_FILE = PROJECT_ROOT / "auth.toml"  # unless $DASHBOARD_AUTH_FILE names another
_SESSION_KEYS = ("signed_in_role", "user_name", "last_activity", "oidc_audited")


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def sign_in_required() -> bool:
    _, is_demo = state.database()
    return not is_demo or state.ask(users.has_real_data)


def _sign_out(reason: str = "signed out") -> None:
    name = st.session_state.get("user_name")
    if name:
        record(state.con(), name, "sign-out", reason)
    for key in _SESSION_KEYS:
        st.session_state.pop(key, None)


def _expired_session() -> bool:
    now = dt.datetime.now()
    last = st.session_state.get("last_activity")
    if last is not None and access.expired(last, now, state.ask(access.session_timeout)):
        _sign_out("session expired after inactivity")
        st.info("Your session ended after a period without activity. Please sign in again.")
        return True
    st.session_state["last_activity"] = now
    return False


def role_mapping_file() -> Path:
    """$DASHBOARD_AUTH_FILE, else auth.toml beside the code."""
    return Path(os.environ.get("DASHBOARD_AUTH_FILE") or ROLE_MAPPING_FILE)


# The last activity of each OIDC sign-in, kept by the server: Streamlit's identity cookie lasts 30 days
# and a reloaded tab is a new session, so a timestamp in session state alone would let a reload revive
# an idle sign-in. A sign-in is its ID token (issuer, subject, issued at); one this server has not seen
# (a restart) counts from when it was issued.
_activity_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _sign_in_activity() -> dict:
    return {}


def _oidc_expired(claims: dict) -> bool:
    """Whether this OIDC sign-in has been idle past the timeout; else record activity now."""
    now = dt.datetime.now()
    timeout = state.ask(access.session_timeout)
    issued = claims.get("iat")
    signed_in_at = dt.datetime.fromtimestamp(issued) if isinstance(issued, int | float) else now
    key = (claims.get("iss"), claims.get("sub"), issued)
    with _activity_lock:
        activity = _sign_in_activity()
        if access.expired(activity.get(key, signed_in_at), now, timeout):
            return True
        activity[key] = now
        for other in [k for k, last in activity.items() if access.expired(last, now, timeout)]:
            del activity[other]  # such a sign-in counts from its issue time, which is older still
    return False


def _oidc_sign_in_screen() -> NoReturn:
    st.title("MSHT advocate performance")
    st.write("Sign in with your organisation's account to continue.")
    st.button("Sign in", on_click=st.login, type="primary")
    st.stop()


def _oidc_refused(actor: str, detail: str, message: str) -> NoReturn:
    record(state.con(), actor, "sign-in refused", detail)
    st.error(message)
    st.button("Sign out", on_click=st.logout)
    st.stop()


def _oidc_user() -> str | None:
    """The role of the OIDC user, or stop with a sign-in button or a refusal."""
    if not st.user.is_logged_in:
        _oidc_sign_in_screen()
    claims = st.user.to_dict()
    # The email claim is only a label here: it names nobody reliably (see auth.example.toml).
    email = claims.get("email") or claims.get("name") or "unknown"
    identity = access.oidc_identity(claims)
    if _oidc_expired(claims):
        record(state.con(), email, "sign-out", f"OIDC session of {identity} expired after inactivity")
        for key in _SESSION_KEYS:
            st.session_state.pop(key, None)
        st.logout()
        st.info("Your session ended after a period without activity. Please sign in again.")
        _oidc_sign_in_screen()
    try:
        mapping = access.load_role_mapping(role_mapping_file()) if role_mapping_file().exists() else {"roles": {}}
        role = access.role_for_oidc_user(claims, mapping)
    except (OSError, ValueError) as exc:  # tomllib's errors are ValueErrors
        _oidc_refused(email, f"{identity}: the role mapping {role_mapping_file().name} is invalid: {exc}",
                      "Sign-in is not set up correctly, so no role can be given. Ask the Connect Gwent manager.")
    if role is None:
        _oidc_refused(email, f"OIDC user {identity} has no role in {role_mapping_file().name}",
                      "Your account has no role on this dashboard. Ask the Connect Gwent manager for access.")
    if not st.session_state.get("oidc_audited"):
        record(state.con(), email, "sign-in", f"OIDC as {role} ({identity})")
        st.session_state["oidc_audited"] = True
    st.session_state["user_name"] = email
    return role


def client_address() -> str | None:
    """The client's address, that failed sign-ins are counted against (None: this machine).

    Behind the reverse proxy every request comes from the proxy: when it comes from an address in
    $DASHBOARD_TRUSTED_PROXY, the client is the last address the proxy added to X-Forwarded-For.
    """
    peer = st.context.ip_address or "127.0.0.1"  # Streamlit gives None for loopback
    trusted = {a.strip() for a in os.environ.get("DASHBOARD_TRUSTED_PROXY", "").split(",") if a.strip()}
    if peer in trusted or (peer == "127.0.0.1" and trusted & {"127.0.0.1", "::1", "localhost"}):
        forwarded = [a.strip() for a in (st.context.headers.get("X-Forwarded-For") or "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return None if peer == "127.0.0.1" else peer


def _local_sign_in_form() -> None:
    st.title("MSHT advocate performance")
    if not users.list_users(state.con()):
        st.warning("No accounts exist yet. An administrator creates the first with "
                   "`python -m metrics users add NAME --role manager`.")
    with st.form("sign_in"):
        name = st.text_input("Name")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            user = users.authenticate(state.con(), name, password, client_address())
        except users.SignInFailed as exc:
            st.error(str(exc))
        else:
            st.session_state["signed_in_role"] = user["role"]
            st.session_state["user_name"] = user["name"]
            st.session_state["last_activity"] = dt.datetime.now()
            st.rerun()
    st.stop()


def signed_in_role() -> str | None:
    """The signed-in user's role; draws the sign-in screen and stops the run when there is none.

    Returns None in demo mode, where the sidebar's role picker applies.
    """
    if oidc_configured():
        role = _oidc_user()
        st.session_state["signed_in_role"] = role
    elif not sign_in_required():
        return None
    elif not st.session_state.get("signed_in_role") or _expired_session():
        _local_sign_in_form()
    role = st.session_state["signed_in_role"]
    with st.sidebar:
        st.markdown(f"Signed in as **{md(st.session_state.get('user_name'))}** ({role})")
        if oidc_configured():
            st.button("Sign out", on_click=st.logout)
        elif st.button("Sign out", key="sign_out"):
            _sign_out()
            st.rerun()
    return role
