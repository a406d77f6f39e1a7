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
    "Actions",
    "Upload returns",
    "Settings",
)

GWENT = "11111111-1111-1111-1111-111111111111"  # the council's Entra tenant
PCC = "22222222-2222-2222-2222-222222222222"
ELSEWHERE = "99999999-9999-9999-9999-999999999999"  # anyone's tenant: a multi-tenant app lets them in
PARTNER_IDP = "https://idp.partnership.example.org"

MAPPING = {
    "roles": {
        "manager": {"users": [{"tid": GWENT, "oid": "aaaa-0001"}], "groups": [{"tid": GWENT, "id": "g-managers"}]},
        "commissioner": {"groups": [{"tid": PCC, "id": "G-PCC-OFFICE"}]},
        "partnership": {
            "users": [{"iss": PARTNER_IDP, "sub": "chair-248"}],
            "groups": [{"tid": GWENT, "id": "g-anti-slavery"}, {"iss": PARTNER_IDP, "id": "Members"}],
        },
    }
}
TRUSTING = {"trust_email": True, "roles": {"manager": {"emails": ["Manager@Example.org"]}, "partnership": {
    "users": [{"tid": GWENT, "oid": "aaaa-0002"}], "emails": ["chair@example.org"]}}}


def entra(tid, oid, email="", groups=()):
    """An Entra ID token's claims, as st.user holds them."""
    return {"iss": f"https://login.microsoftonline.com/{tid}/v2.0", "sub": f"pairwise-{oid}", "tid": tid, "oid": oid,
            "email": email, "groups": list(groups)}


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
            "Actions",
        ),
        "partnership": ("Summary", "Trends", "Demand and value"),
    }


def test_allowed_for_every_role_and_page():
    seen = {role: [page for page in EVERY_PAGE if access.allowed(role, page)] for role in access.ROLES}
    assert seen == {
        "manager": list(EVERY_PAGE),
        "commissioner": list(EVERY_PAGE[:8]),
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


def test_oidc_person_by_tenant_and_object_id_ignores_case():
    assert access.role_for_oidc_user(entra(GWENT, "aaaa-0001"), MAPPING) == "manager"
    assert access.role_for_oidc_user(entra(GWENT.upper(), "AAAA-0001"), MAPPING) == "manager"


def test_oidc_person_by_issuer_and_subject_exactly():
    assert access.role_for_oidc_user({"iss": PARTNER_IDP, "sub": "chair-248"}, MAPPING) == "partnership"
    assert access.role_for_oidc_user({"iss": PARTNER_IDP, "sub": "CHAIR-248"}, MAPPING) is None
    assert access.role_for_oidc_user({"iss": PARTNER_IDP + "/", "sub": "chair-248"}, MAPPING) is None


def test_the_same_object_id_in_another_tenant_is_someone_else():
    assert access.role_for_oidc_user(entra(ELSEWHERE, "aaaa-0001"), MAPPING) is None
    assert access.role_for_oidc_user({"tid": ELSEWHERE, "oid": "aaaa-0001", "iss": PARTNER_IDP, "sub": "x"},
                                     MAPPING) is None


def test_an_email_claim_grants_nothing_unless_the_mapping_trusts_it():
    # The pen test's finding: anyone's tenant can issue a token with the manager's address in it.
    stranger = entra(ELSEWHERE, "zzzz-0001", email="manager@example.org")
    assert access.role_for_oidc_user(stranger, MAPPING) is None
    assert access.role_for_oidc_user(stranger, TRUSTING) == "manager"  # a single-tenant registration only


def test_trusted_email_ignores_case_and_a_false_email_verified():
    assert access.role_for_oidc_user({"email": " Chair@Example.ORG "}, TRUSTING) == "partnership"
    assert access.role_for_oidc_user({"email": "chair@example.org", "email_verified": False}, TRUSTING) is None
    assert access.role_for_oidc_user({"email": "chair@example.org", "email_verified": True}, TRUSTING) == "partnership"


def test_oidc_role_by_group_bound_to_its_tenant_or_issuer():
    assert access.role_for_oidc_user(entra(PCC, "p-1", groups=["Finance", "g-pcc-office"]), MAPPING) == "commissioner"
    assert access.role_for_oidc_user(entra(ELSEWHERE, "p-1", groups=["G-PCC-OFFICE"]), MAPPING) is None
    assert access.role_for_oidc_user({"iss": PARTNER_IDP, "sub": "x", "groups": ["Members"]}, MAPPING) == "partnership"
    assert access.role_for_oidc_user({"iss": PARTNER_IDP, "sub": "x", "groups": ["members"]}, MAPPING) is None


def test_oidc_person_entry_wins_over_groups():
    chair = {"iss": PARTNER_IDP, "sub": "chair-248", "tid": GWENT, "groups": ["g-managers"]}
    assert access.role_for_oidc_user(chair, MAPPING) == "partnership"


def test_oidc_most_privileged_group_wins():
    groups = ["g-anti-slavery", "g-managers"]
    assert access.role_for_oidc_user(entra(GWENT, "someone", groups=groups), MAPPING) == "manager"


def test_oidc_unknown_user_gets_no_role():
    assert access.role_for_oidc_user(entra(GWENT, "stranger", groups=["Everyone"]), MAPPING) is None
    assert access.role_for_oidc_user({}, MAPPING) is None
    assert access.role_for_oidc_user({"tid": "", "oid": "", "groups": "g-managers"}, MAPPING) is None
    assert access.role_for_oidc_user({"email": "manager@example.org"}, {}) is None


def test_oidc_identity_names_the_stable_claims():
    assert access.oidc_identity(entra(GWENT, "aaaa-0001")) == f"tid={GWENT} oid=aaaa-0001"
    assert access.oidc_identity({"iss": PARTNER_IDP, "sub": "chair-248"}) == f"iss={PARTNER_IDP} sub=chair-248"
    assert access.oidc_identity({"email": "a@b"}) == "iss=? sub=?"


@pytest.mark.parametrize(
    "mapping, message",
    [
        ({"roles": {"manger": {"users": []}}}, "'manger' is not a role"),
        ({"roles": {"manager": {"user": []}}}, "only users, groups and emails are read"),
        ({"roles": {"manager": {"emails": "a@b"}}}, "emails must be a list of strings"),
        ({"roles": {"manager": {"emails": ["a@b"]}}}, "lists emails, which are read only with trust_email = true"),
        ({"trust_email": "yes", "roles": {}}, "trust_email must be true or false"),
        ({"roles": {"manager": {"groups": ["Managers"]}}}, r"groups has 'Managers': each entry must be \{ id"),
        ({"roles": {"manager": {"users": [{"oid": "x"}]}}}, "each entry must be { oid = \"...\", tid"),
        ({"roles": {"manager": {"users": [{"tid": "t", "oid": " "}]}}}, "users has"),
        ({"roles": {"manager": {"users": [{"tid": "t", "oid": "o", "email": "e"}]}}}, "users has"),
        ({"roles": {"manager": "a@b"}}, "must be a table"),
        ({"role": {}}, "only \\[roles\\] and trust_email are read"),
    ],
)
def test_a_mistake_in_the_mapping_is_an_error(mapping, message):
    with pytest.raises(ValueError, match=message):
        access.role_for_oidc_user({"tid": "t", "oid": "o"}, mapping)


def test_the_example_mapping_file_loads():
    mapping = access.load_role_mapping(ROOT / "auth.example.toml")
    assert mapping == {
        "trust_email": False,
        "roles": {
            "manager": {
                "users": [{"tid": GWENT, "oid": "aaaaaaaa-0000-0000-0000-000000000001"}],
                "groups": [{"tid": GWENT, "id": "bbbbbbbb-0000-0000-0000-000000000001"}],
            },
            "commissioner": {"groups": [{"tid": PCC, "id": "bbbbbbbb-0000-0000-0000-000000000002"}]},
            "partnership": {
                "users": [{"iss": PARTNER_IDP, "sub": "248289761001"}],
                "groups": [{"tid": GWENT, "id": "bbbbbbbb-0000-0000-0000-000000000003"}],
            },
        },
    }
    member = entra(GWENT, "nobody", groups=["bbbbbbbb-0000-0000-0000-000000000003"])
    assert access.role_for_oidc_user(member, mapping) == "partnership"


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
