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


def test_before_sign_in_no_page_file_is_offered(real_db):
    """Issue 17 #2: the sign-in screen is the router's only (hidden) page, so Streamlit's own menu of the
    page files (its old multipage mode, while no run has called st.navigation) never appears, and no page
    file can be switched to."""
    at = fresh_app()
    for path in PAGE_FILES.values():
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(path)


@pytest.mark.parametrize("title", ["Settings", "Summary"])
def test_a_page_file_run_directly_before_sign_in_shows_only_the_sign_in(real_db, title):
    """The process's first run can still take the old multipage path (a URL naming a page file runs it):
    the page draws the sign-in and nothing of its own, and offers only the sign-in in its navigation."""
    at = AppTest.from_file(str(ROOT / PAGE_FILES[title]), default_timeout=90).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["MSHT advocate performance"]
    assert len(at.text_input) == 2 and not at.dataframe and not at.metric and not at.error
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(str(ROOT / PAGE_FILES["Summary"]))


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
    from metrics import safe_text  # here, so that the other tests run on code without it

    assert any(f"Signed in as **{safe_text.markdown(name)}**" in m.value for m in at.sidebar.markdown)
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


TENANT = "11111111-1111-1111-1111-111111111111"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a cookie secret of 32 characters"}
REFUSED = "Your account has no role on this dashboard. Ask the Connect Gwent manager for access."


def oidc_app(mapping_text: str, tmp_path, monkeypatch, **claims) -> AppTest:
    """The dashboard with [auth] configured, a role mapping, and st.user signed in with these claims."""
    mapping = tmp_path / "auth.toml"
    mapping.write_text(mapping_text)
    monkeypatch.setattr("ui.auth.ROLE_MAPPING_FILE", mapping)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, **claims}
    return at.run()


def newest_audit(path, n: int) -> list[list[str]]:
    from metrics.store import logs

    con = setup.open_database(path)
    try:
        return logs.audit_entries(con, n)[["actor", "action", "detail"]].values.tolist()
    finally:
        con.close()


def test_oidc_user_gets_the_mapped_role(real_db, tmp_path, monkeypatch):
    mapping = (f'[roles.commissioner]\nusers = [{{ tid = "{TENANT}", oid = "oid-officer" }}]\n'
               f'[roles.partnership]\ngroups = [{{ tid = "{TENANT}", id = "anti-slavery-group" }}]\n')
    at = oidc_app(mapping, tmp_path, monkeypatch, email="officer@pcc.example", tid=TENANT, oid="oid-officer")
    assert not at.exception
    assert at.session_state["signed_in_role"] == "commissioner"
    assert_refused(open_page(at, PAGE_FILES["Upload returns"]), "Upload returns")

    member = oidc_app(mapping, tmp_path, monkeypatch, tid=TENANT, oid="oid-member", groups=["anti-slavery-group"])
    assert member.session_state["signed_in_role"] == "partnership"

    stranger = oidc_app(mapping, tmp_path, monkeypatch, email="officer@pcc.example", tid="another-tenant",
                        oid="oid-officer", groups=["anti-slavery-group"])
    assert [e.value for e in stranger.error] == [REFUSED]
    assert "signed_in_role" not in stranger.session_state or stranger.session_state["signed_in_role"] is None
    assert newest_audit(real_db, 1) == [["officer@pcc.example", "sign-in refused",
                                         "OIDC user tid=another-tenant oid=oid-officer has no role in auth.toml"]]


def test_an_email_claim_from_another_tenant_gets_no_role(real_db, tmp_path, monkeypatch):
    # Pen test finding 6: a multi-tenant Entra app admits any tenant, and each tenant writes its own
    # users' email claims. A mapping by email alone must not give the stranger the officer's role.
    at = oidc_app('[roles.commissioner]\nemails = ["officer@pcc.example"]\n', tmp_path, monkeypatch,
                  email="officer@pcc.example", tid="another-tenant", oid="oid-stranger",
                  iss="https://login.microsoftonline.com/another-tenant/v2.0", sub="s-1")
    assert not at.exception
    assert "signed_in_role" not in at.session_state or at.session_state["signed_in_role"] is None
    assert [e.value for e in at.error] == [
        "Sign-in is not set up correctly, so no role can be given. Ask the Connect Gwent manager."]
    assert newest_audit(real_db, 1) == [[
        "officer@pcc.example", "sign-in refused",
        "tid=another-tenant oid=oid-stranger: the role mapping auth.toml is invalid: [roles.commissioner] lists "
        "emails, which are read only with trust_email = true: set it only for a single-tenant registration, "
        "else list users by tid and oid"]]


def test_trusted_emails_still_work_for_a_single_tenant_registration(real_db, tmp_path, monkeypatch):
    at = oidc_app('trust_email = true\n[roles.commissioner]\nemails = ["officer@pcc.example"]\n', tmp_path,
                  monkeypatch, email="Officer@PCC.example", sub="s-1")
    assert at.session_state["signed_in_role"] == "commissioner"


SIGNED_OUT_IDLE = "Your session ended after a period without activity. Please sign in again."


def test_an_oidc_sign_in_idle_past_the_timeout_is_signed_out(real_db, tmp_path, monkeypatch):
    # Pen test finding 6: the identity cookie lasts 30 days, and a new tab is a new session, so the
    # sign-in itself must expire: this one was issued 31 minutes ago (timeout 30) and not used since.
    import time

    # (a mapping by trusted email, which today's code reads too, so that only the expiry is tested)
    mapping = 'trust_email = true\n[roles.commissioner]\nemails = ["idle@pcc.example"]\n'
    at = oidc_app(mapping, tmp_path, monkeypatch, email="idle@pcc.example", tid=TENANT, oid="oid-idle",
                  iss="https://idp.example", sub="idle", iat=int(time.time()) - 31 * 60)
    assert not at.exception
    assert [i.value for i in at.info] == [SIGNED_OUT_IDLE]
    assert [b.label for b in at.button] == ["Sign in"]
    assert "signed_in_role" not in at.session_state
    assert at.user["is_logged_in"] is False  # st.logout() ran
    assert newest_audit(real_db, 1) == [[
        "idle@pcc.example", "sign-out", f"OIDC session of tid={TENANT} oid=oid-idle expired after inactivity"]]


def test_an_oidc_session_expires_when_idle_and_activity_keeps_it(real_db, tmp_path, monkeypatch):
    import datetime as dt
    import time

    from ui import auth

    issued = int(time.time()) - 20 * 60
    mapping = f'[roles.manager]\nusers = [{{ tid = "{TENANT}", oid = "oid-busy" }}]\n'
    at = oidc_app(mapping, tmp_path, monkeypatch, email="busy@example.org", tid=TENANT, oid="oid-busy",
                  iss="https://idp.example", sub="busy", iat=issued)
    assert at.session_state["signed_in_role"] == "manager"  # 20 minutes after sign-in, active: kept
    activity = auth._sign_in_activity()
    key = ("https://idp.example", "busy", issued)
    assert dt.datetime.now() - activity[key] < dt.timedelta(minutes=1)
    activity[key] = dt.datetime.now() - dt.timedelta(minutes=29)  # as if idle for 29 minutes
    at.run()
    assert at.session_state["signed_in_role"] == "manager" and not at.info
    activity[key] = dt.datetime.now() - dt.timedelta(minutes=30)  # idle for exactly the timeout
    at.run()
    assert [i.value for i in at.info] == [SIGNED_OUT_IDLE]
    assert "signed_in_role" not in at.session_state


def test_a_new_session_with_the_cookie_resumes_the_sign_in_with_the_role_as_it_is_now(real_db, monkeypatch):
    first = sign_in(fresh_app(), "pat.partner")
    token = first.session_state["session_token"]
    monkeypatch.setattr("ui.session_cookie.request_token", lambda: token)  # what a reloaded tab sends
    again = fresh_app()
    assert again.session_state["signed_in_role"] == "partnership"
    assert any("Signed in as **pat\\.partner**" in m.value for m in again.sidebar.markdown)
    con = setup.open_database(real_db)
    try:
        users.set_role(con, "pat.partner", "commissioner", actor="test")
        assert fresh_app().session_state["signed_in_role"] == "commissioner"
        users.remove_user(con, "pat.partner", actor="test")
        assert "signed_in_role" not in fresh_app().session_state  # an account removed ends its sessions
        users.add_user(con, "pat.partner", "partnership", PASSWORD, actor="test")
    finally:
        con.close()
    next(b for b in first.button if b.label == "Sign out").click().run()
    assert "signed_in_role" not in fresh_app().session_state  # signed out: the cookie names no live session


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        (None, None, "", None),  # this machine, no proxy configured
        ("198.51.100.7", None, "", "198.51.100.7"),
        # Behind nginx on the same machine: the client is the address nginx added last.
        (None, "203.0.113.9, 198.51.100.7", "127.0.0.1", "198.51.100.7"),
        ("10.0.0.5", "198.51.100.7", "10.0.0.5", "198.51.100.7"),
        # A header from anyone but the configured proxy is not believed.
        ("198.51.100.7", "192.0.2.1", "10.0.0.5", "198.51.100.7"),
        (None, "192.0.2.1", "", None),
    ],
)
def test_failed_sign_ins_are_counted_against_the_clients_own_address(monkeypatch, peer, forwarded, trusted, expected):
    from types import SimpleNamespace

    from ui import auth

    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    monkeypatch.setattr(auth, "st", SimpleNamespace(context=SimpleNamespace(ip_address=peer, headers=headers)))
    monkeypatch.setenv("DASHBOARD_TRUSTED_PROXY", trusted)
    assert auth.client_address() == expected


def test_the_sign_in_form_says_to_wait_and_signs_in_after(real_db, monkeypatch):
    import datetime as dt

    from metrics.store import accounts

    # A first wait of a minute, not 2 s: a loaded machine takes longer than that to start the next app.
    monkeypatch.setattr(users, "FIRST_WAIT_SECONDS", 60)
    for _ in range(3):
        sign_in(fresh_app(), "chris.commissioner", "not the password", settle=False)
    at = sign_in(fresh_app(), "chris.commissioner", settle=False)
    [message] = [e.value for e in at.error]
    assert message.startswith("Too many failed sign-ins with this name or from this computer: wait ")
    assert "signed_in_role" not in at.session_state
    # Once the wait is over, the right password gets in: the account was never locked.
    real = accounts.failures
    monkeypatch.setattr(accounts, "failures", lambda con, keys, since: [
        (n, last - dt.timedelta(minutes=2)) for n, last in real(con, keys, since)])
    at = sign_in(fresh_app(), "chris.commissioner")
    assert at.session_state["signed_in_role"] == "commissioner"
