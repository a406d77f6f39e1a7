"""Local accounts: hashing, passwords, sign-in that slows guessing but locks nobody out, audit, demo-mode test
and the CLI (metrics/admin/users.py)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import workbooks

from metrics import cli
from metrics.admin import setup, users
from metrics.admin.users import SignInFailed
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
    assert users.authenticate(con, "Jo.Bloggs ", PASSWORD, now=later) == {
        "name": "jo.bloggs",
        "role": "manager",
        "created_at": NOW,
        "last_sign_in": later,
    }


def _answer(con, name: str, password: str, when: dt.datetime, **where) -> str:
    """What a sign-in answers: 'signed in', or the message shown."""
    try:
        users.authenticate(con, name, password, now=when, **where)
    except SignInFailed as exc:
        return str(exc)
    return "signed in"


WRONG_ANSWER = "The name or password is not right."


def test_unknown_and_known_names_get_the_same_answer_try_after_try(con):
    # Pen test finding 4: a real name slowed 1.0 -> 4.3 s and then said "locked until 18:51"; an unknown
    # one never did. Each try here comes a minute after the last, after any wait has run out.
    answers = {"jo.bloggs": [], "no.such.person": []}
    for n in range(16):
        name = list(answers)[n % 2]
        answers[name].append(_answer(con, name, WRONG, NOW + dt.timedelta(seconds=61 * n)))
    assert answers == {"jo.bloggs": [WRONG_ANSWER] * 8, "no.such.person": [WRONG_ANSWER] * 8}
    assert _answer(con, "jo.bloggs", PASSWORD, NOW + dt.timedelta(seconds=61 * 16)) == "signed in"


def throttled(seconds: int) -> str:
    return (f"Too many failed sign-ins with this name or from this computer: wait {seconds} seconds, "
            "then try again.")


@pytest.mark.parametrize("name", ["jo.bloggs", "no.such.person"])
def test_failures_slow_the_next_try_more_and_more_but_never_lock(con, name):
    at = NOW
    seen = []
    for _ in range(10):  # each try the moment its wait is over, each from a new address
        seen.append(_answer(con, name, WRONG, at, address=f"198.51.100.{len(seen)}"))
        wait = users.wait_after(len(seen))
        if wait:
            assert _answer(con, name, PASSWORD, at + dt.timedelta(seconds=wait - 1), address="192.0.2.1") == \
                throttled(1)
        at += dt.timedelta(seconds=wait)
    assert seen == [WRONG_ANSWER] * 10
    assert [users.wait_after(n) for n in range(1, 11)] == [0, 0, 2, 4, 8, 16, 32, 60, 60, 60]
    # The moment the last wait is over, the right password gets in (for the name that exists).
    assert _answer(con, name, PASSWORD, at, address="192.0.2.1") == (
        "signed in" if name == "jo.bloggs" else WRONG_ANSWER)


def test_a_throttled_try_checks_no_password_and_says_how_long_to_wait(con, monkeypatch):
    for _ in range(3):
        _answer(con, "jo.bloggs", WRONG, NOW)
    verified = []
    monkeypatch.setattr(users, "_verify", lambda *args: verified.append(args) or True)
    assert _answer(con, "jo.bloggs", PASSWORD, NOW + dt.timedelta(milliseconds=500)) == throttled(2)
    assert verified == []


def test_failures_from_one_address_slow_that_address_only(con):
    at = NOW
    for n in range(5):  # a new name each time, as a guesser would, each try when the wait is over
        assert _answer(con, f"guess.{n}", WRONG, at, address="203.0.113.66") == WRONG_ANSWER
        at += dt.timedelta(seconds=users.wait_after(n + 1))
    assert _answer(con, "guess.5", WRONG, at - dt.timedelta(seconds=1), address="203.0.113.66") == throttled(1)
    assert _answer(con, "jo.bloggs", PASSWORD, at - dt.timedelta(seconds=8), address="203.0.113.66") == throttled(8)
    assert _answer(con, "jo.bloggs", PASSWORD, at - dt.timedelta(seconds=8), address="192.0.2.1") == "signed in"


def test_a_sign_in_forgets_its_names_failures_but_not_its_addresses(con):
    for _ in range(2):
        _answer(con, "jo.bloggs", WRONG, NOW, address="203.0.113.66")
    assert _answer(con, "jo.bloggs", PASSWORD, NOW, address="203.0.113.66") == "signed in"
    assert _answer(con, "jo.bloggs", WRONG, NOW, address="192.0.2.1") == WRONG_ANSWER  # the name starts at 1
    assert _answer(con, "jo.bloggs", PASSWORD, NOW, address="192.0.2.1") == "signed in"
    assert _answer(con, "someone.else", WRONG, NOW, address="203.0.113.66") == WRONG_ANSWER  # the address: 3
    assert _answer(con, "jo.bloggs", PASSWORD, NOW, address="203.0.113.66") == throttled(2)


def test_unknown_and_known_names_cost_the_same_work(con, monkeypatch):
    """The same hashing and the same writes, whether the name exists: so the same time (measured in
    benchmarks/sign_in_timing.py)."""
    calls = []
    verify, record_failure = users._verify, users.accounts.record_failure
    monkeypatch.setattr(users, "_verify", lambda *args: calls.append("argon2 verify") or verify(*args))
    monkeypatch.setattr(users.accounts, "record_failure", lambda con, keys, *args: calls.append(
        ("write", [k.split(":")[0] for k in keys])) or record_failure(con, keys, *args))
    work = {}
    for name in ("jo.bloggs", "no.such.person"):
        calls.clear()
        _answer(con, name, WRONG, NOW, address=f"192.0.2.{len(work)}")
        work[name] = list(calls)
    assert work["jo.bloggs"] == ["argon2 verify", ("write", ["user", "address"])]
    assert work["no.such.person"] == ["argon2 verify", ("write", ["typed", "address"])]
    assert users._dummy_hash().split("$")[:4] == users.hash_password("x").split("$")[:4]  # argon2id, same cost


def test_a_typed_name_that_is_no_account_is_not_stored(con):
    _answer(con, "Cardiff-Guess-4420", WRONG, NOW)  # a password typed into the name box
    keys = [r[0] for r in con.execute("SELECT key FROM sign_in_failures").fetchall()]
    assert sorted(k.split(":")[0] for k in keys) == ["address", "typed"]
    assert not any("cardiff" in k for k in keys)


def test_the_manager_can_always_get_in_from_the_command_line(con, empty_db, monkeypatch, capsys):
    for n in range(20):
        _answer(con, "jo.bloggs", WRONG, dt.datetime.now(), address=f"198.51.100.{n}")
    assert _answer(con, "jo.bloggs", PASSWORD, dt.datetime.now()).startswith("Too many failed sign-ins")
    con.close()
    assert cli.run(["users", "reset", "jo.bloggs", "--db", str(empty_db), "--user", "root"]) == 0
    assert capsys.readouterr().out == (
        "Forgot the failed sign-ins of jo.bloggs and from every address: they can sign in now\n")
    again = setup.open_database(empty_db)
    try:
        assert _answer(again, "jo.bloggs", PASSWORD, dt.datetime.now()) == "signed in"
        assert new_audit_rows(again, audit_count(again) - 2) == [
            ["root", "sign-in failures cleared", "jo.bloggs"], ["jo.bloggs", "sign-in", "local account as manager"]]
    finally:
        again.close()
    new = "amber lantern quietly"
    assert run(["users", "set-password", "jo.bloggs", "--password-stdin", "--db", str(empty_db)], new + "\n",
               monkeypatch) == 0
    again = setup.open_database(empty_db)
    try:
        assert _answer(again, "jo.bloggs", PASSWORD, dt.datetime.now()) == WRONG_ANSWER
        assert _answer(again, "jo.bloggs", new, dt.datetime.now()) == "signed in"
    finally:
        again.close()


def test_every_event_is_audited(con):
    before = audit_count(con)
    users.add_user(con, "Sam.Jones", "partnership", PASSWORD, "jo.bloggs", now=NOW)
    users.set_role(con, "sam.jones", "commissioner", "jo.bloggs")
    users.authenticate(con, "sam.jones", PASSWORD, now=NOW)
    for _ in range(3):
        _answer(con, "sam.jones", WRONG, NOW, address="203.0.113.5")
    _answer(con, "sam.jones", PASSWORD, NOW, address="203.0.113.5")
    _answer(con, "nobody", WRONG, NOW + dt.timedelta(minutes=1), address="203.0.113.6")
    users.remove_user(con, "SAM.JONES", "jo.bloggs")
    assert new_audit_rows(con, before) == [
        ["jo.bloggs", "user added", "sam.jones as partnership"],
        ["jo.bloggs", "user role changed", "sam.jones: partnership -> commissioner"],
        ["sam.jones", "sign-in", "local account as commissioner"],
        ["sam.jones", "sign-in failed", "wrong password, from 203.0.113.5"],
        ["sam.jones", "sign-in failed", "wrong password, from 203.0.113.5"],
        ["sam.jones", "sign-in failed", "wrong password, from 203.0.113.5"],
        ["sam.jones", "sign-in throttled", "known name, from 203.0.113.5"],
        ["unknown", "sign-in failed", "unknown user name, from 203.0.113.6"],
        ["jo.bloggs", "user removed", "sam.jones (was commissioner)"],
    ]
    assert users.list_users(con) == [{"name": "jo.bloggs", "role": "manager", "created_at": NOW, "last_sign_in": None}]


@pytest.mark.parametrize(
    "name, role, password, message",
    [
        ("jo.bloggs", "manager", PASSWORD, "there is already a user named 'jo.bloggs'"),
        ("JO.BLOGGS", "manager", PASSWORD, "there is already a user named 'jo.bloggs'"),
        ("sam", "admin", PASSWORD, "'admin' is not a role"),
        ("sam", "manager", "Short-123", "at least 12 characters"),
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
        users.authenticate(con, "jo.bloggs", WRONG)
    with pytest.raises(SignInFailed):
        users.authenticate(con, WRONG, PASSWORD)  # a password typed into the name box
    users.authenticate(con, "jo.bloggs", PASSWORD)
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
    assert [(u["name"], u["role"], u["last_sign_in"]) for u in listed] == [("sam.jones", "commissioner", None)]
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


# Pen test finding 8: aaaaaaaaaa, password12 and 1234567890 were accepted.
ADVICE = ("Three random words together make a password that is strong and easy to remember (the National Cyber "
          "Security Centre's advice): pick three that mean nothing together, and avoid names, dates and words "
          "about the service.")


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaa", "a password needs at least 12 characters."),
        ("password12", "a password needs at least 12 characters."),
        ("1234567890", "a password needs at least 12 characters."),
        ("aaaaaaaaaaaa", "that password is too easy to guess: it is a common one, or close to one."),
        ("password1234", "that password is too easy to guess: it is a common one, or close to one."),
        ("123456789012", "that password is too easy to guess: it is a common one, or close to one."),
        ("qwertyuiop12", "that password is too easy to guess: it is a common one, or close to one."),
        ("Password2019!", "that password is too easy to guess: it is a common one, or close to one."),
        ("gwentgwent12", "that password is too easy to guess: it is a common one, or close to one."),
        ("i-am-sam.jones-99", "a password may not contain the user name."),
    ],
)
def test_a_weak_password_is_refused_with_the_three_random_words_advice(con, password, why):
    with pytest.raises(ValueError) as raised:
        users.add_user(con, "sam.jones", "manager", password, "admin")
    assert str(raised.value) == f"{why} {ADVICE}"
    assert password not in str(raised.value)
    assert [u["name"] for u in users.list_users(con)] == ["jo.bloggs"]


@pytest.mark.parametrize("password", ["violet tractor harbour", "CoffeeTrainFish", "correct horse battery"])
def test_three_random_words_make_a_good_password(con, password):
    assert users.add_user(con, "sam.jones", "manager", password, "admin")["name"] == "sam.jones"
