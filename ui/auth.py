"""Sign-in for the app: OIDC through st.login when `[auth]` is configured, local accounts otherwise.

Sign-in is required whenever the app is not in demo mode, or the database holds real data.
The role comes only from the signed-in account (or the OIDC role mapping): never from a widget.
A sign-in survives a page reload: OIDC through Streamlit's own identity cookie, a local account
through a signed, expiring token in a cookie (ui.session_cookie) that names a session this server
process holds live; sign-out and the inactivity timeout end that session on the server.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import streamlit as st

from metrics.admin import access, sessions, users
from metrics.i18n import N_, _
from metrics.safe_text import markdown as md
from metrics.store.connection import PROJECT_ROOT
from metrics.store.logs import record
from ui import session_cookie, state

ROLE_MAPPING_FILE = PROJECT_ROOT / "auth.toml"  # unless $DASHBOARD_AUTH_FILE names another
_SESSION_KEYS = ("signed_in_role", "user_name", "last_activity", "oidc_audited", "session_id", "session_token")
SIGN_IN_TITLE = N_("Sign in · MSHT advocate performance")  # marked N_, translated where shown
SIGNED_OUT_IDLE = N_("Your session ended after a period without activity. Please sign in again.")
APP_TITLE = N_("MSHT advocate performance")


class NotSignedIn(Exception):  # noqa: N818 (a state of the run, not an error)
    """Raised by signed_in_role() when this run can only show a sign-in (or refusal) screen: `screen` draws it.

    The router runs the screen as the only, hidden page of st.navigation, so that no run without a sign-in
    leaves Streamlit to offer its own menu of the page files.
    """

    def __init__(self, screen: Callable[[], None]):
        super().__init__("not signed in")
        self.screen = screen


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def sign_in_required() -> bool:
    _, is_demo = state.database()
    return not is_demo or state.ask(users.has_real_data)


# The live local sign-ins of this server process and the secret their tokens are signed with. Both are
# in memory only: a restart signs everyone out, and no secret is kept on disk to be copied.
_activity_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _local_sessions() -> dict:
    return {"secret": sessions.new_secret(), "live": {}}  # live: {session ID: {"user", "last"}}


def begin_session(name: str, role: str) -> None:
    """Signed in: a live session on the server, and its token for the browser's cookie."""
    now = dt.datetime.now()
    timeout = state.ask(access.session_timeout)
    session_id = sessions.new_session_id()
    store = _local_sessions()
    with _activity_lock:
        for idle in [k for k, live in store["live"].items() if access.expired(live["last"], now, timeout)]:
            del store["live"][idle]  # ended by the timeout: nothing can revive it, so forget it
        store["live"][session_id] = {"user": name, "last": now}
    st.session_state.update(signed_in_role=role, user_name=name, last_activity=now, session_id=session_id,
                            session_token=sessions.issue(store["secret"], session_id, name, now))
    st.session_state.pop("clear_cookie", None)


def _resume() -> bool:
    """A reloaded or new tab: restore the sign-in its cookie names, if the token is good and the session live."""
    token = session_cookie.request_token()
    if not token:
        return False
    store = _local_sessions()
    claims = sessions.verify(store["secret"], token, dt.datetime.now())
    with _activity_lock:
        live = store["live"].get(claims["sid"]) if claims else None
    if live is None or live["user"] != claims["user"]:
        return False
    user = users.get_user(state.con(), claims["user"])  # the role as it is now; an account removed ends it
    if user is None:
        return False
    st.session_state.update(signed_in_role=user["role"], user_name=user["name"], last_activity=live["last"],
                            session_id=claims["sid"], session_token=token)
    return True


def _sign_out(reason: str = "signed out") -> None:
    name = st.session_state.get("user_name")
    if name:
        record(state.con(), name, "sign-out", reason)
    with _activity_lock:
        _local_sessions()["live"].pop(st.session_state.get("session_id"), None)
    _forget()


def _forget() -> None:
    for key in _SESSION_KEYS:
        st.session_state.pop(key, None)
    st.session_state["clear_cookie"] = True


def _expired_session() -> bool:
    """Whether this local sign-in has ended: idle past the timeout, past its token's lifetime, or signed out
    in another tab; else record activity now, for every tab of the sign-in."""
    now = dt.datetime.now()
    timeout = state.ask(access.session_timeout)
    store = _local_sessions()
    token_good = sessions.verify(store["secret"], st.session_state.get("session_token"), now) is not None
    with _activity_lock:
        live = store["live"].get(st.session_state.get("session_id"))
        idle = live is None or access.expired(live["last"], now, timeout)
        if not idle and token_good:
            live["last"] = st.session_state["last_activity"] = now
            return False
    if live is None:  # signed out in another tab (which recorded it), or never a session of this server
        _forget()
        return True
    _sign_out("session expired after inactivity" if idle else "session reached its time limit")
    st.info(_(SIGNED_OUT_IDLE) if idle else _("Your session reached its time limit. Please sign in again."))
    return True


def role_mapping_file() -> Path:
    """$DASHBOARD_AUTH_FILE, else auth.toml beside the code."""
    return Path(os.environ.get("DASHBOARD_AUTH_FILE") or ROLE_MAPPING_FILE)


# The last activity of each OIDC sign-in, kept by the server: Streamlit's identity cookie lasts 30 days
# and a reloaded tab is a new session, so a timestamp in session state alone would let a reload revive
# an idle sign-in. A sign-in is its ID token (issuer, subject, issued at); one this server has not seen
# (a restart) counts from when it was issued.

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
    st.set_page_config(page_title=_(SIGN_IN_TITLE))
    st.title(_(APP_TITLE))
    st.write(_("Sign in with your organisation's account to continue."))
    st.button(_("Sign in"), on_click=st.login, type="primary")
    st.stop()


def _oidc_signed_out_idle() -> NoReturn:
    st.info(_(SIGNED_OUT_IDLE))
    _oidc_sign_in_screen()


def _refuse(actor: str, detail: str, message: str) -> NoReturn:
    record(state.con(), actor, "sign-in refused", detail)

    def refusal() -> NoReturn:
        st.set_page_config(page_title=_(SIGN_IN_TITLE))
        st.error(message)
        st.button(_("Sign out"), on_click=st.logout)
        st.stop()
    raise NotSignedIn(refusal)


def _oidc_user() -> str | None:
    """The role of the OIDC user, or stop with a sign-in button or a refusal."""
    if not st.user.is_logged_in:
        raise NotSignedIn(_oidc_sign_in_screen)
    claims = st.user.to_dict()
    # The email claim is only a label here: it names nobody reliably (see auth.example.toml).
    email = claims.get("email") or claims.get("name") or "unknown"
    identity = access.oidc_identity(claims)
    if _oidc_expired(claims):
        record(state.con(), email, "sign-out", f"OIDC session of {identity} expired after inactivity")
        for key in _SESSION_KEYS:
            st.session_state.pop(key, None)
        st.logout()
        raise NotSignedIn(_oidc_signed_out_idle)
    try:
        mapping = access.load_role_mapping(role_mapping_file()) if role_mapping_file().exists() else {"roles": {}}
        role = access.role_for_oidc_user(claims, mapping)
    except (OSError, ValueError) as exc:  # tomllib's errors are ValueErrors
        _refuse(email, f"{identity}: the role mapping {role_mapping_file().name} is invalid: {exc}",
                _("Sign-in is not set up correctly, so no role can be given. Ask the Connect Gwent manager."))
    if role is None:
        _refuse(email, f"OIDC user {identity} has no role in {role_mapping_file().name}",
                _("Your account has no role on this dashboard. Ask the Connect Gwent manager for access."))
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


def _local_sign_in_form() -> NoReturn:
    st.set_page_config(page_title=_(SIGN_IN_TITLE))
    if st.session_state.get("clear_cookie") or session_cookie.request_token():
        session_cookie.clear()  # signed out, expired, or a token from before a restart: the browser forgets it
    st.title(_(APP_TITLE))
    if not users.list_users(state.con()):
        st.warning(_("No accounts exist yet. An administrator creates the first with "
                     "`python -m metrics users add NAME --role manager`."))
    with st.form("sign_in"):
        # A password manager fills these in (WCAG 3.3.8: no need to remember or retype a password).
        name = st.text_input(_("Name"), autocomplete="username")
        password = st.text_input(_("Password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        try:
            user = users.authenticate(state.con(), name, password, client_address())
        except users.SignInFailed as exc:
            st.error(str(exc))
        else:
            begin_session(user["name"], user["role"])
            st.rerun()
    st.stop()


def signed_in_role() -> str | None:
    """The signed-in user's role; NotSignedIn (with the screen to draw) when there is none.

    Returns None in demo mode, where the sidebar's role picker applies.
    """
    oidc = oidc_configured()  # once a run: without a secrets file Streamlit looks for one at every question
    if oidc:
        role = _oidc_user()
        st.session_state["signed_in_role"] = role
    elif not sign_in_required():
        return None
    elif not (st.session_state.get("session_id") or _resume()) or _expired_session():
        raise NotSignedIn(_local_sign_in_form)
    role = st.session_state["signed_in_role"]
    with st.sidebar:
        st.markdown(_("Signed in as **{name}** ({role})").format(
            name=md(st.session_state.get("user_name")), role=md(access.role_label(role))))
        if oidc:
            st.button(_("Sign out"), on_click=st.logout)
        elif st.button(_("Sign out"), key="sign_out"):
            _sign_out()
            st.rerun()
    if not oidc:
        claims = sessions.verify(_local_sessions()["secret"], st.session_state["session_token"], dt.datetime.now())
        session_cookie.keep(st.session_state["session_token"], int(claims["exp"]))
    return role
