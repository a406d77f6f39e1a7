"""The app's side of the data: which database, a connection held only while a rerun uses it, cached answers.

Answers are cached per (function, arguments, data version). The data version is read from the small
file beside the database (metrics.store.version), so a rerun whose answers are all cached never opens
the database; one that needs a query opens it on first use (metrics.store.connection.shared) and lets
it go when the rerun ends (shell.route calls `release`), so that the command line can use it between.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from metrics import i18n
from metrics.admin import setup
from metrics.periods import Period
from metrics.store import connection, version
from metrics.store.logs import record

_local = threading.local()  # this rerun's hold on the database


def database() -> tuple[Path, bool]:
    """(path, is_demo): the real database if it exists, else the demo built from the sample data."""
    real = connection.database_path()
    if real.exists():
        return real, False
    return setup.build_sample_database(connection.sample_database_path()), True


@st.cache_resource(show_spinner=False)
def _prepared(path: str) -> bool:
    """Migrate a database once per process (the schema check is a query, not worth one per rerun)."""
    with connection.shared(path) as con:
        setup.prepare(con)
    return True


def con():
    """A cursor on the current database for this rerun, opened on first use and released by `release`."""
    path, _ = database()
    held = getattr(_local, "held", None)
    if held is None or held[0] != path:
        _let_go()
        _prepared(str(path))
        stack = contextlib.ExitStack()
        cursor = stack.enter_context(connection.shared(path))
        _local.held = (path, stack, cursor)
    return _local.held[2]


def release() -> None:
    """Let this rerun's hold on the database go (the connection closes when no rerun holds it), and forget the
    data version it read."""
    _local.version = _local.origins = None
    _let_go()


def _let_go() -> None:
    held = getattr(_local, "held", None)
    _local.held = None
    if held is not None:
        held[1].close()


@contextlib.contextmanager
def using():
    """A cursor for work outside a rerun (a download button's data is made after the page has run)."""
    try:
        yield con()
    finally:
        release()


def later(function, *args):
    """A callable giving function(cursor, *args) when called, e.g. by a download button after the run (in
    the language of the run that offered it: the click is served outside any run)."""
    language = i18n.language()

    def run():
        with i18n.use(language), using() as cursor:
            return function(cursor, *args)

    return run


def audited(what: str, make):
    """Data for a download button: make() when the button is clicked, audited under the user who was shown it.

    The click is served after the page has run, where nobody is signed in: the user is taken now.
    """
    user, language = user_name(), i18n.language()

    def run():
        with i18n.use(language):
            data = make()
        with using() as cursor:
            record(cursor, user, "download", what)
        return data

    return run


def data_version() -> tuple[str, str, str]:
    """What a cached answer depends on besides its arguments: the database, its data version, and the
    language its text is in. The version file is read once a rerun (and again after a write of this process:
    version.bumps); another program's change is seen from the next rerun."""
    path, _ = database()
    seen, bumps = getattr(_local, "version", None), version.bumps()
    if seen is None or seen[:2] != (path, bumps):
        seen = _local.version = (path, bumps, version.data_version(path))
    return str(path), seen[2], i18n.language()


# What an answer's arguments may be: values whose repr is their content, tuples and frozen dataclasses of
# them (a period, a contract sheet), so that the key is written out directly (Streamlit's own hashing of the
# arguments, with a signature inspection per argument, cost more than reading most answers back).
_PLAIN = (str, int, float, bool, type(None), dt.date)


def _key(value) -> str:
    if isinstance(value, tuple):
        return "(" + ",".join(_key(item) for item in value) + ")"
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and value.__dataclass_params__.frozen:
        return type(value).__qualname__ + _key(tuple(getattr(value, f.name) for f in dataclasses.fields(value)))
    if not isinstance(value, _PLAIN):
        raise TypeError(f"an answer's arguments are plain values, not {type(value).__name__}")
    return repr(value)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(key: str, _call: tuple):
    function, args, kwargs = _call
    return _functions[function](con(), *args, **dict(kwargs))


_functions: dict[str, object] = {}  # by name: a cached call is keyed by names, never by function objects


def _registered(function) -> str:
    """The name `function` is called by from a cache."""
    name = f"{function.__module__}.{function.__qualname__}"
    _functions[name] = function
    return name


def ask(function, *args, **kwargs):
    """function(cursor, *args, **kwargs), cached until the data changes; `function` is a metrics function
    and its arguments plain values (strings, numbers, dates, periods, tuples of them)."""
    call = (_registered(function), args, tuple(sorted(kwargs.items())))
    key = _key((*data_version(), *call))
    return _remember(_cached(key, call), key)


def _remember(made, key: str):
    """Note which key a frame of this rerun was made under, so that what is made from it (a chart, a table) is
    keyed without reading the frame: its contents as Arrow took 1 ms a frame (a warm Trends click 125 -> 92 ms).
    Pages never change an answer in place (they make new frames); tests/test_answer_cache.py checks that
    a key always stands for the same contents on every page."""
    if isinstance(made, pd.DataFrame):
        if getattr(_local, "origins", None) is None:
            _local.origins = {}
        _local.origins[id(made)] = (made, key)  # the frame itself is held, so its id is not reused this rerun
    return made


def _frame_key(frame) -> str:
    """A frame's cache key: the key it was made under this rerun (`_remember`), else its contents."""
    origin = (getattr(_local, "origins", None) or {}).get(id(frame))
    return origin[1] if origin is not None and origin[0] is frame else _content_key(frame)


def _content_key(frame) -> str:
    """A frame's contents as Arrow, hashed: Streamlit's own hashing of a frame of text columns took 38 ms a
    frame (a pickle is quicker still, but not the same for equal frames made by different steps)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha1(sink.getvalue()).hexdigest()


def _made_key(name: str, frame, args: tuple, kwargs: dict) -> str:
    """The key of something made from a frame: what makes it, the frame's contents, the arguments, the language."""
    return _key((name, _frame_key(frame), args, tuple(sorted(kwargs.items())), i18n.language()))


@st.cache_data(show_spinner=False, max_entries=512)  # the tables and the charts of every page
def _derived(key: str, _function: str, _frame, _args: tuple, _kwargs: dict):
    return _functions[_function](_frame, *_args, **_kwargs)


def derived(function, frame, *args, **kwargs):
    """function(frame, *args, **kwargs), a pure function of an answer (a table as shown), made once per frame."""
    name = _registered(function)
    key = _made_key(name, frame, args, kwargs)
    return _remember(_derived(key, name, frame, args, kwargs), key)


def _vega_lite(frame, build: str, *args, **kwargs) -> dict:
    from metrics.charts import unchecked, vega_lite  # Altair: imported by the first page with a chart

    unchecked()
    return vega_lite(_functions[build](frame, *args, **kwargs))


def chart(build, frame, *args, **kwargs) -> dict:
    """build(frame, *args, **kwargs) as a Vega-Lite dict for st.vega_lite_chart, built once per chart, frame
    (an answer of `ask`: its data version and filters) and arguments."""
    return derived(_vega_lite, frame, _registered(build), *args, **kwargs)


def reset() -> None:
    """Forget every cached answer (the database itself changed, e.g. the first real one was created)."""
    release()
    st.cache_data.clear()
    _prepared.clear()


def role() -> str | None:
    """The signed-in user's role; in demo mode, the role picked in the sidebar."""
    return st.session_state.get("signed_in_role") or st.session_state.get("kept_role")


def audience() -> str:
    from metrics.admin.access import audience_for

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
    """Around a write: the database busy (another write, another program) is a 'try again' message."""
    try:
        yield
    except connection.DatabaseBusy as exc:
        st.warning(i18n._("Nothing was changed: {problem}").format(problem=exc), icon=":material/hourglass_top:")
        st.stop()
