"""The app's side of the data: which database, one connection, a cursor per thread, cached figures.

Figures are cached per (function, arguments, data version); the data version changes with every
upload, rollback and settings change (each writes the audit log), so caches clear themselves.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import streamlit as st

from metrics import db
from metrics.periods import Period

_local = threading.local()


def database() -> tuple[Path, bool]:
    """(path, is_demo): the real database if it exists, else the demo built from the sample data."""
    real = db.database_path()
    if real.exists():
        return real, False
    return db.build_sample_database(db.sample_database_path()), True


@st.cache_resource(show_spinner="Opening the database…")
def _connection(path: str):
    return db.connect(path)


def cursor():
    """A DuckDB cursor for this thread on the current database (DuckDB refuses shared use)."""
    path, _ = database()
    key = str(path)
    cursors = getattr(_local, "cursors", None)
    if cursors is None:
        cursors = _local.cursors = {}
    if key not in cursors:
        cursors[key] = _connection(key).cursor()
    return cursors[key]


def reset_connections() -> None:
    """Forget cursors and connections, e.g. after the first real upload creates the real database."""
    _local.cursors = {}
    _connection.clear()
    st.cache_data.clear()


def data_version() -> tuple:
    from metrics.store import data_version as stored_version

    return (str(database()[0]), stored_version(cursor()))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(version: tuple, module: str, function: str, args: tuple, kwargs: tuple):
    import importlib

    func = getattr(importlib.import_module(f"metrics.{module}"), function)
    return func(cursor(), *args, **dict(kwargs))


def ask(module: str, function: str, *args, **kwargs):
    """Call metrics.<module>.<function>(cursor, *args, **kwargs), cached until the data changes."""
    return _cached(data_version(), module, function, args, tuple(sorted(kwargs.items())))


def role() -> str | None:
    """The signed-in user's role; in demo mode, the role picked in the sidebar."""
    return st.session_state.get("signed_in_role") or st.session_state.get("kept_role")


def audience() -> str:
    from metrics.access import audience_for

    return audience_for(role())


def user_name() -> str:
    return st.session_state.get("user_name") or f"demo {role()}"


def period() -> Period | None:
    return st.session_state.get("period")


def service() -> str | None:
    """The service chosen in the sidebar (the only one when there is one), None before any upload."""
    return st.session_state.get("service")


@contextlib.contextmanager
def writing():
    """Around a write: another write holding the database becomes a 'try again' message, not a trace."""
    try:
        yield
    except db.DatabaseBusy as exc:
        st.warning(f"Nothing was changed: {exc}", icon="⏳")
        st.stop()
