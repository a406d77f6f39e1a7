"""`python -m metrics ...`: the command line. Exit 0 done, 1 rejected or failed, 2 usage error.

The top layer: parser (arguments), accounts (the users commands), and here the dispatch of each
command to the layer that does it. May import every layer of metrics.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from metrics import i18n
from metrics.cli.accounts import init_command, plain_table, users_command
from metrics.cli.meetings import actions_command, evaluation_command, meeting_command
from metrics.cli.parser import build_parser, user_of
from metrics.contract import Rejected
from metrics.i18n import _, ngettext

__all__ = ["build_parser", "main", "run"]


def _print_problems(exc: Rejected) -> None:
    count = len(exc.problems)
    print(ngettext("Rejected: {n} problem; nothing was changed.", "Rejected: {n} problems; nothing was changed.",
                   count).format(n=count), file=sys.stderr)
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
    if args.lang == "both" and args.command not in ("pack", "template"):
        parser.error("--lang both makes a bilingual pack or template; other commands write en or cy")
    if args.lang:  # a bilingual file's messages on the screen are English
        i18n.set_language("en" if args.lang == "both" else args.lang)
    try:
        if args.command == "template" and not args.prefill:  # the blank return needs no database
            from metrics.returns.template import write_template

            path = write_template(args.path, args.month, languages=languages_of(args))
            print(_("Wrote the blank monthly return to {path}").format(path=path))
            return 0
        if args.command == "restore":  # builds the database itself: nothing to connect to first
            from metrics.store import backup

            done = backup.restore(args.source, connection.database_path(args.db), args.force, user_of(args))
            print(_("Restored {uploads} uploads ({months} months current) from {source} into {target}").format(
                uploads=done["uploads"], months=done["months"], source=args.source, target=done["target"]))
            return 0
        if args.command == "init":
            return init_command(args)
        path = connection.database_path(args.db)
        if not path.exists():
            # Fails closed: a mistyped --db or $DASHBOARD_DB never quietly makes a new, empty database.
            print(_("Error: there is no database at {path}: create it with `python -m metrics init --manager NAME`, "
                    "or restore a backup into it with `python -m metrics restore DIR`").format(path=path),
                  file=sys.stderr)
            return 1
        from metrics.admin.setup import open_database

        with open_database(path) as con:
            return _dispatch(args, con)
    except Rejected as exc:
        _print_problems(exc)
        return 1
    except (connection.DatabaseBusy, connection.DatabaseUnreadable, LookupError, FileNotFoundError, ValueError) as exc:
        print(_("Error: {problem}").format(problem=exc), file=sys.stderr)
        return 1


def languages_of(args) -> tuple[str, ...] | None:
    """The languages of the file a command writes: those of --lang ('both': English, then Welsh), else None
    (the run's language)."""
    return {"en": ("en",), "cy": ("cy",), "both": ("en", "cy")}.get(args.lang)


def _dispatch(args, con) -> int:
    # Each command imports what it uses: `report` and `uploads` start without pyarrow or pandas.
    from metrics.store import logs

    if args.command == "template":
        from metrics.returns.prefill import prefilled_return

        made = prefilled_return(con, args.month, args.service)
        path = Path(args.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(made["content"])
        print(_("Wrote the return for {month} to {path}, pre-filled with the {cases} cases open at the end of "
                "{from_month}").format(month=made["month"], path=path, cases=made["cases"],
                                       from_month=made["from_month"]))
        return 0
    if args.command == "ingest":
        from metrics.returns import isolated
        from metrics.returns.ingest import VoicesToCheck

        try:
            done = isolated.ingest_paths(con, args.paths, user_of(args), voices_checked=args.voices_checked)
        except VoicesToCheck as exc:
            print(_("Not loaded: the voices below may identify someone. Read them, edit the workbook if they do, "
                    "and run ingest again with --voices-checked once they do not."), file=sys.stderr)
            for problem in exc.problems:
                print("  " + _("Check: {problem}").format(problem=problem), file=sys.stderr)
            return 1
        for loaded in done:
            replaced = (_(", replacing upload {upload}").format(upload=loaded["replaced_upload_id"])
                        if loaded["replaced_upload_id"] else "")
            print(_("Loaded {file}: {service} {month}, {cases} cases, {spend} spend lines (upload {upload}{replaced})")
                  .format(file=loaded["file"], service=loaded["service"], month=loaded["reporting_month"],
                          cases=loaded["cases_rows"], spend=loaded["spend_rows"], upload=loaded["upload_id"],
                          replaced=replaced))
            for note in loaded["notes"]:
                print("  " + _("Note: {note}").format(note=note))
            for warning in loaded["to_confirm"]:  # the Upload page asks the manager to confirm these
                print("  " + _("Check: {problem}").format(problem=warning), file=sys.stderr)
        return 0
    if args.command == "rollback":
        from metrics.store import loading

        try:
            done = loading.rollback(con, args.month, args.service, user_of(args))
        except loading.NothingToRollBack as exc:
            print(_("Error: {problem}").format(problem=exc), file=sys.stderr)
            return 1
        print(_("Rolled back {service} {month}: upload {withdrawn} withdrawn, upload {current} is current again")
              .format(service=done["service"], month=done["reporting_month"], withdrawn=done["withdrawn"],
                      current=done["current"]))
        return 0
    if args.command == "uploads":
        log = logs.upload_entries(con)
        if args.json:
            print(json.dumps(log, indent=1, default=_iso))
        elif not log:
            print(_("No uploads yet."))
        else:
            shown = [name for name in log[0] if name not in ("sha256", "rolled_back_by")]
            print(plain_table(shown, [[row[name] for name in shown] for row in log]))
        return 0
    if args.command == "settings":
        from metrics.admin import reference

        if args.action == "import":
            for name, rows in reference.import_files(con, args.files, user_of(args)).items():
                print(_("Replaced {table} with {rows} rows from {file}").format(table=Path(name).stem, rows=rows,
                                                                                file=name))
            warning = reference.spend_without_grant(con)
            if warning:
                print(_("Warning: {problem}").format(problem=warning), file=sys.stderr)
        elif args.action == "export":
            for path in reference.export_files(con, args.directory):
                print(_("Wrote {path}").format(path=path))
        else:
            reference.set_cost_benefit(con, args.ratio, args.source, user_of(args))
            print(_("Cost-benefit ratio set to {ratio}").format(ratio=args.ratio))
        return 0
    if args.command == "report":
        from metrics.answers.report import report, report_table
        from metrics.measures.publication import NotOffered
        from metrics.periods import Period

        try:
            result = report(con, Period(args.first, args.last), args.service, args.audience)
        except NotOffered as exc:
            print(_("Error: {problem}").format(problem=exc), file=sys.stderr)
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
        print(_("Wrote {figures} figures of {periods} periods to {path}").format(
            figures=len(publication.rows()), periods=len(publication.periods), path=out / "figures.csv"))
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
        path = pack.write(con, period, args.out, args.service, args.audience, languages=languages_of(args))
        pack.record_export(con, user_of(args), period, args.service, args.audience, path.suffix.lstrip("."))
        print(_("Wrote the {audience} scrutiny pack to {path} in {seconds} s").format(
            audience=args.audience, path=path, seconds=f"{time.perf_counter() - started:.1f}"))
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
        print(_("Backed up the database to {directory} ({files} files)").format(directory=args.directory,
                                                                                    files=len(files)))
        return 0
    if args.command == "audit":
        log = logs.audit_entries(con, args.limit)
        if args.json:
            print(log.to_json(orient="records", date_format="iso", indent=1))
        elif log.empty:
            print(_("The audit log is empty."))
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
