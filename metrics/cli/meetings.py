"""The `actions` and `meeting` commands (the action log, meetings' packs recorded and rebuilt) and the
end-of-grant evaluation (`pack --evaluation`)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from metrics.cli.accounts import plain_table
from metrics.cli.parser import user_of
from metrics.periods import Period

LIST_COLUMNS = ("action_id", "status", "due_date", "overdue", "title", "about", "raised_period", "owner",
                "latest_update_date", "latest_update")


def _json(value):
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)


def actions_command(args, con) -> int:
    from metrics.admin import actions

    try:
        if args.action == "list":
            found = actions.listing(con, "all" if args.all else "open", args.today)
            if args.json:
                print(json.dumps([{k: r[k] for k in LIST_COLUMNS} for r in found], indent=1, default=_json))
            elif not found:
                print("No actions." if args.all else "No open actions.")
            else:
                print(plain_table(("no.", "status", "due", "overdue", "action", "about", "raised on", "owner"),
                                  [(r["action_id"], r["status"], f"{r['due_date']:%Y-%m-%d}",
                                    "OVERDUE" if r["overdue"] else "", r["title"], r["about_label"],
                                    r["raised_period"], r["owner"]) for r in found]))
            return 0
        if args.action == "add":
            number = actions.raise_action(con, title=args.title, about=args.about, period=Period(*args.period),
                                          owner=args.owner, due_date=args.due, who=user_of(args))
            print(f"Raised action {number}: {args.title.strip()} (due {args.due:%Y-%m-%d})")
            return 0
        actions.add_update(con, args.id, args.text, user_of(args), status=args.status, update_date=args.date)
        print(f"Updated action {args.id}" + (f": now {args.status}" if args.status else ""))
        return 0
    except actions.ActionProblem as exc:
        print(f"Rejected: nothing was changed. {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1


def meeting_command(args, con) -> int:
    from metrics.pack import meetings

    if args.action == "list":
        found = meetings.meetings(con)
        if args.json:
            print(json.dumps(found, indent=1, default=_json))
        elif not found:
            print("No meetings recorded.")
        else:
            print(plain_table(("meeting", "period", "sha256", "data version", "built at", "by"),
                              [(f"{r['meeting_date']:%Y-%m-%d}", f"{r['period_first']}:{r['period_last']}",
                                r["sha256"], r["data_version"], f"{r['built_at']:%Y-%m-%d %H:%M:%S}",
                                r["recorded_by"]) for r in found]))
        return 0
    if args.action == "record":
        done = meetings.record(con, args.date, Period(*args.period), args.service, user_of(args))
    else:
        done = meetings.rebuild(con, args.date)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_bytes(done["pack"])
    where = f", written to {args.out}" if args.out else ""
    if args.action == "record":
        print(f"Recorded the meeting of {args.date:%Y-%m-%d}: pack for {done['period_first']}:{done['period_last']}, "
              f"SHA-256 {done['sha256']}, data version {done['data_version']}{where}")
        return 0
    moved = ("" if done["data_version_now"] == done["data_version"] else
             f" The data version moved on since (from {done['data_version']} to {done['data_version_now']}).")
    if done["matches"]:
        print(f"Rebuilt the pack of the meeting of {args.date:%Y-%m-%d}: identical, SHA-256 {done['sha256']}"
              f"{where}.{moved}")
        return 0
    print(f"Rebuilt the pack of the meeting of {args.date:%Y-%m-%d}: it differs (SHA-256 {done['sha256_now']}, "
          f"recorded {done['sha256']}){where}.{moved or ' The data version is the same: please report this.'} "
          "A return uploaded again or a setting changed after the meeting changes the figures.", file=sys.stderr)
    return 1


def evaluation_command(args, con) -> int:
    from metrics.pack import evaluation
    from metrics.store.logs import record

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        print(f"Error: the evaluation is a PDF: its file must end in .pdf, not {out.name!r}", file=sys.stderr)
        return 1
    data = evaluation.build(con, args.grant, args.service)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    record(con, user_of(args), "pack exported", f"end-of-grant evaluation of {args.grant} (pdf)")
    print(f"Wrote the end-of-grant evaluation of {args.grant} to {out}")
    return 0
