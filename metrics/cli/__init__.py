"""`python -m metrics ...`: the command line. Exit 0 done, 1 rejected or failed, 2 usage error.

The top layer: parser (arguments), accounts (the users commands), and here the dispatch of each
command to the layer that does it. May import every layer of metrics.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from metrics.cli.accounts import init_command, plain_table, users_command
from metrics.cli.meetings import actions_command, evaluation_command, meeting_command
from metrics.cli.parser import build_parser, user_of
from metrics.contract import Rejected

__all__ = ["build_parser", "main", "run"]


def _print_problems(exc: Rejected) -> None:
    count = len(exc.problems)
    print(f"Rejected: {count} problem{'s' if count != 1 else ''}; nothing was changed.", file=sys.stderr)
    for problem in exc.problems:
        print(problem, file=sys.stderr)


def run(argv: list[str] | None = None) -> int:
    from metrics.store import connection

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "pack" and (args.evaluation or args.grant):
        if not (args.evaluation and args.grant) or args.first or args.last or args.audience != "internal":
            parser.error("the evaluation is `pack --evaluation --grant NAME --out FILE.pdf`, for the PCC's office: "
                         "no --from, --to or --audience")
    elif args.command == "pack" and not (args.first and args.last):
        parser.error("pack needs --from and --to (or --evaluation --grant NAME)")
    try:
        if args.command == "template" and not args.prefill:  # the blank return needs no database
            from metrics.returns.template import write_template

            path = write_template(args.path, args.month)
            print(f"Wrote the blank monthly return to {path}")
            return 0
        if args.command == "restore":  # builds the database itself: nothing to connect to first
            from metrics.store import backup

            done = backup.restore(args.source, connection.database_path(args.db), args.force, user_of(args))
            print(
                f"Restored {done['uploads']} uploads ({done['months']} months current) "
                f"from {args.source} into {done['target']}"
            )
            return 0
        if args.command == "init":
            return init_command(args)
        path = connection.database_path(args.db)
        if not path.exists():
            # Fails closed: a mistyped --db or $DASHBOARD_DB never quietly makes a new, empty database.
            print(f"Error: there is no database at {path}: create it with `python -m metrics init --manager NAME`, "
                  "or restore a backup into it with `python -m metrics restore DIR`", file=sys.stderr)
            return 1
        from metrics.admin.setup import open_database

        with open_database(path) as con:
            return _dispatch(args, con)
    except Rejected as exc:
        _print_problems(exc)
        return 1
    except (connection.DatabaseBusy, connection.DatabaseUnreadable, LookupError, FileNotFoundError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1


def _dispatch(args, con) -> int:
    # Each command imports what it uses: `report` and `uploads` start without pyarrow or pandas.
    from metrics.store import logs

    if args.command == "template":
        from metrics.returns.prefill import prefilled_return

        made = prefilled_return(con, args.month, args.service)
        path = Path(args.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(made["content"])
        print(f"Wrote the return for {made['month']} to {path}, pre-filled with the {made['cases']} cases open at "
              f"the end of {made['from_month']}")
        return 0
    if args.command == "ingest":
        from metrics.returns import isolated
        from metrics.returns.ingest import VoicesToCheck

        try:
            done = isolated.ingest_paths(con, args.paths, user_of(args), voices_checked=args.voices_checked)
        except VoicesToCheck as exc:
            print("Not loaded: the voices below may identify someone. Read them, edit the workbook if they do, "
                  "and run ingest again with --voices-checked once they do not.", file=sys.stderr)
            for problem in exc.problems:
                print(f"  Check: {problem}", file=sys.stderr)
            return 1
        for loaded in done:
            replaced = f", replacing upload {loaded['replaced_upload_id']}" if loaded["replaced_upload_id"] else ""
            print(
                f"Loaded {loaded['file']}: {loaded['service']} {loaded['reporting_month']}, "
                f"{loaded['cases_rows']} cases, {loaded['spend_rows']} spend lines "
                f"(upload {loaded['upload_id']}{replaced})"
            )
            for note in loaded["notes"]:
                print(f"  Note: {note}")
            for warning in loaded["to_confirm"]:  # the Upload page asks the manager to confirm these
                print(f"  Check: {warning}", file=sys.stderr)
        return 0
    if args.command == "rollback":
        from metrics.store import loading

        try:
            done = loading.rollback(con, args.month, args.service, user_of(args))
        except loading.NothingToRollBack as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 1
        print(
            f"Rolled back {done['service']} {done['reporting_month']}: upload {done['withdrawn']} withdrawn, "
            f"upload {done['current']} is current again"
        )
        return 0
    if args.command == "uploads":
        log = logs.upload_entries(con)
        if args.json:
            print(json.dumps(log, indent=1, default=_iso))
        elif not log:
            print("No uploads yet.")
        else:
            shown = [name for name in log[0] if name not in ("sha256", "rolled_back_by")]
            print(plain_table(shown, [[row[name] for name in shown] for row in log]))
        return 0
    if args.command == "settings":
        from metrics.admin import reference

        if args.action == "import":
            for name, rows in reference.import_files(con, args.files, user_of(args)).items():
                print(f"Replaced {Path(name).stem} with {rows} rows from {name}")
            warning = reference.spend_without_grant(con)
            if warning:
                print(f"Warning: {warning}", file=sys.stderr)
        elif args.action == "export":
            for path in reference.export_files(con, args.directory):
                print(f"Wrote {path}")
        else:
            reference.set_cost_benefit(con, args.ratio, args.source, user_of(args))
            print(f"Cost-benefit ratio set to {args.ratio}")
        return 0
    if args.command == "report":
        from metrics.answers.report import report, report_table
        from metrics.measures.publication import NotOffered
        from metrics.periods import Period

        try:
            result = report(con, Period(args.first, args.last), args.service, args.audience)
        except NotOffered as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 2
        # --json prints exactly the documented keys; service and audience head the text form only.
        documented = {k: v for k, v in result.items() if k not in ("service", "audience")}
        print(json.dumps(documented, indent=2) if args.json else report_table(result))
        return 0
    if args.command == "publish":
        from metrics.measures.publication import figures_csv, publish, readme

        publication = publish(con, args.service)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "figures.csv").write_text(figures_csv(con, args.service), encoding="utf-8")
        (out / "README.md").write_text(readme(publication), encoding="utf-8")
        print(f"Wrote {len(publication.rows())} figures of {len(publication.periods)} periods to {out / 'figures.csv'}")
        return 0
    if args.command == "growth":
        from metrics.answers.growth import growth_table
        from metrics.measures.growth import growth
        from metrics.periods import Period

        base, compare = Period(*args.base), Period(*args.compare)
        result = growth(con, base, compare, logs.resolve_service(con, args.service))
        print(json.dumps(result, indent=2) if args.json else growth_table(result, base, compare))
        return 0
    if args.command == "pack" and (args.evaluation or args.grant):
        return evaluation_command(args, con)
    if args.command == "pack":
        import time

        from metrics.pack import contents as pack
        from metrics.periods import Period

        started = time.perf_counter()
        period = Period(args.first, args.last)
        path = pack.write(con, period, args.out, args.service, args.audience)
        pack.record_export(con, user_of(args), period, args.service, args.audience, path.suffix.lstrip("."))
        print(f"Wrote the {args.audience} scrutiny pack to {path} in {time.perf_counter() - started:.1f} s")
        return 0
    if args.command == "users":
        return users_command(args, con)
    if args.command == "actions":
        return actions_command(args, con)
    if args.command == "meeting":
        return meeting_command(args, con)
    if args.command == "backup":
        from metrics.store import backup

        files = backup.backup(con, args.directory)
        print(f"Backed up the database to {args.directory} ({len(files)} files)")
        return 0
    if args.command == "audit":
        log = logs.audit_entries(con, args.limit)
        if args.json:
            print(log.to_json(orient="records", date_format="iso", indent=1))
        elif log.empty:
            print("The audit log is empty.")
        else:
            rows = [(f"{r.logged_at:%Y-%m-%d %H:%M:%S}", r.actor, r.action, r.detail) for r in log.itertuples()]
            print(plain_table(("when", "who", "what", "detail"), rows))
        return 0
    raise AssertionError(args.command)


def _iso(value) -> str:
    """A timestamp in JSON: ISO 8601 to the millisecond, as the upload log has always printed it."""
    return value.isoformat(timespec="milliseconds")


def main() -> None:
    sys.exit(run())
