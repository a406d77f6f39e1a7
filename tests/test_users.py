"""Local accounts: hashing, sign-in, slowing, lockout, audit, demo-mode test and the CLI (metrics/users.py)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import workbooks

from metrics import cli
from metrics.admin import setup, users
from metrics.admin.users import AccountLocked, SignInFailed
from metrics.returns import ingest
from metrics.store import logs

PASSWORD = "Gwent-Advocate-7731"
WRONG = "Cardiff-Guess-4420"
NOW = dt.datetime(2019, 3, 4, 9, 0)


@pytest.fixture
def con(empty_db):
    """A connection to a new database holding one manager, jo.bloggs, created at NOW."""
    connection = setup.open_database(empty_db)
    users.add_user(connection, "jo.bloggs", "manager", PASSWORD, "admin", now=NOW)
    yield connection
    connection.close()


class Sleeps(list):
    """Stands in for time.sleep: records each requested delay instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def new_audit_rows(con, before: int) -> list[list]:
    """(actor, action, detail) of the audit rows written after the first `before`, oldest first."""
    log = logs.audit_entries(con)
    return log[["actor", "action", "detail"]].values.tolist()[: len(log) - before][::-1]


def audit_count(con) -> int:
    return len(logs.audit_entries(con))


def test_password_is_stored_as_an_argon2id_hash(con):
    stored = con.execute("SELECT password_hash FROM users WHERE name = 'jo.bloggs'").fetchall()[0][0]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in stored
    assert users._verify(stored, PASSWORD) is True
    assert users._verify(stored, WRONG) is False


def test_the_same_password_hashes_differently_each_time():
    assert users.hash_password(PASSWORD) != users.hash_password(PASSWORD)


def test_right_password_signs_in(con):
    later = NOW + dt.timedelta(days=1)
    assert users.authenticate(con, "Jo.Bloggs ", PASSWORD, now=later, sleep=Sleeps()) == {
        "name": "jo.bloggs",
        "role": "manager",
        "created_at": NOW,
        "last_sign_in": later,
    }


def test_wrong_password_fails_and_is_slowed(con):
    sleeps = Sleeps()
    with pytest.raises(SignInFailed, match="^The name or password is not right.$"):
        users.authenticate(con, "jo.bloggs", WRONG, now=NOW, sleep=sleeps)
    assert sleeps == [0.5]
    assert users.get_user(con, "jo.bloggs")["failed_attempts"] == 1


def test_unknown_name_fails_with_the_same_message(con):
    sleeps = Sleeps()
    before = audit_count(con)
    with pytest.raises(SignInFailed, match="^The name or password is not right.$") as raised:
        users.authenticate(con, "nobody", PASSWORD, now=NOW, sleep=sleeps)
    assert type(raised.value) is SignInFailed
    assert sleeps == [0.5]
    assert new_audit_rows(con, before) == [["unknown", "sign-in failed", "unknown user name"]]


def test_delay_doubles_and_is_capped():
    assert [users.failure_delay(n) for n in range(7)] == [0.0, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_five_failures_lock_the_account_for_fifteen_minutes(con):
    sleeps = Sleeps()
    for minute in range(4):
        with pytest.raises(SignInFailed) as raised:
            users.authenticate(con, "jo.bloggs", WRONG, now=NOW + dt.timedelta(minutes=minute), sleep=sleeps)
        assert type(raised.value) is SignInFailed
    assert sleeps == [0.5, 1.0, 2.0, 4.0]

    fifth = NOW + dt.timedelta(minutes=4)
    with pytest.raises(AccountLocked, match="locked until 09:19") as raised:
        users.authenticate(con, "jo.bloggs", WRONG, now=fifth, sleep=sleeps)
    assert raised.value.until == dt.datetime(2019, 3, 4, 9, 19)
    assert sleeps == [0.5, 1.0, 2.0, 4.0]  # the lock itself is the wait

    # Locked: even the right password is refused, up to the last second.
    with pytest.raises(AccountLocked):
        users.authenticate(con, "jo.bloggs", PASSWORD, now=dt.datetime(2019, 3, 4, 9, 18, 59), sleep=sleeps)

    # Released after fifteen minutes, with a fresh count.
    user = users.authenticate(con, "jo.bloggs", PASSWORD, now=dt.datetime(2019, 3, 4, 9, 19), sleep=sleeps)
    assert user["last_sign_in"] == dt.datetime(2019, 3, 4, 9, 19)
    assert users.get_user(con, "jo.bloggs") | {"created_at": None} == {
        "name": "jo.bloggs",
        "role": "manager",
        "created_at": None,
        "last_sign_in": dt.datetime(2019, 3, 4, 9, 19),
        "failed_attempts": 0,
        "locked_until": None,
    }


def test_after_a_lock_runs_out_the_count_starts_again(con):
    sleeps = Sleeps()
    for _ in range(5):
        with pytest.raises(SignInFailed):
            users.authenticate(con, "jo.bloggs", WRONG, now=NOW, sleep=sleeps)
    with pytest.raises(SignInFailed) as raised:
        users.authenticate(con, "jo.bloggs", WRONG, now=NOW + users.LOCK_DURATION, sleep=sleeps)
    assert type(raised.value) is SignInFailed
    assert sleeps[-1] == 0.5


def test_success_clears_the_failure_count(con):
    sleeps = Sleeps()
    for _ in range(3):
        with pytest.raises(SignInFailed):
            users.authenticate(con, "jo.bloggs", WRONG, now=NOW, sleep=sleeps)
    users.authenticate(con, "jo.bloggs", PASSWORD, now=NOW, sleep=sleeps)
    with pytest.raises(SignInFailed):
        users.authenticate(con, "jo.bloggs", WRONG, now=NOW, sleep=sleeps)
    assert sleeps == [0.5, 1.0, 2.0, 0.5]


def test_every_event_is_audited(con):
    before = audit_count(con)
    users.add_user(con, "Sam.Jones", "partnership", PASSWORD, "jo.bloggs", now=NOW)
    users.set_role(con, "sam.jones", "commissioner", "jo.bloggs")
    users.authenticate(con, "sam.jones", PASSWORD, now=NOW, sleep=Sleeps())
    for _ in range(5):
        with pytest.raises(SignInFailed):
            users.authenticate(con, "sam.jones", WRONG, now=NOW, sleep=Sleeps())
    with pytest.raises(AccountLocked):
        users.authenticate(con, "sam.jones", PASSWORD, now=NOW, sleep=Sleeps())
    users.remove_user(con, "SAM.JONES", "jo.bloggs")
    assert new_audit_rows(con, before) == [
        ["jo.bloggs", "user added", "sam.jones as partnership"],
        ["jo.bloggs", "user role changed", "sam.jones: partnership -> commissioner"],
        ["sam.jones", "sign-in", "local account as commissioner"],
        ["sam.jones", "sign-in failed", "wrong password (1 in a row)"],
        ["sam.jones", "sign-in failed", "wrong password (2 in a row)"],
        ["sam.jones", "sign-in failed", "wrong password (3 in a row)"],
        ["sam.jones", "sign-in failed", "wrong password (4 in a row)"],
        ["sam.jones", "sign-in failed", "wrong password (5 in a row)"],
        ["sam.jones", "account locked", "after 5 failed sign-ins, until 2019-03-04 09:15"],
        ["sam.jones", "sign-in refused", "account locked until 2019-03-04 09:15"],
        ["jo.bloggs", "user removed", "sam.jones (was commissioner)"],
    ]
    assert users.list_users(con) == [
        {
            "name": "jo.bloggs",
            "role": "manager",
            "created_at": NOW,
            "last_sign_in": None,
            "failed_attempts": 0,
            "locked_until": None,
        }
    ]


@pytest.mark.parametrize(
    "name, role, password, message",
    [
        ("jo.bloggs", "manager", PASSWORD, "there is already a user named 'jo.bloggs'"),
        ("JO.BLOGGS", "manager", PASSWORD, "there is already a user named 'jo.bloggs'"),
        ("sam", "admin", PASSWORD, "'admin' is not a role"),
        ("sam", "manager", "Short-123", "at least 10 characters"),
        ("sam", "manager", " " + PASSWORD, "may not start or end with a space"),
        ("sam jones", "manager", PASSWORD, "is not a usable name"),
        ("", "manager", PASSWORD, "is not a usable name"),
    ],
)
def test_add_user_refuses(con, name, role, password, message):
    with pytest.raises(ValueError, match=message) as raised:
        users.add_user(con, name, role, password, "admin")
    assert PASSWORD not in str(raised.value)
    assert [u["name"] for u in users.list_users(con)] == ["jo.bloggs"]


def test_changing_an_unknown_user_is_an_error(con):
    with pytest.raises(LookupError, match="there is no user named 'sam'"):
        users.set_role(con, "sam", "manager", "admin")
    with pytest.raises(LookupError, match="there is no user named 'sam'"):
        users.remove_user(con, "Sam", "admin")


def test_passwords_never_reach_the_database_file_or_the_audit_log(empty_db):
    con = setup.open_database(empty_db)
    users.add_user(con, "jo.bloggs", "manager", PASSWORD, "admin")
    with pytest.raises(SignInFailed):
        users.authenticate(con, "jo.bloggs", WRONG, sleep=Sleeps())
    with pytest.raises(SignInFailed):
        users.authenticate(con, WRONG, PASSWORD, sleep=Sleeps())  # a password typed into the name box
    users.authenticate(con, "jo.bloggs", PASSWORD, sleep=Sleeps())
    log = logs.audit_entries(con).to_csv()
    con.close()
    for secret in (PASSWORD, WRONG, WRONG.lower()):
        assert secret not in log
        for path in empty_db.parent.glob(empty_db.name + "*"):
            assert secret.encode() not in path.read_bytes()


def test_has_real_data_is_false_for_the_sample_and_true_after_a_real_upload(sample_db):
    con = setup.open_database(sample_db)
    try:
        assert users.has_real_data(con) is False
        ingest.ingest_bytes(con, workbooks.xlsx(workbooks.valid_return()), "march.xlsx", "jo.bloggs")
        assert users.has_real_data(con) is True
    finally:
        con.close()


def test_has_real_data_in_a_database_that_is_not_the_sample(empty_db):
    con = setup.open_database(empty_db)
    try:
        assert users.has_real_data(con) is False
        # Only the sample database's own uploads are sample data, whoever an upload names.
        ingest.ingest_bytes(con, workbooks.xlsx(workbooks.valid_return()), "march.xlsx", users.SAMPLE_UPLOADER)
        assert users.has_real_data(con) is True
    finally:
        con.close()


# The command line


def run(args: list[str], stdin: str = "", monkeypatch=None) -> int:
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.run(args)


def test_cli_users_add_list_set_role_remove(empty_db, monkeypatch, capsys):
    base = ["--db", str(empty_db)]
    added = run(
        ["users", "add", "Sam.Jones", "--role", "partnership", "--password-stdin", "--user", "jo", *base],
        PASSWORD + "\n",
        monkeypatch,
    )
    assert added == 0
    assert run(["users", "set-role", "sam.jones", "commissioner", "--user", "jo", *base]) == 0
    assert run(["users", "list", "--json", *base]) == 0
    assert run(["users", "remove", "sam.jones", "--user", "jo", *base]) == 0
    assert run(["users", "remove", "sam.jones", *base]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[:2] == ["Added sam.jones as partnership", "sam.jones is now commissioner"]
    listed = json.loads(out[out.index("[") : out.rindex("]") + 1])
    assert [(u["name"], u["role"], u["failed_attempts"]) for u in listed] == [("sam.jones", "commissioner", 0)]
    assert out.splitlines()[-1] == "Removed sam.jones"
    assert err == "Error: there is no user named 'sam.jones'\n"
    assert PASSWORD not in out + err


def test_cli_users_add_asks_twice(empty_db, monkeypatch, capsys):
    answers = iter([PASSWORD, PASSWORD + "x", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.run(["users", "add", "sam", "--role", "manager", "--db", str(empty_db)]) == 1
    assert cli.run(["users", "add", "sam", "--role", "manager", "--db", str(empty_db)]) == 0
    out, err = capsys.readouterr()
    assert err == "Error: the two passwords differ; no user was added.\n"
    assert out == "Added sam as manager\n"


def test_cli_usage_errors_exit_2(empty_db):
    with pytest.raises(SystemExit) as raised:
        cli.run(["users", "add", "sam", "--role", "admin", "--db", str(empty_db)])
    assert raised.value.code == 2
    with pytest.raises(SystemExit) as raised:
        cli.run(["audit", "--limit", "0", "--db", str(empty_db)])
    assert raised.value.code == 2


def test_cli_audit_newest_first(empty_db, monkeypatch, capsys):
    base = ["--db", str(empty_db)]
    run(["users", "add", "sam", "--role", "manager", "--password-stdin", "--user", "jo", *base], PASSWORD, monkeypatch)
    run(["users", "set-role", "sam", "partnership", "--user", "jo", *base])
    capsys.readouterr()
    assert cli.run(["audit", "--json", "--limit", "2", *base]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["actor"], e["action"], e["detail"]) for e in entries] == [
        ("jo", "user role changed", "sam: manager -> partnership"),
        ("jo", "user added", "sam as manager"),
    ]
    assert cli.run(["audit", "--limit", "1", *base]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["when", "who", "what", "detail"]
    assert lines[1][21:] == "jo   user role changed  sam: manager -> partnership"
