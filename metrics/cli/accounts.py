"""The command line's account commands (`users add|list|set-role|remove`) and its plain tables."""

from __future__ import annotations

import getpass
import json
import sys

from metrics.cli.parser import user_of


def read_new_password(args) -> str | None:
    """The new password from stdin or from two prompts; None when the two differ."""
    from metrics.admin import users

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass(f"Password for {args.name}: ")
    users.check_password(password)
    return password if getpass.getpass("The same password again: ") == password else None


def users_command(args, con) -> int:
    from metrics.admin import users

    if args.action == "add":
        password = read_new_password(args)
        if password is None:
            print("Error: the two passwords differ; no user was added.", file=sys.stderr)
            return 1
        user = users.add_user(con, args.name, args.role, password, user_of(args))
        print(f"Added {user['name']} as {user['role']}")
    elif args.action == "list":
        listed = users.list_users(con)
        if args.json:
            print(json.dumps(listed, indent=1, default=lambda when: when.isoformat(timespec="seconds")))
        elif not listed:
            print("No users yet: add one with `python -m metrics users add NAME --role manager`.")
        else:
            print(_users_table(listed))
    elif args.action == "set-role":
        user = users.set_role(con, args.name, args.role, user_of(args))
        print(f"{user['name']} is now {user['role']}")
    else:
        users.remove_user(con, args.name, user_of(args))
        print(f"Removed {users.normalise_name(args.name)}")
    return 0


def _users_table(listed: list[dict]) -> str:
    import datetime as dt

    def when(value) -> str:
        return f"{value:%Y-%m-%d %H:%M}" if value else "-"

    now = dt.datetime.now()
    rows = []
    for user in listed:
        locked = user["locked_until"] if user["locked_until"] and user["locked_until"] > now else None
        rows.append((user["name"], user["role"], when(user["created_at"]), when(user["last_sign_in"]), when(locked)))
    return plain_table(("name", "role", "created", "last sign-in", "locked until"), rows)


def plain_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    """Left-aligned columns separated by two spaces."""
    rows = [header, *[tuple("" if cell is None else str(cell) for cell in row) for row in rows]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)
