"""`python -m metrics ...`: the command line. Exit 0 done, 1 rejected or failed, 2 usage error."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from metrics.access import ROLES
from metrics.contract import Rejected


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="DuckDB file (default: $DASHBOARD_DB or data/dashboard.duckdb)")
    return common


def _month(text: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (YYYY-MM)")
    return text


def _month_range(text: str) -> tuple[str, str]:
    start, sep, end = text.partition(":")
    return _month(start), _month(end if sep else start)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metrics", description="MSHT advocate performance dashboard")
    sub = parser.add_subparsers(dest="command", required=True)
    common = _common()

    p = sub.add_parser("template", parents=[common], help="write the blank monthly return")
    p.add_argument("path")
    p.add_argument("--month", type=_month, help="fill in About's reporting_month")

    p = sub.add_parser("ingest", parents=[common], help="check and load monthly returns")
    p.add_argument("paths", nargs="+")
    p.add_argument("--user", default=None, help="who is uploading (default: the login name)")

    p = sub.add_parser("rollback", parents=[common], help="bring back the previous version of a month")
    p.add_argument("month", type=_month)
    p.add_argument("--service")
    p.add_argument("--user", default=None)

    p = sub.add_parser("uploads", parents=[common], help="list the upload log")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("settings", parents=[common], help="import or export reference data")
    settings = p.add_subparsers(dest="action", required=True)
    s = settings.add_parser("import", parents=[common], help="replace tables from budget.csv, kpi_targets.csv, ...")
    s.add_argument("files", nargs="+")
    s.add_argument("--user", default=None)
    s = settings.add_parser("export", parents=[common], help="write every reference table as CSV")
    s.add_argument("directory")
    s = settings.add_parser("cost-benefit", parents=[common], help="set the cost-benefit ratio and its source")
    s.add_argument("ratio", type=float)
    s.add_argument("source")
    s.add_argument("--user", default=None)

    p = sub.add_parser("report", parents=[common], help="every measure for a period")
    p.add_argument("--from", dest="first", type=_month, required=True)
    p.add_argument("--to", dest="last", type=_month, required=True)
    p.add_argument("--service")
    p.add_argument("--audience", choices=("internal", "partnership"), default="internal")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("growth", parents=[common], help="referral growth against the NRM reference areas")
    p.add_argument("--base", type=_month_range, required=True, help="YYYY-MM:YYYY-MM")
    p.add_argument("--compare", type=_month_range, required=True, help="YYYY-MM:YYYY-MM")
    p.add_argument("--service")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("pack", parents=[common], help="the scrutiny pack for a period, as a PDF or an Excel workbook")
    p.add_argument("--from", dest="first", type=_month, required=True)
    p.add_argument("--to", dest="last", type=_month, required=True)
    p.add_argument("--out", required=True, help="FILE.pdf or FILE.xlsx")
    p.add_argument("--service")
    p.add_argument("--audience", choices=("internal", "partnership"), default="internal")
    p.add_argument("--user", default=None, help="who is exporting it, for the audit log (default: the login name)")

    p = sub.add_parser("users", parents=[common], help="manage local accounts (sign-in without OIDC)")
    users = p.add_subparsers(dest="action", required=True)
    s = users.add_parser("add", parents=[common], help="add a user; the password is asked for twice")
    s.add_argument("name")
    s.add_argument("--role", choices=ROLES, required=True)
    s.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    s.add_argument("--user", default=None, help="who is making the change (default: the login name)")
    s = users.add_parser("list", parents=[common], help="list users and their roles")
    s.add_argument("--json", action="store_true")
    s = users.add_parser("set-role", parents=[common], help="change a user's role")
    s.add_argument("name")
    s.add_argument("role", choices=ROLES)
    s.add_argument("--user", default=None)
    s = users.add_parser("remove", parents=[common], help="remove a user")
    s.add_argument("name")
    s.add_argument("--user", default=None)

    p = sub.add_parser("backup", parents=[common], help="copy the whole database into a new folder, as Parquet")
    p.add_argument("directory")

    p = sub.add_parser("restore", parents=[common], help="rebuild the database from a backup folder or zip")
    p.add_argument("source")
    p.add_argument("--force", action="store_true", help="replace a database that holds returns")
    p.add_argument("--user", default=None)

    p = sub.add_parser("audit", parents=[common], help="the audit log, newest first")
    p.add_argument("--limit", type=_positive, help="show only the newest N entries")
    p.add_argument("--json", action="store_true")
    return parser


def _user(args) -> str:
    return getattr(args, "user", None) or getpass.getuser()


def _print_problems(exc: Rejected) -> None:
    count = len(exc.problems)
    print(f"Rejected: {count} problem{'s' if count != 1 else ''}; nothing was changed.", file=sys.stderr)
    for problem in exc.problems:
        print(problem, file=sys.stderr)


def run(argv: list[str] | None = None) -> int:
    from metrics import db

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "template":
            from metrics.template import write_template

            path = write_template(args.path, args.month)
            print(f"Wrote the blank monthly return to {path}")
            return 0
        if args.command == "restore":  # builds the database itself: nothing to connect to first
            from metrics import backup

            done = backup.restore(args.source, db.database_path(args.db), args.force, _user(args))
            print(
                f"Restored {done['uploads']} uploads ({done['months']} months current) "
                f"from {args.source} into {done['target']}"
            )
            return 0
        with db.connect(args.db) as con:
            return _dispatch(args, con)
    except Rejected as exc:
        _print_problems(exc)
        return 1
    except (db.DatabaseBusy, db.DatabaseUnreadable, LookupError, FileNotFoundError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1


def _dispatch(args, con) -> int:
    from metrics import ingest, reference, store

    if args.command == "ingest":
        for loaded in ingest.ingest_paths(con, args.paths, _user(args)):
            replaced = f", replacing upload {loaded['replaced_upload_id']}" if loaded["replaced_upload_id"] else ""
            print(
                f"Loaded {loaded['file']}: {loaded['service']} {loaded['reporting_month']}, "
                f"{loaded['cases_rows']} cases, {loaded['spend_rows']} spend lines "
                f"(upload {loaded['upload_id']}{replaced})"
            )
        return 0
    if args.command == "rollback":
        try:
            done = store.rollback(con, args.month, args.service, _user(args))
        except store.NothingToRollBack as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 1
        print(
            f"Rolled back {done['service']} {done['reporting_month']}: upload {done['withdrawn']} withdrawn, "
            f"upload {done['current']} is current again"
        )
        return 0
    if args.command == "uploads":
        log = store.upload_log(con)
        if args.json:
            print(log.to_json(orient="records", date_format="iso", indent=1))
        elif log.empty:
            print("No uploads yet.")
        else:
            print(log.drop(columns=["sha256", "rolled_back_by"]).to_string(index=False))
        return 0
    if args.command == "settings":
        if args.action == "import":
            for name, rows in reference.import_files(con, args.files, _user(args)).items():
                print(f"Replaced {Path(name).stem} with {rows} rows from {name}")
            warning = reference.spend_without_grant(con)
            if warning:
                print(f"Warning: {warning}", file=sys.stderr)
        elif args.action == "export":
            for path in reference.export_files(con, args.directory):
                print(f"Wrote {path}")
        else:
            reference.set_cost_benefit(con, args.ratio, args.source, _user(args))
            print(f"Cost-benefit ratio set to {args.ratio}")
        return 0
    if args.command == "report":
        from metrics import text
        from metrics.periods import Period
        from metrics.report import report

        result = report(con, Period(args.first, args.last), args.service, args.audience)
        # --json prints exactly the documented keys (issue 3); service and audience head the text form only.
        documented = {k: v for k, v in result.items() if k not in ("service", "audience")}
        print(json.dumps(documented, indent=2) if args.json else text.report_table(result))
        return 0
    if args.command == "growth":
        from metrics import text
        from metrics.periods import Period
        from metrics.report import growth

        base, compare = Period(*args.base), Period(*args.compare)
        result = growth(con, base, compare, args.service)
        print(json.dumps(result, indent=2) if args.json else text.growth_table(result, base, compare))
        return 0
    if args.command == "pack":
        import time

        from metrics import pack
        from metrics.periods import Period

        started = time.perf_counter()
        period = Period(args.first, args.last)
        path = pack.write(con, period, args.out, args.service, args.audience)
        pack.record_export(con, _user(args), period, args.service, args.audience, path.suffix.lstrip("."))
        print(f"Wrote the {args.audience} scrutiny pack to {path} in {time.perf_counter() - started:.1f} s")
        return 0
    if args.command == "users":
        return _users(args, con)
    if args.command == "backup":
        from metrics import backup

        files = backup.backup(con, args.directory)
        print(f"Backed up the database to {args.directory} ({len(files)} files)")
        return 0
    if args.command == "audit":
        log = store.audit_entries(con, args.limit)
        if args.json:
            print(log.to_json(orient="records", date_format="iso", indent=1))
        elif log.empty:
            print("The audit log is empty.")
        else:
            rows = [(f"{r.logged_at:%Y-%m-%d %H:%M:%S}", r.actor, r.action, r.detail) for r in log.itertuples()]
            print(_plain_table(("when", "who", "what", "detail"), rows))
        return 0
    raise AssertionError(args.command)


def _read_new_password(args) -> str | None:
    """The new password from stdin or from two prompts; None when the two differ."""
    from metrics import users

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass(f"Password for {args.name}: ")
    users.check_password(password)
    return password if getpass.getpass("The same password again: ") == password else None


def _users(args, con) -> int:
    from metrics import users

    if args.action == "add":
        password = _read_new_password(args)
        if password is None:
            print("Error: the two passwords differ; no user was added.", file=sys.stderr)
            return 1
        user = users.add_user(con, args.name, args.role, password, _user(args))
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
        user = users.set_role(con, args.name, args.role, _user(args))
        print(f"{user['name']} is now {user['role']}")
    else:
        users.remove_user(con, args.name, _user(args))
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
    return _plain_table(("name", "role", "created", "last sign-in", "locked until"), rows)


def _plain_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    """Left-aligned columns separated by two spaces."""
    rows = [header, *[tuple("" if cell is None else str(cell) for cell in row) for row in rows]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def main() -> None:
    sys.exit(run())
