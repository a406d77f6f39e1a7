"""Role rules, OIDC role mapping and session expiry (metrics/access.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from metrics.admin import access, setup
from metrics.store import logs

ROOT = Path(__file__).resolve().parent.parent

EVERY_PAGE = (
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

MAPPING = {
    "roles": {
        "manager": {"emails": ["Manager@Example.org"], "groups": ["Managers"]},
        "commissioner": {"emails": [], "groups": ["PCC Office"]},
        "partnership": {"emails": ["chair@example.org"], "groups": ["Anti-Slavery Group"]},
    }
}


def test_the_role_table_is_exactly_as_agreed():
    assert access.ALL_PAGES == EVERY_PAGE
    assert access.PAGES == {
        "manager": EVERY_PAGE,
        "commissioner": (
            "Summary",
            "Advocate KPIs",
            "Referral growth",
            "Spend vs budget",
            "Trends",
            "Demand and value",
            "Data quality",
        ),
        "partnership": ("Summary", "Trends", "Demand and value"),
    }


def test_allowed_for_every_role_and_page():
    seen = {role: [page for page in EVERY_PAGE if access.allowed(role, page)] for role in access.ROLES}
    assert seen == {
        "manager": list(EVERY_PAGE),
        "commissioner": list(EVERY_PAGE[:7]),
        "partnership": ["Summary", "Trends", "Demand and value"],
    }
    assert [page for page in EVERY_PAGE if access.allowed(None, page)] == []
    assert [page for page in EVERY_PAGE if access.allowed("admin", page)] == []


@pytest.mark.parametrize(
    "role, page",
    [
        ("partnership", "Advocate KPIs"),
        ("partnership", "Referral growth"),
        ("partnership", "Spend vs budget"),
        ("partnership", "Data quality"),
        ("partnership", "Upload returns"),
        ("partnership", "Settings"),
        ("commissioner", "Upload returns"),
        ("commissioner", "Settings"),
        (None, "Summary"),
    ],
)
def test_require_refuses_a_forbidden_page(role, page):
    with pytest.raises(PermissionError, match=page):
        access.require(role, page)


def test_require_lets_an_allowed_page_through():
    assert access.require("partnership", "Trends") is None
    assert access.require("manager", "Settings") is None


def test_a_misspelt_page_is_an_error_not_a_silent_refusal():
    with pytest.raises(ValueError, match="'Setings' is not a page"):
        access.allowed("manager", "Setings")


def test_audience_for_each_role():
    assert [access.audience_for(role) for role in ("manager", "commissioner", "partnership")] == [
        "internal",
        "internal",
        "partnership",
    ]
    with pytest.raises(ValueError, match="'guest' is not a role"):
        access.audience_for("guest")


def test_oidc_role_by_email_ignores_case():
    assert access.role_for_oidc_user("manager@example.ORG", [], MAPPING) == "manager"
    assert access.role_for_oidc_user(" Chair@Example.org ", None, MAPPING) == "partnership"


def test_oidc_role_by_group():
    assert access.role_for_oidc_user("someone@pcc.example.org", ["Finance", "PCC Office"], MAPPING) == "commissioner"
    assert access.role_for_oidc_user(None, ["anti-slavery group"], MAPPING) == "partnership"


def test_oidc_email_entry_wins_over_groups():
    assert access.role_for_oidc_user("chair@example.org", ["Managers"], MAPPING) == "partnership"


def test_oidc_most_privileged_group_wins():
    groups = ["Anti-Slavery Group", "PCC Office", "Managers"]
    assert access.role_for_oidc_user("someone@example.org", groups, MAPPING) == "manager"


def test_oidc_unknown_user_gets_no_role():
    assert access.role_for_oidc_user("stranger@example.org", ["Everyone"], MAPPING) is None
    assert access.role_for_oidc_user(None, None, MAPPING) is None
    assert access.role_for_oidc_user("", [], {}) is None


@pytest.mark.parametrize(
    "mapping, message",
    [
        ({"roles": {"manger": {"emails": ["a@b"]}}}, "'manger' is not a role"),
        ({"roles": {"manager": {"email": ["a@b"]}}}, "only emails and groups"),
        ({"roles": {"manager": {"emails": "a@b"}}}, "must be a list of strings"),
        ({"roles": {"manager": "a@b"}}, "must be a table"),
    ],
)
def test_a_mistake_in_the_mapping_is_an_error(mapping, message):
    with pytest.raises(ValueError, match=message):
        access.role_for_oidc_user("a@b", [], mapping)


def test_the_example_mapping_file_loads():
    mapping = access.load_role_mapping(ROOT / "auth.example.toml")
    assert mapping == {
        "roles": {
            "manager": {"emails": ["connect.gwent.manager@example.org"], "groups": ["MSHT Dashboard Managers"]},
            "commissioner": {
                "emails": [],
                "groups": ["PCC Office Performance", "00000000-0000-0000-0000-000000000001"],
            },
            "partnership": {"emails": ["anti-slavery.chair@example.org"], "groups": ["Gwent Anti-Slavery Group"]},
        }
    }
    assert access.role_for_oidc_user("nobody@example.org", ["Gwent Anti-Slavery Group"], mapping) == "partnership"


def test_expired_at_exactly_the_timeout():
    start = dt.datetime(2019, 3, 4, 9, 0)
    thirty = dt.timedelta(minutes=30)
    assert access.expired(start, start + dt.timedelta(minutes=29, seconds=59), thirty) is False
    assert access.expired(start, start + thirty, thirty) is True
    assert access.expired(None, start, thirty) is True


def test_session_timeout_setting(empty_db):
    con = setup.open_database(empty_db)
    try:
        assert access.session_timeout(con) == dt.timedelta(minutes=30)
        access.set_session_timeout(con, 45, "jo.bloggs")
        assert access.session_timeout(con) == dt.timedelta(minutes=45)
        with pytest.raises(ValueError, match="from 1 to 1440 minutes"):
            access.set_session_timeout(con, 0, "jo.bloggs")
        newest = logs.audit_entries(con, 1)
        assert newest[["actor", "action", "detail"]].values.tolist() == [
            ["jo.bloggs", "settings", "session timeout set to 45 minutes"]
        ]
    finally:
        con.close()
