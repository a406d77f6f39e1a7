"""The command line's account commands (`init`, `users add|list|set-role|remove`) and its plain tables."""

from __future__ import annotations

import getpass
import json
import sys

from metrics.cli.parser import user_of


def read_new_password(args, name: str) -> str | None:
    """The new password from stdin or from two prompts, checked; None when the two differ."""
    from metrics.admin import users

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {name}: ")
        users.check_password(password, name)
        if getpass.getpass("The same password again: ") != password:
            return None
    users.check_password(password, name)
    return password


def init_command(args) -> int:
    """Create the real database with its default reference data and its first manager; never over one."""
    from metrics.admin import setup, users
    from metrics.store import connection
    from metrics.store.logs import record

    path = connection.database_path(args.db)
    if path.exists():
        print(f"Error: {path} already exists: init only creates a new database (add users to it with "
              "`python -m metrics users add`)", file=sys.stderr)
        return 1
    name = users.check_name(args.manager)
    password = read_new_password(args, name)
    if password is None:
        print("Error: the two passwords differ; nothing was created.", file=sys.stderr)
        return 1
    try:
        with setup.open_database(path) as con:
            record(con, user_of(args), "database created", "python -m metrics init")
            users.add_user(con, name, "manager", password, user_of(args))
    except BaseException:
        for made in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".version")):
            made.unlink(missing_ok=True)
        raise
    print(f"Created the database at {path} with {name} as its first manager: start the dashboard, and sign in.")
    return 0


def users_command(args, con) -> int:
    from metrics.admin import users

    if args.action == "add":
        password = read_new_password(args, args.name)
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
    elif args.action == "reset":
        users.reset(con, args.name, user_of(args))
        print(f"Forgot the failed sign-ins of {users.normalise_name(args.name)} and from every address: "
              "they can sign in now")
    elif args.action == "set-password":
        if users.get_user(con, args.name) is None:
            raise LookupError(f"there is no user named {users.normalise_name(args.name)!r}")
        password = read_new_password(args, users.normalise_name(args.name))
        if password is None:
            print("Error: the two passwords differ; the password was not changed.", file=sys.stderr)
            return 1
        users.set_password(con, args.name, password, user_of(args))
        print(f"Set a new password for {users.normalise_name(args.name)}")
    else:
        users.remove_user(con, args.name, user_of(args))
        print(f"Removed {users.normalise_name(args.name)}")
    return 0


def _users_table(listed: list[dict]) -> str:
    def when(value) -> str:
        return f"{value:%Y-%m-%d %H:%M}" if value else "-"

    rows = [(user["name"], user["role"], when(user["created_at"]), when(user["last_sign_in"])) for user in listed]
    return plain_table(("name", "role", "created", "last sign-in"), rows)


def plain_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    """Left-aligned columns separated by two spaces."""
    rows = [header, *[tuple("" if cell is None else str(cell) for cell in row) for row in rows]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)
