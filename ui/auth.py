"""Sign-in for the app: OIDC through st.login when `[auth]` is configured, local accounts otherwise.

Sign-in is required whenever the app is not in demo mode, or the database holds real data.
The role comes only from the signed-in account (or the OIDC role mapping): never from a widget.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from metrics.admin import access, users
from metrics.store.connection import PROJECT_ROOT
from metrics.store.logs import record
from ui import state

ROLE_MAPPING_FILE = PROJECT_ROOT / "auth.toml"
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


def _oidc_user() -> str | None:
    """The role of the OIDC user, or stop with a sign-in button or a refusal."""
    if not st.user.is_logged_in:
        st.title("MSHT advocate performance")
        st.write("Sign in with your organisation's account to continue.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    mapping = access.load_role_mapping(ROLE_MAPPING_FILE) if ROLE_MAPPING_FILE.exists() else {"roles": {}}
    groups = st.user.get("groups") or []
    role = access.role_for_oidc_user(st.user.get("email"), list(groups), mapping)
    email = st.user.get("email") or "unknown"
    if role is None:
        record(state.con(), email, "sign-in refused", "OIDC user has no role in auth.toml")
        st.error("Your account has no role on this dashboard. Ask the Connect Gwent manager for access.")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    if not st.session_state.get("oidc_audited"):
        record(state.con(), email, "sign-in", f"OIDC as {role}")
        st.session_state["oidc_audited"] = True
    st.session_state["user_name"] = email
    return role


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
            user = users.authenticate(state.con(), name, password)
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
        st.markdown(f"Signed in as **{st.session_state.get('user_name')}** ({role})")
        if oidc_configured():
            st.button("Sign out", on_click=st.logout)
        elif st.button("Sign out", key="sign_out"):
            _sign_out()
            st.rerun()
    return role
