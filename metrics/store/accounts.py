"""Local accounts as stored: the users table and the failed sign-ins counted against names and addresses.

The rules (hashing, throttling) are admin.users'; every write here is one connection.write.
"""

from __future__ import annotations

import datetime as dt

from metrics.store.connection import write
from metrics.store.logs import audit

PUBLIC_COLUMNS = ("name", "role", "created_at", "last_sign_in")
_PUBLIC = ", ".join(PUBLIC_COLUMNS)


def get_user(con, name: str) -> dict | None:
    """One user without the password hash, or None."""
    rows = con.execute(f"SELECT {_PUBLIC} FROM users WHERE name = ?", [name]).fetchall()
    return dict(zip(PUBLIC_COLUMNS, rows[0])) if rows else None


def list_users(con) -> list[dict]:
    """Every user, by name, without password hashes."""
    rows = con.execute(f"SELECT {_PUBLIC} FROM users ORDER BY name").fetchall()
    return [dict(zip(PUBLIC_COLUMNS, row)) for row in rows]


def credentials(con, name: str) -> tuple | None:
    """(role, password_hash) of a user, or None."""
    rows = con.execute("SELECT role, password_hash FROM users WHERE name = ?", [name]).fetchall()
    return rows[0] if rows else None


def failures(con, keys: list[str], since: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(failures in a row, last failure) of each of `keys` that failed since `since`."""
    return con.execute("SELECT failures, last_failure FROM sign_in_failures WHERE list_contains(?, key) "
                       "AND last_failure >= ?", [keys, since]).fetchall()


def insert_user(con, name: str, role: str, password_hash: str, created_at: dt.datetime, actor: str | None) -> None:
    with write(con, changes_data=False):
        con.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
            [name, role, password_hash, created_at],
        )
        audit(con, actor, "user added", f"{name} as {role}")


def update_role(con, name: str, old_role: str, role: str, actor: str | None) -> None:
    with write(con, changes_data=False):
        con.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])
        audit(con, actor, "user role changed", f"{name}: {old_role} -> {role}")


def delete_user(con, name: str, role: str, actor: str | None) -> None:
    with write(con, changes_data=False):
        con.execute("DELETE FROM users WHERE name = ?", [name])
        audit(con, actor, "user removed", f"{name} (was {role})")


def record_sign_in(con, name: str, role: str, when: dt.datetime, password_hash: str, counted: str) -> None:
    """A successful sign-in: the time kept, the hash (perhaps rehashed) stored, the name's failures forgotten."""
    with write(con, changes_data=False):
        con.execute("UPDATE users SET last_sign_in = ?, password_hash = ? WHERE name = ?", [when, password_hash, name])
        con.execute("DELETE FROM sign_in_failures WHERE key = ?", [counted])
        audit(con, name, "sign-in", f"local account as {role}")


def record_failure(con, keys: list[str], when: dt.datetime, since: dt.datetime, actor: str | None,
                   detail: str) -> None:
    """A failed sign-in, counted against each key; failures from before `since` are forgotten first."""
    with write(con, changes_data=False):
        con.execute("DELETE FROM sign_in_failures WHERE last_failure < ?", [since])
        for key in keys:
            con.execute("INSERT INTO sign_in_failures VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE "
                        "SET failures = failures + 1, last_failure = excluded.last_failure", [key, when])
        audit(con, actor, "sign-in failed", detail)


def clear_failures(con, key: str, actor: str | None) -> None:
    """Forget the failures of one name and of every address (the command line's reset)."""
    with write(con, changes_data=False):
        con.execute("DELETE FROM sign_in_failures WHERE key = ? OR starts_with(key, 'address:')", [key])
        audit(con, actor, "sign-in failures cleared", key.removeprefix("user:"))


def update_password(con, name: str, password_hash: str, actor: str | None) -> None:
    with write(con, changes_data=False):
        con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [password_hash, name])
        audit(con, actor, "password changed", name)


def uploads_not_by(con, uploader: str) -> int:
    return con.execute("SELECT count(*) FROM uploads WHERE uploaded_by IS DISTINCT FROM ?", [uploader]).fetchall()[0][0]


def uploads_count(con) -> int:
    return con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
