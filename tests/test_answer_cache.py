"""ui.state.ask: answers cached per (function, arguments, data version, language), the version file read once
a rerun (issue 15: it was read on every cached call), and keys written out from plain arguments."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from metrics.periods import Period
from metrics.store import version
from ui import state


@pytest.fixture
def counted(empty_db, monkeypatch):
    """(version reads, answers computed), on a fresh cache over the empty database."""
    monkeypatch.setenv("DASHBOARD_DB", str(empty_db))
    reads, computed = [], []
    read = version.data_version
    monkeypatch.setattr(version, "data_version", lambda path: reads.append(path) or read(path))
    st.cache_data.clear()
    state.release()
    yield reads, computed
    state.release()
    st.cache_data.clear()


def doubled(con, n, period=None):
    doubled.computed.append(n)
    return n * 2


def test_the_version_is_read_once_a_rerun_and_again_after_this_process_changes_the_data(counted, empty_db):
    reads, computed = counted
    doubled.computed = computed
    assert [state.ask(doubled, 1), state.ask(doubled, 2), state.ask(doubled, 1)] == [2, 4, 2]
    assert (len(reads), computed) == (1, [1, 2])
    version.bump(empty_db)  # a write of this rerun (an upload, a setting): its own next answers are new
    assert state.ask(doubled, 1) == 2
    assert (len(reads), computed) == (2, [1, 2, 1])
    # Another program's change is seen from the next rerun (shell.route releases the rerun's hold at its end).
    version._file(empty_db).write_text("changed elsewhere\n", encoding="ascii")
    assert state.ask(doubled, 1) == 2 and computed == [1, 2, 1]
    state.release()
    assert state.ask(doubled, 1) == 2
    assert (len(reads), computed) == (3, [1, 2, 1, 1])


def test_equal_arguments_share_an_answer_and_different_ones_never_do(counted):
    _, computed = counted
    doubled.computed = computed
    whole = Period("2018-06", "2019-06")
    state.ask(doubled, 1, period=whole)
    state.ask(doubled, 1, period=Period("2018-06", "2019-06"))
    state.ask(doubled, 1, period=Period("2018-06", "2019-05"))
    state.ask(doubled, 1.0, period=whole)
    assert computed == [1, 1, 1.0]
    assert state._key(("a,b",)) != state._key(("a", "b"))
    assert len({state._key(value) for value in (1, "1", True, 1.0, None, "None", (1,))}) == 7


def test_an_answer_may_not_be_asked_with_a_frame_or_another_mutable_argument(counted):
    for argument in (pd.DataFrame({"n": [1]}), [1], {"n": 1}):
        with pytest.raises(TypeError, match="plain values"):
            state.ask(doubled, argument)


def test_on_every_page_a_frame_key_always_stands_for_the_same_contents(demo_env, monkeypatch):
    """Charts and tables are keyed by the key their frame was made under, not by reading it (`_remember`): right
    only while no page changes an answer in place. Every page, as the manager and as the partnership, twice:
    a key never stands for two contents, and a warm Trends run reads no frame at all."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from ui.navigation import PAGE_FILES

    contents_of, read = {}, []
    frame_key, content_key = state._frame_key, state._content_key

    def checked(frame):
        key, contents = frame_key(frame), content_key(frame)
        assert contents_of.setdefault(key, contents) == contents, f"{key} stands for two different frames"
        return key

    def reading(frame):
        read.append(frame.shape)
        return content_key(frame)

    monkeypatch.setattr(state, "_frame_key", checked)
    monkeypatch.setattr(state, "_content_key", reading)
    st.cache_data.clear()
    for role, pages in (("manager", PAGE_FILES), ("partnership", ("Summary", "Trends", "Demand and value"))):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        at.session_state["kept_role"] = role
        at.run()
        for title in pages:
            for _ in range(2):
                at.switch_page(PAGE_FILES[title]).run()
                assert not at.exception, (role, title, at.exception)
    made_under_a_key = [key for key, contents in contents_of.items() if key != contents]
    assert len(contents_of) >= 15 and len(made_under_a_key) >= 10  # the charts and tables of four pages
    read.clear()
    at.switch_page(PAGE_FILES["Trends"]).run()
    assert not at.exception and read == []
