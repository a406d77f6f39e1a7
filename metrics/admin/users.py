"""Local accounts: argon2id password hashes, sign-in that slows guessing without locking anyone out.

    add_user(con, "jo.bloggs", "manager", password, actor="admin")
    try:
        user = authenticate(con, name, password, address)   # {"name", "role", "created_at", "last_sign_in"}
    except SignInThrottled as exc:                # a SignInFailed; exc.wait: seconds until the next try
        ...
    except SignInFailed as exc:                   # str(exc) is a message fit to show
        ...
    reset(con, name, actor)                       # the command line's way in: forget the failures
    has_real_data(con)                            # True: sign-in is required; False: demo mode

The rules, as module constants:
- Only an argon2id hash (salted, from argon2-cffi) is stored; a password is never stored, logged or
  put in an error message. A password has at least MIN_PASSWORD_LENGTH characters, does not contain
  the user name and scores MIN_STRENGTH or more with zxcvbn (PASSWORD_ADVICE says how to choose one).
- Names are lower-cased, so "Jo.Bloggs" and "jo.bloggs" are one account; an email address is a
  valid name.
- Unknown and known names are answered alike: the same message, the same hashing work (a dummy hash),
  the same writes (a failure counted for the typed name and for the client's address, and an audit
  entry), so neither the answer nor its time says whether a name exists.
- Failures are counted per name and per client address; after FREE_FAILURES in a row the next try
  of that name, or from that address, waits wait_after(failures) seconds (2, 4, 8 ... at most
  MAX_WAIT_SECONDS): a delay that grows, never a lock. A failure older than FORGET_AFTER counts no
  more; a success clears its name's count (not its address's). A throttled try checks no password.
- A typed name that is no account is counted under a keyed hash (the key lives only in this process),
  so that a password typed into the name box is never stored. The manager can always get in from the
  command line: `users reset NAME` forgets the failures, `users set-password NAME` sets a new password.
- Times are naive local datetimes, like the rest of the store; tests pass `now`.
- Every sign-in, failure, throttled try and user change goes to the audit log, each in a write of
  its own (metrics.store.accounts). OIDC sign-ins are not handled here: audit them with store.logs.record.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import math
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from metrics.admin.access import check_role
from metrics.i18n import N_, _, ngettext
from metrics.store import accounts
from metrics.store.logs import record
from metrics.store.settings import setting

FREE_FAILURES = 3
FIRST_WAIT_SECONDS = 2
MAX_WAIT_SECONDS = 60
FORGET_AFTER = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
# zxcvbn's score from 0 to 4 of how hard a password is to guess: 3 is "safely unguessable" (about 10^8 to
# 10^10 guesses), and words about the service count as guessable.
MIN_STRENGTH = 3
GUESSABLE = ("msht", "gwent", "connect", "dashboard", "victim", "support", "advocate", "slavery", "manager",
             "commissioner", "partnership")
PASSWORD_ADVICE = N_("Three random words together make a password that is strong and easy to remember (the "
                   "National Cyber Security Centre's advice): pick three that mean nothing together, and avoid "
                   "names, dates and words about the service.")
# build_sample_database loads the sample returns as this user into a database marked 'sample'.
SAMPLE_UPLOADER = "sample data"

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
WRONG_NAME_OR_PASSWORD = N_("The name or password is not right.")  # translated where raised


class SignInFailed(Exception):
    """A sign-in was refused; the message says why without saying which of name or password was wrong."""


class SignInThrottled(SignInFailed):
    """Too many failed sign-ins of this name or from this address: try again in `wait` seconds."""

    def __init__(self, wait: int):
        super().__init__(ngettext("Too many failed sign-ins with this name or from this computer: wait {n} seconds, "
                                  "then try again.",  # English says "seconds" even of 1, as it always has
                                  "Too many failed sign-ins with this name or from this computer: wait {n} seconds, "
                                  "then try again.", wait).format(n=wait))
        self.wait = wait


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


def wait_after(failures: int) -> int:
    """Seconds to wait after the last of this many failures in a row: none for the first two, then 2, 4 ... 60."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_WAIT_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS)


@functools.cache
def _process_key() -> bytes:
    return secrets.token_bytes(32)


def _counted_as(key: str, known: bool, address: str | None) -> list[str]:
    """What a failure is counted against: the account (or the typed name, hashed), and the client address."""
    name = f"user:{key}" if known else "typed:" + hmac.new(_process_key(), key.encode(), hashlib.sha256).hexdigest()
    return [name, f"address:{address or 'local'}"]


def normalise_name(name: str) -> str:
    """The stored form of a user name: stripped and lower-cased."""
    return name.strip().lower()


def check_name(name: str) -> str:
    key = normalise_name(name)
    if not NAME_PATTERN.fullmatch(key):
        raise ValueError(_(
            "{name} is not a usable name: up to 64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        ).format(name=repr(name)))
    return key


def check_password(password: str, name: str | None = None) -> None:
    """Raise ValueError if the password is too short or too easy to guess (the message never repeats it)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(_("a password needs at least {n} characters. {advice}").format(
            n=MIN_PASSWORD_LENGTH, advice=_(PASSWORD_ADVICE)))
    if password.strip() != password:
        raise ValueError(_("a password may not start or end with a space"))
    key = normalise_name(name or "")
    if key and key in password.lower():
        raise ValueError(_("a password may not contain the user name. {advice}").format(advice=_(PASSWORD_ADVICE)))
    from zxcvbn import zxcvbn  # imported when needed: it loads its word lists

    if zxcvbn(password, user_inputs=[key, *GUESSABLE])["score"] < MIN_STRENGTH:
        raise ValueError(_("that password is too easy to guess: it is a common one, or close to one. {advice}").format(
            advice=_(PASSWORD_ADVICE)))


def get_user(con, name: str) -> dict | None:
    """One user without the password hash, or None."""
    return accounts.get_user(con, normalise_name(name))


def _existing(con, name: str) -> dict:
    user = get_user(con, name)
    if user is None:
        raise LookupError(_("there is no user named {name}").format(name=repr(normalise_name(name))))
    return user


def list_users(con) -> list[dict]:
    """Every user, by name, without password hashes."""
    return accounts.list_users(con)


def add_user(con, name: str, role: str, password: str, actor: str | None, now: dt.datetime | None = None) -> dict:
    """Create a local account; ValueError for a taken name, an unknown role or a weak password."""
    key, role = check_name(name), check_role(role)
    check_password(password, key)
    if get_user(con, key) is not None:
        raise ValueError(_("there is already a user named {name}").format(name=repr(key)))
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


def authenticate(con, name: str, password: str, address: str | None = None, now: dt.datetime | None = None) -> dict:
    """The signed-in user (name, role, created_at, last_sign_in), or SignInFailed / SignInThrottled.

    `address` is the client's (None for this machine). Every path below does the same work for a name
    that exists and one that does not.
    """
    now = now or dt.datetime.now()
    key, password = normalise_name(name or ""), password or ""
    found = accounts.credentials(con, key)
    counted = _counted_as(key, found is not None, address)
    actor = key if found is not None else None  # a typed name is never logged: it may be a password
    where = f"from {address or 'this machine'}"
    counts = accounts.failures(con, counted, now - FORGET_AFTER)
    wait = max([(last + dt.timedelta(seconds=wait_after(n)) - now).total_seconds() for n, last in counts], default=0)
    if wait > 0:
        record(con, actor, "sign-in throttled", f"{'known' if found else 'unknown'} name, {where}")
        raise SignInThrottled(math.ceil(wait))
    right = _verify(found[1] if found else _dummy_hash(), password)
    if found is None or not right:
        detail = f"{'wrong password' if found else 'unknown user name'}, {where}"
        accounts.record_failure(con, counted, now, now - FORGET_AFTER, actor, detail)
        raise SignInFailed(_(WRONG_NAME_OR_PASSWORD))
    role, password_hash = found
    if _hasher().check_needs_rehash(password_hash):
        password_hash = hash_password(password)
    accounts.record_sign_in(con, key, role, now, password_hash, counted[0])
    user = get_user(con, key)
    return {k: user[k] for k in ("name", "role", "created_at", "last_sign_in")}


def reset(con, name: str, actor: str | None) -> None:
    """Forget the failed sign-ins of a user, and from every address, so that they can sign in at once."""
    user = _existing(con, name)
    accounts.clear_failures(con, f"user:{user['name']}", actor)


def set_password(con, name: str, password: str, actor: str | None) -> None:
    """Give a user a new password (checked as add_user checks one); their failed sign-ins are forgotten."""
    user = _existing(con, name)
    check_password(password, user["name"])
    accounts.update_password(con, user["name"], hash_password(password), actor)
    accounts.clear_failures(con, f"user:{user['name']}", actor)


def has_real_data(con) -> bool:
    """Whether any upload is not sample data (sign-in is then required); rolled-back uploads count."""
    if setting(con, "database_kind") == "sample":
        # Only the uploads build_sample_database made are sample data; anything loaded since is real.
        return accounts.uploads_not_by(con, SAMPLE_UPLOADER) > 0
    return accounts.uploads_count(con) > 0
