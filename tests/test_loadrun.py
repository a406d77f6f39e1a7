"""The load run's smallest piece works: one simulated user signs in to a real `streamlit run` over the
websocket protocol and clicks two pages, and the floor app answers the same client. Structure, not
timings (benchmarks/loadrun.py reports those)."""

from __future__ import annotations

import json

import pytest

from benchmarks import loadrun
from ui.navigation import PAGE_FILES

PAGES = ["Summary", "Trends"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("loadrun")


def test_one_user_signs_in_and_clicks_two_pages(folder):
    level = loadrun.run_level("dashboard", 1, 2.0, folder, loadrun.sample_database(folder), pages=PAGES)
    assert level.errors == []
    assert [run.page for run in level.sign_ins] == ["(sign-in)"]
    assert [(run.page, run.title) for run in level.first_visits] == [(page, page) for page in PAGES]
    assert level.clicks, "the user clicked nothing in two seconds"
    assert {(run.page, run.title) for run in level.clicks} <= {(page, page) for page in PAGES}
    assert all(run.server_s > 0 and run.deltas > 0 for run in level.sign_ins + level.first_visits + level.clicks)

    figures = json.loads(json.dumps(loadrun.summary(level)))  # the report is plain JSON
    assert figures["errors"] == 0
    assert figures["overall"]["clicks"] == len(level.clicks)
    assert sum(page["clicks"] for page in figures["pages"].values()) == len(level.clicks)
    assert set(figures["pages"]) <= set(PAGES)
    assert list(figures["first_visits_ms"]) == PAGES
    assert figures["sign_in_ms"]["clicks"] == 1
    assert figures["server"]["peak_rss_mb"] > 0


def test_the_floor_app_draws_its_ten_pages_without_sign_in(folder):
    level = loadrun.run_level("floor", 1, 1.0, folder)
    assert level.errors == []
    assert [(run.page, run.title) for run in level.sign_ins] == [("(first page)", "Summary")]
    assert [(run.page, run.title) for run in level.first_visits] == [(title, title) for title in PAGE_FILES]


def test_two_processes_share_the_users_and_the_database(folder):
    level = loadrun.run_level("dashboard", 2, 1.0, folder, loadrun.sample_database(folder), pages=PAGES[:1],
                              processes=2)
    assert level.errors == []
    assert [run.page for run in level.sign_ins] == ["(sign-in)", "(sign-in)"]
    assert [run.page for run in level.first_visits] == PAGES[:1] * 2  # each process's caches filled once
    assert level.server["processes"] == 2 and level.server["peak_rss_mb"] > 0


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([10, 20, 30, 40], 50, 25),
        ([40, 10, 30, 20], 95, 38.5),  # rank 3 x 0.95 = 2.85: 30 + 0.85 x (40 - 30)
        ([7], 95, 7),
        ([], 50, None),
    ],
)
def test_percentile_interpolates_between_ranks(values, q, expected):
    assert loadrun.percentile(values, q) == expected
