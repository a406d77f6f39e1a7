"""Local accounts: argon2id password hashes, slowed and locked sign-in, and when sign-in is needed.

    add_user(con, "jo.bloggs", "manager", password, actor="admin")
    try:
        user = authenticate(con, name, password)   # {"name", "role", "created_at", "last_sign_in"}
    except AccountLocked as exc:                   # a SignInFailed; exc.until says when it ends
        ...
    except SignInFailed as exc:                    # str(exc) is a message fit to show
        ...
    has_real_data(con)                             # True: sign-in is required; False: demo mode

The rules, as module constants:
- Only an argon2id hash (salted, from argon2-cffi) is stored; a password is never stored, logged or
  put in an error message.
- Names are lower-cased, so "Jo.Bloggs" and "jo.bloggs" are one account; an email address is a
  valid name. An unknown name costs the same hashing work as a known one, and gets the same message.
- Each consecutive failure sleeps a little longer (failure_delay: 0.5 s, doubling, at most 4 s);
  the MAX_FAILED_ATTEMPTS-th failure locks the account for LOCK_DURATION, after which the count
  starts again. A locked account refuses even the right password. Success clears the count.
- Times are naive local datetimes, like the rest of the store; tests pass `now` and `sleep`.
- Every sign-in, failure, refusal, lockout and user change goes to the audit log, each in a write of
  its own (metrics.store.accounts). OIDC sign-ins are not handled here: audit them with store.logs.record.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import time
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from metrics.admin.access import check_role
from metrics.store import accounts
from metrics.store.logs import record
from metrics.store.settings import setting

MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = dt.timedelta(minutes=15)
FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 4.0
MIN_PASSWORD_LENGTH = 10
# build_sample_database loads the sample returns as this user into a database marked 'sample'.
SAMPLE_UPLOADER = "sample data"

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
WRONG_NAME_OR_PASSWORD = "The name or password is not right."


class SignInFailed(Exception):
    """A sign-in was refused; the message says why without saying which of name or password was wrong."""


class AccountLocked(SignInFailed):
    """Too many failed sign-ins in a row: the account refuses every attempt until `until`."""

    def __init__(self, until: dt.datetime):
        super().__init__(f"Too many failed sign-ins: this account is locked until {until:%H:%M}. Try again then.")
        self.until = until


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's recommended cost


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown names, so that they take as long as known ones."""
    return _hasher().hash("no such user: a password nobody types")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def failure_delay(consecutive_failures: int) -> float:
    """Seconds to wait after this many failures in a row: 0.5, 1, 2, 4, 4, ..."""
    if consecutive_failures <= 0:
        return 0.0
    return min(FIRST_DELAY_SECONDS * 2 ** (consecutive_failures - 1), MAX_DELAY_SECONDS)


def normalise_name(name: str) -> str:
    """The stored form of a user name: stripped and lower-cased."""
    return name.strip().lower()


def check_name(name: str) -> str:
    key = normalise_name(name)
    if not NAME_PATTERN.fullmatch(key):
        raise ValueError(
            f"{name!r} is not a usable name: up to 64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return key


def check_password(password: str) -> None:
    """Raise ValueError if the password is too weak to store (the message never repeats it)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise ValueError("a password may not start or end with a space")


def get_user(con, name: str) -> dict | None:
    """One user without the password hash, or None."""
    return accounts.get_user(con, normalise_name(name))


def _existing(con, name: str) -> dict:
    user = get_user(con, name)
    if user is None:
        raise LookupError(f"there is no user named {normalise_name(name)!r}")
    return user


def list_users(con) -> list[dict]:
    """Every user, by name, without password hashes."""
    return accounts.list_users(con)


def add_user(con, name: str, role: str, password: str, actor: str | None, now: dt.datetime | None = None) -> dict:
    """Create a local account; ValueError for a taken name, an unknown role or a weak password."""
    key, role = check_name(name), check_role(role)
    check_password(password)
    if get_user(con, key) is not None:
        raise ValueError(f"there is already a user named {key!r}")
    accounts.insert_user(con, key, role, hash_password(password), now or dt.datetime.now(), actor)
    return get_user(con, key)


def set_role(con, name: str, role: str, actor: str | None) -> dict:
    """Change a user's role; LookupError for an unknown user."""
    role = check_role(role)
    user = _existing(con, name)
    accounts.update_role(con, user["name"], user["role"], role, actor)
    return get_user(con, user["name"])


def remove_user(con, name: str, actor: str | None) -> None:
    """Delete a user; LookupError for an unknown user."""
    user = _existing(con, name)
    accounts.delete_user(con, user["name"], user["role"], actor)


def authenticate(
    con,
    name: str,
    password: str,
    now: dt.datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """The signed-in user (name, role, created_at, last_sign_in), or SignInFailed / AccountLocked."""
    now = now or dt.datetime.now()
    key, password = normalise_name(name or ""), password or ""
    found = accounts.credentials(con, key)
    if found is None:
        _verify(_dummy_hash(), password)
        # The typed name is not logged: people sometimes type their password into the name box.
        record(con, None, "sign-in failed", "unknown user name")
        sleep(failure_delay(1))
        raise SignInFailed(WRONG_NAME_OR_PASSWORD)
    role, password_hash, failed_attempts, locked_until = found
    if locked_until is not None and now < locked_until:
        record(con, key, "sign-in refused", f"account locked until {locked_until:%Y-%m-%d %H:%M}")
        raise AccountLocked(locked_until)
    if _verify(password_hash, password):
        if _hasher().check_needs_rehash(password_hash):
            password_hash = hash_password(password)
        accounts.record_sign_in(con, key, role, now, password_hash)
        user = get_user(con, key)
        return {k: user[k] for k in ("name", "role", "created_at", "last_sign_in")}
    failures = failed_attempts + 1
    if failures >= MAX_FAILED_ATTEMPTS:
        until = now + LOCK_DURATION
        accounts.record_failure(con, key, failures, locked_until=until)  # the count starts again after the lock
        raise AccountLocked(until)
    accounts.record_failure(con, key, failures)
    sleep(failure_delay(failures))
    raise SignInFailed(WRONG_NAME_OR_PASSWORD)


def has_real_data(con) -> bool:
    """Whether any upload is not sample data (sign-in is then required); rolled-back uploads count."""
    if setting(con, "database_kind") == "sample":
        # Only the uploads build_sample_database made are sample data; anything loaded since is real.
        return accounts.uploads_not_by(con, SAMPLE_UPLOADER) > 0
    return accounts.uploads_count(con) > 0
