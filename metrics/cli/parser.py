"""The command line's arguments: every subcommand, its options and how a month or a range is read."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import re

from metrics.admin.access import ROLES
from metrics.admin.actions import STATUSES, TOPICS


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="DuckDB file (default: $DASHBOARD_DB or data/dashboard.duckdb)")
    common.add_argument("--lang", choices=("en", "cy", "both"),
                        help="the language of what it writes: en, cy (Cymraeg), or both (pack and template: "
                             "one bilingual file); default $DASHBOARD_LANGUAGE, else English")
    return common


def _month(text: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (YYYY-MM)")
    return text


def _month_range(text: str) -> tuple[str, str]:
    start, sep, end = text.partition(":")
    return _month(start), _month(end if sep else start)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metrics", description="MSHT advocate performance dashboard")
    sub = parser.add_subparsers(dest="command", required=True)
    common = _common()

    p = sub.add_parser("init", parents=[common], help="create the real database and its first manager account")
    p.add_argument("--manager", required=True, metavar="NAME", help="the first manager's name for signing in")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--user", default=None, help="who is creating it, for the audit log (default: the login name)")

    p = sub.add_parser("template", parents=[common], help="write the blank monthly return, or next month's pre-filled")
    p.add_argument("path")
    p.add_argument("--month", type=_month, help="fill in About's reporting_month")
    p.add_argument("--prefill", action="store_true",
                   help="carry every case open at the end of the latest loaded month, as last reported")
    p.add_argument("--service", help="the service to pre-fill for (needed when several are loaded)")

    p = sub.add_parser("ingest", parents=[common], help="check and load monthly returns")
    p.add_argument("paths", nargs="+")
    p.add_argument("--user", default=None, help="who is uploading (default: the login name)")
    p.add_argument("--voices-checked", action="store_true",
                   help="load voices whose text the check listed as possibly identifying, once you have read them")

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

    p = sub.add_parser("publish", parents=[common], help="write the partnership's protected figures (figures.csv)")
    p.add_argument("--out", required=True, help="a folder for figures.csv and its README.md")
    p.add_argument("--service")

    p = sub.add_parser("growth", parents=[common], help="referral growth against the NRM reference areas")
    p.add_argument("--base", type=_month_range, required=True, help="YYYY-MM:YYYY-MM")
    p.add_argument("--compare", type=_month_range, required=True, help="YYYY-MM:YYYY-MM")
    p.add_argument("--service")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("pack", parents=[common], help="the scrutiny pack for a period, as a PDF or an Excel workbook; "
                       "or the end-of-grant evaluation (--evaluation --grant NAME)")
    p.add_argument("--from", dest="first", type=_month, help="the period's first month (not with --evaluation)")
    p.add_argument("--to", dest="last", type=_month, help="the period's last month (not with --evaluation)")
    p.add_argument("--evaluation", action="store_true", help="the end-of-grant evaluation of --grant, as a PDF")
    p.add_argument("--grant", help="the grant to evaluate, as named in the budget")
    p.add_argument("--out", required=True, help="FILE.pdf or FILE.xlsx")
    p.add_argument("--service")
    p.add_argument("--audience", choices=("internal", "partnership"), default="internal")
    p.add_argument("--user", default=None, help="who is exporting it, for the audit log (default: the login name)")

    p = sub.add_parser("actions", parents=[common], help="the action log of the scrutiny meetings")
    acts = p.add_subparsers(dest="action", required=True)
    s = acts.add_parser("list", parents=[common], help="the actions by due date, overdue ones flagged")
    s.add_argument("--all", action="store_true", help="done and dropped actions too (default: open only)")
    s.add_argument("--today", type=_date, help="the day that overdue is counted from (default: today)")
    s.add_argument("--json", action="store_true")
    s = acts.add_parser("add", parents=[common], help="raise an action")
    s.add_argument("--title", required=True)
    s.add_argument("--about", required=True, help="a measure's name (see `report`) or a topic: " + ", ".join(TOPICS))
    s.add_argument("--period", type=_month_range, required=True, help="the period it was raised on, YYYY-MM:YYYY-MM")
    s.add_argument("--owner", required=True)
    s.add_argument("--due", type=_date, required=True, help="YYYY-MM-DD")
    s.add_argument("--user", default=None)
    s = acts.add_parser("update", parents=[common], help="add a dated update to an action, or change its status")
    s.add_argument("id", type=_positive)
    s.add_argument("--text", default="", help="what happened (needed unless --status is given)")
    s.add_argument("--status", choices=STATUSES)
    s.add_argument("--date", type=_date, help="the update's date (default: today)")
    s.add_argument("--user", default=None)

    p = sub.add_parser("meeting", parents=[common], help="record a meeting's pack, or rebuild it and check it")
    meets = p.add_subparsers(dest="action", required=True)
    s = meets.add_parser("record", parents=[common], help="build the meeting's PDF pack and store its SHA-256")
    s.add_argument("--date", type=_date, required=True, help="the meeting's day, YYYY-MM-DD")
    s.add_argument("--period", type=_month_range, required=True, help="YYYY-MM:YYYY-MM")
    s.add_argument("--service")
    s.add_argument("--out", help="also write the pack to this .pdf file")
    s.add_argument("--user", default=None)
    s = meets.add_parser("rebuild", parents=[common], help="build a meeting's pack again and check its SHA-256")
    s.add_argument("--date", type=_date, required=True)
    s.add_argument("--out", help="write the rebuilt pack to this .pdf file")
    s = meets.add_parser("list", parents=[common], help="the recorded meetings")
    s.add_argument("--json", action="store_true")

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
    s = users.add_parser("reset", parents=[common], help="forget a user's failed sign-ins, so they can sign in now")
    s.add_argument("name")
    s.add_argument("--user", default=None)
    s = users.add_parser("set-password", parents=[common], help="give a user a new password (asked for twice)")
    s.add_argument("name")
    s.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    s.add_argument("--user", default=None)

    p = sub.add_parser("backup", parents=[common], help="copy the whole database into a new folder, as Parquet")
    p.add_argument("directory")

    p = sub.add_parser("restore", parents=[common], help="rebuild the database from a backup folder")
    p.add_argument("source")
    p.add_argument("--force", action="store_true", help="replace a database that holds returns")
    p.add_argument("--user", default=None)

    p = sub.add_parser("audit", parents=[common], help="the audit log, newest first")
    p.add_argument("--limit", type=_positive, help="show only the newest N entries")
    p.add_argument("--json", action="store_true")
    return parser


def user_of(args) -> str:
    """Who is acting: --user, else the login name."""
    return getattr(args, "user", None) or getpass.getuser()
