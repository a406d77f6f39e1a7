"""Local accounts as stored: the users table. The rules (hashing, throttling) are admin.users'."""

from __future__ import annotations

import datetime as dt

from metrics.store.connection import write
from metrics.store.logs import audit

PUBLIC_COLUMNS = ("name", "role", "created_at", "last_sign_in", "failed_attempts", "locked_until")
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
    """(role, password_hash, failed_attempts, locked_until) of a user, or None."""
    rows = con.execute(
        "SELECT role, password_hash, failed_attempts, locked_until FROM users WHERE name = ?", [name]
    ).fetchall()
    return rows[0] if rows else None


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


def record_sign_in(con, name: str, role: str, when: dt.datetime, password_hash: str) -> None:
    """A successful sign-in: the failure count cleared, the time kept, the hash (perhaps rehashed) stored."""
    with write(con, changes_data=False):
        con.execute(
            """UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in = ?, password_hash = ?
               WHERE name = ?""",
            [when, password_hash, name],
        )
        audit(con, name, "sign-in", f"local account as {role}")


def record_failure(con, name: str, failures: int, locked_until: dt.datetime | None = None) -> None:
    """A failed sign-in; with `locked_until`, the account is locked and its count starts again."""
    with write(con, changes_data=False):
        if locked_until is None:
            con.execute("UPDATE users SET failed_attempts = ? WHERE name = ?", [failures, name])
            audit(con, name, "sign-in failed", f"wrong password ({failures} in a row)")
            return
        con.execute("UPDATE users SET failed_attempts = 0, locked_until = ? WHERE name = ?", [locked_until, name])
        audit(con, name, "sign-in failed", f"wrong password ({failures} in a row)")
        audit(con, name, "account locked", f"after {failures} failed sign-ins, until {locked_until:%Y-%m-%d %H:%M}")


def uploads_not_by(con, uploader: str) -> int:
    return con.execute("SELECT count(*) FROM uploads WHERE uploaded_by IS DISTINCT FROM ?", [uploader]).fetchall()[0][0]


def uploads_count(con) -> int:
    return con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
