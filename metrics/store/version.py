"""The data version: a token beside the database file that changes whenever its figures may change.

Loads, rollbacks, restores and settings changes move it on (connection.write with changes_data);
sign-ins, exports and other audit entries do not. The app keys every cached figure on it, and
reads it from this small file rather than the database, so that a rerun whose figures are all
cached never opens the database at all.
"""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path

# How many times this process has moved a data version on: a reader that keeps a token for a while (the
# app, for one rerun) reads the file again when this has changed, so it never misses its own writes.
_bumps = itertools.count()
_bumped = 0


def _file(database: Path) -> Path:
    return database.with_name(database.name + ".version")


def data_version(database: str | os.PathLike | None) -> str:
    """The database's data version ('' before its first change, or for an in-memory database)."""
    if database is None:
        return ""
    try:
        return _file(Path(database)).read_text(encoding="ascii").strip()
    except (FileNotFoundError, NotADirectoryError):
        return ""


def bump(database: str | os.PathLike | None) -> None:
    """Move the data version on (atomically: a reader sees the old token or the new one)."""
    global _bumped
    if database is None:
        return
    target = _file(Path(database))
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex}")
    partial.write_text(uuid.uuid4().hex + "\n", encoding="ascii")
    os.replace(partial, target)
    _bumped = next(_bumps) + 1  # after the new token is there: a reader that sees the count sees the token


def bumps() -> int:
    """How many times this process has moved any data version on (see `bump`)."""
    return _bumped
