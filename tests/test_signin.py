"""Sign-in through the app: local accounts, OIDC-mapped users, roles enforced on every page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from metrics.admin import setup, users
from metrics.returns import ingest
from tests.conftest import ROOT
from ui.navigation import PAGE_FILES

PASSWORD = "correct horse battery"
PEOPLE = {"mary.manager": "manager", "chris.commissioner": "commissioner", "pat.partner": "partnership"}


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    """A real database: one sample month loaded as a real upload, and one account per role."""
    path = tmp_path_factory.mktemp("real") / "dashboard.duckdb"
    con = setup.open_database(path)
    ingest.ingest_paths(con, [ROOT / "sample_data" / "returns" / "2019-03.xlsx"], user="mary.manager")
    for name, role in PEOPLE.items():
        users.add_user(con, name, role, PASSWORD, actor="test")
    con.close()
    mp = pytest.MonkeyPatch()
    mp.setenv("DASHBOARD_DB", str(path))
    yield path
    mp.undo()


def fresh_app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.run()
    return at


def open_page(at: AppTest, path: str) -> AppTest | None:
    """Ask for a page as a URL would; None when the router does not even know it for this user."""
    try:
        at.switch_page(path)
    except ValueError:
        return None
    return at.run()


def assert_refused(at: AppTest | None, title: str) -> None:
    """A page refused: either unknown to the router, or stopped by its own guard with nothing shown."""
    if at is None:
        return
    assert [e.value for e in at.error] == [f"The {title} page is not available to you."], title
    assert not at.dataframe and not at.download_button and not at.file_uploader and not at.title, title


def sign_in(at: AppTest, name: str, password: str = PASSWORD, settle: bool = True) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    # AppTest runs the entry script, then the page it routed to: one more run settles widget ids.
    return at.run() if settle else at


def test_real_data_needs_sign_in_and_shows_nothing_before(real_db):
    at = fresh_app()
    assert not at.exception
    assert [t.value for t in at.title] == ["MSHT advocate performance"]
    assert len(at.text_input) == 2 and not at.dataframe and not at.metric
    assert not any('class="card-value"' in m.value for m in at.markdown)


def test_wrong_password_is_refused(real_db):
    at = sign_in(fresh_app(), "mary.manager", "not the password", settle=False)
    assert [e.value for e in at.error] == [users.WRONG_NAME_OR_PASSWORD]
    assert "signed_in_role" not in at.session_state


@pytest.mark.parametrize("name", list(PEOPLE))
def test_each_user_sees_exactly_their_pages(real_db, name):
    role = PEOPLE[name]
    at = sign_in(fresh_app(), name)
    assert not at.exception
    assert at.session_state["signed_in_role"] == role
    assert any(f"Signed in as **{name}**" in m.value for m in at.sidebar.markdown)
    from metrics.admin import access

    for title, path in PAGE_FILES.items():
        if access.allowed(role, title):
            at.switch_page(path).run()
            assert not at.exception, (name, title)
            assert [t.value for t in at.title][:1] == [title], (name, title)
        else:
            assert_refused(open_page(at, path), title)


def test_partnership_cannot_raise_its_role_through_session_state(real_db):
    at = sign_in(fresh_app(), "pat.partner")
    at.session_state["kept_role"] = "manager"  # what the demo's role picker would keep
    at.run()
    assert_refused(open_page(at, PAGE_FILES["Settings"]), "Settings")
    assert at.session_state["signed_in_role"] == "partnership"


def test_sign_out_is_one_click(real_db):
    at = sign_in(fresh_app(), "chris.commissioner")
    next(b for b in at.button if b.label == "Sign out").click().run()
    assert "signed_in_role" not in at.session_state
    assert len(at.text_input) == 2


def test_oidc_user_gets_the_mapped_role(real_db, tmp_path, monkeypatch):
    mapping = tmp_path / "auth.toml"
    mapping.write_text('[roles.commissioner]\nemails = ["officer@pcc.example"]\n'
                       '[roles.partnership]\ngroups = ["anti-slavery-group"]\n')
    monkeypatch.setattr("ui.auth.ROLE_MAPPING_FILE", mapping)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user = {"is_logged_in": True, "email": "officer@pcc.example"}
    at.run()
    assert not at.exception
    assert at.session_state["signed_in_role"] == "commissioner"
    assert_refused(open_page(at, PAGE_FILES["Upload returns"]), "Upload returns")

    stranger = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    stranger.secrets["auth"] = at.secrets["auth"]
    stranger.user = {"is_logged_in": True, "email": "someone@else.example"}
    stranger.run()
    assert [e.value for e in stranger.error] == [
        "Your account has no role on this dashboard. Ask the Connect Gwent manager for access."]
    assert "signed_in_role" not in stranger.session_state or stranger.session_state["signed_in_role"] is None
