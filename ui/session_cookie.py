"""The browser's copy of a local sign-in: a signed, expiring token in a cookie (metrics.admin.sessions).

Streamlit 1.67 reads the cookies a browser sends when it connects (st.context.cookies), but a
script cannot send a Set-Cookie header, and Streamlit's own identity cookie is set only by st.login
(OIDC). So a tiny component served from the app's own origin (ui/cookie_frontend: a static page
and a script file, which the deployment's Content-Security-Policy allows) writes the cookie that
the server hands it, SameSite=Strict and Secure over https, and clears it at sign-out. The cookie
alone proves nothing: the server checks its signature, its expiry and that its session is live.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from metrics.admin.sessions import COOKIE

_frame = components.declare_component("session_cookie", path=str(Path(__file__).parent / "cookie_frontend"))
KEYS = ("session_cookie_keep", "session_cookie_clear")  # hidden by ui.components' style: the frame shows nothing


def request_token() -> str | None:
    """The session cookie the browser sent when this session connected (None outside a real server)."""
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # AppTest and bare runs have no client to ask
        return None


def keep(token: str, expires: int) -> None:
    """Have the browser hold `token` until `expires` (seconds since the epoch, the token's own expiry).

    The same arguments on every rerun: new ones (a time left that shrinks each second) drew the frame again,
    and its answer cost a second rerun after every click, in which a click on a button was seen lost.
    """
    with st.sidebar:
        _frame(name=COOKIE, token=token, expires=expires, key=KEYS[0], default=None)


def clear() -> None:
    """Have the browser forget the session cookie."""
    with st.sidebar:
        _frame(name=COOKIE, token="", expires=0, key=KEYS[1], default=None)
