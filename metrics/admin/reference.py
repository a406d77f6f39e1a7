"""Reference data and settings the manager keeps: budget, targets, NRM figures, bank holidays,
and the cost-benefit ratio. Each table is checked like a return, then replaced whole (store.settings)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from metrics import i18n, isolation, safe_text
from metrics.contract import (
    DEFAULT_COST_BENEFIT_RATIO,
    DEFAULT_COST_BENEFIT_SOURCE,
    REFERENCE_SHEETS,
    Problem,
    Rejected,
    Sheet,
    header_key,
)
from metrics.i18n import N_, _, ngettext
from metrics.measures.registry import graded
from metrics.returns.checks import check_table
from metrics.returns.csv_sheets import decode
from metrics.returns.isolated import refusal
from metrics.returns.reading import text_table
from metrics.store import settings
from metrics.store.connection import PROJECT_ROOT
from metrics.store.logs import record

DEFAULTS_DIR = PROJECT_ROOT / "sample_data"
BY_FILE = {f"{s.name}.csv": s for s in REFERENCE_SHEETS}
# settings.csv (key,value) carries the settings a manager exports and imports: the cost-benefit ratio
# and its source. Other keys of the settings table (the demo marker, say) are the code's, not the manager's.
SETTINGS_FILE = "settings.csv"
SETTING_KEYS = ("cost_benefit_ratio", "cost_benefit_source")
NOT_TEXT = N_("is not text in UTF-8 or Windows-1252: save it again as CSV UTF-8")  # translated where a problem is made
MAX_FILE_BYTES = 1024 * 1024  # a settings file is a few kB; the Settings page takes at most 1 MB too


def sheet_for_file(name: str) -> Sheet:
    sheet = BY_FILE.get(Path(name).name.lower())
    if sheet is None:
        raise Rejected(
            [
                Problem.whole(
                    Path(name).name,
                    "",
                    _("is not a known settings file: name it one of {files}").format(
                        files=", ".join([*BY_FILE, SETTINGS_FILE])),
                )
            ]
        )
    return sheet


def check_reference_table(sheet: Sheet, rows: pa.Table, file: str, row_label: str | None = None):
    """check_table for a reference table: a KPI target must name a graded measure of the registry."""
    return check_table(sheet, rows, file, row_label=row_label,
                       params={"graded_measures": [m.name for m in graded()]})


def read_csv(sheet: Sheet, content: bytes, file: str) -> pa.Table:
    """Read and check one settings CSV; raise Rejected with every problem."""
    text = decode(content)
    if text is None:
        raise Rejected([Problem.whole(file, sheet.name, _(NOT_TEXT))])
    rows = [[safe_text.from_csv_field(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
    if not rows:
        raise Rejected([Problem.whole(file, sheet.name, _("is empty"))])
    table, problems = text_table(sheet, rows[0], rows[1:], file)
    if problems:
        raise Rejected(problems)
    typed, problems = check_reference_table(sheet, table, file)
    if problems:
        raise Rejected(problems)
    return typed


def read_settings_csv(content: bytes, file: str) -> tuple[float, str]:
    """Read and check settings.csv: the cost-benefit ratio and its source, each a row of key,value."""
    text = decode(content)
    if text is None:
        raise Rejected([Problem.whole(file, "settings", _(NOT_TEXT))])
    rows = [[safe_text.from_csv_field(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
    if not rows or [header_key(cell) for cell in rows[0]] != ["key", "value"]:
        raise Rejected([Problem(file, "settings", 1, "", "", _("header should be 'key' and 'value'"))])
    problems, found = [], {}
    for number, row in enumerate(rows[1:], start=2):
        key, value = ([cell.strip() for cell in row] + ["", ""])[:2]
        if not key and not value:
            continue
        if key not in SETTING_KEYS:
            message = _("is not a setting that can be imported: {keys}").format(keys=", ".join(SETTING_KEYS))
            problems.append(Problem(file, "settings", number, "key", key, message))
        elif key in found:
            problems.append(Problem(file, "settings", number, "key", key, _("appears more than once")))
        else:
            found[key] = (number, value)
    for key in SETTING_KEYS:
        if key not in found:
            missing = _("is missing: add a row with key '{key}'").format(key=key)
            problems.append(Problem(file, "settings", None, key, "", missing))
        elif not found[key][1]:
            problems.append(Problem(file, "settings", found[key][0], key, "", _("is required")))
    number, text = found.get("cost_benefit_ratio", (None, ""))
    try:
        ratio = float(text)
    except ValueError:
        ratio = float("nan")
    if text and not 0 <= ratio < 1000:  # NaN fails too
        problems.append(Problem(file, "settings", number, "cost_benefit_ratio", text,
                                _("is not a number from 0 to 1000")))
    if problems:
        raise Rejected(sorted(problems, key=lambda p: p.row if p.row is not None else float("inf")))
    return ratio, found["cost_benefit_source"][1]


def replace_table(con, sheet: Sheet, typed: pa.Table, user: str | None = None, source: str = "") -> int:
    """Replace a reference table whole, in one write (the rows were checked by read_csv or the editor)."""
    return settings.replace_table(con, sheet, typed, user, source)


def spend_without_grant(con) -> str | None:
    """A warning when loaded spend lines fall in no single grant of the budget (their actuals then
    count nowhere): say after a budget change, which cannot be refused, since naming a new grant in a
    return needs that grant in the budget first."""
    rows = settings.spend_lines_without_grant(con)
    if not rows:
        return None
    months = sorted({f"{month} {line}" for month, line in rows})
    shown = ", ".join(months[:6]) + (" " + _("and {n} more").format(n=len(months) - 6) if len(months) > 6 else "")
    return ngettext("{n} loaded spend line(s) now fall in no single grant ({lines}) and count in no actual spend: "
                    "upload those months again naming the grant of each line (see Data quality)",
                    "{n} loaded spend line(s) now fall in no single grant ({lines}) and count in no actual spend: "
                    "upload those months again naming the grant of each line (see Data quality)",
                    len(rows)).format(n=len(rows), lines=shown)


def read_uploaded(sheet: Sheet | None, content: bytes, file: str):
    """read_csv (or, with no sheet, read_settings_csv) in a worker process: a file from outside."""
    if len(content) > MAX_FILE_BYTES:
        raise Rejected([Problem.whole(file, "", _(TOO_LARGE))])
    try:
        # The worker writes its problems in this run's language: it is sent along.
        return isolation.run(_read_in, i18n.language(), sheet, content, file)
    except isolation.Unsafe as unsafe:
        raise refusal(file, unsafe, A_SETTINGS_FILE) from None


TOO_LARGE = N_("is larger than 1 MB: is this the right file?")
A_SETTINGS_FILE = N_("a settings file")


def _read_in(language: str, sheet: Sheet | None, content: bytes, file: str):
    """In the worker: read_csv (or read_settings_csv) in `language`."""
    with i18n.use(language):
        return read_settings_csv(content, file) if sheet is None else read_csv(sheet, content, file)


def audit_rejection(con, user: str | None, problems: list[Problem]) -> None:
    """One audit entry for each settings file refused (by its checks or by its worker), as for a return."""
    for file in dict.fromkeys(p.file for p in problems):
        record(con, user, "settings file rejected", f"{file}: {sum(p.file == file for p in problems)} problem(s)")


def import_files(con, paths: list[str | Path], user: str | None = None) -> dict[str, int]:
    """Check every file first (each in a worker), then replace the tables: one bad file changes nothing."""
    checked, problems = [], []
    for path in paths:
        path = Path(path)
        try:
            sheet = None if path.name.lower() == SETTINGS_FILE else sheet_for_file(path.name)
            if path.stat().st_size > MAX_FILE_BYTES:
                raise Rejected([Problem.whole(path.name, "", _(TOO_LARGE))])
            checked.append((sheet, read_uploaded(sheet, path.read_bytes(), path.name), path.name))
        except Rejected as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(Problem.whole(path.name, "", _("cannot be read: {reason}").format(reason=exc.strerror)))
    if problems:
        audit_rejection(con, user, problems)
        raise Rejected(problems)
    replaced = {}
    for sheet, content, name in checked:
        if sheet is None:
            set_cost_benefit(con, *content, user)
            replaced[name] = len(SETTING_KEYS)
        else:
            replaced[name] = replace_table(con, sheet, content, user, f"from {name}")
    return replaced


def _csv_cell(value: object) -> object:
    """A value as the CSVs are written by hand: ISO dates, 26000 rather than 26000.00, blank for NULL; text that
    a spreadsheet would take for a formula with an apostrophe in front (safe_text.csv_field)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return safe_text.csv_field(value)


def to_csv(con, sheet: Sheet) -> str:
    """The table as CSV, rows in the order they were imported, so that an export of an import is the same file."""
    rows = settings.table_rows(con, sheet)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(sheet.names)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def export_files(con, directory: str | Path) -> list[Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in REFERENCE_SHEETS:
        target = directory / f"{sheet.name}.csv"
        target.write_text(to_csv(con, sheet), encoding="utf-8")
        written.append(target)
    settings_file = directory / SETTINGS_FILE
    rows = settings.settings_among(con, SETTING_KEYS)
    with settings_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["key", "value"])
        writer.writerows([key, safe_text.csv_field(value)] for key, value in rows)
    written.append(settings_file)
    return written


def load_defaults(con) -> None:
    """A new database starts with the default reference data shipped in sample_data/."""
    for sheet in REFERENCE_SHEETS:
        path = DEFAULTS_DIR / f"{sheet.name}.csv"
        if path.exists():
            replace_table(con, sheet, read_csv(sheet, path.read_bytes(), path.name), "system", "defaults")
    set_cost_benefit(con, DEFAULT_COST_BENEFIT_RATIO, DEFAULT_COST_BENEFIT_SOURCE, "system")


def set_cost_benefit(con, ratio: float, source: str, user: str | None = None) -> None:
    if not (0 <= float(ratio) < 1000):
        raise Rejected(
            [Problem("settings", "settings", None, "cost_benefit_ratio", ratio,
                     _("must be a number from 0 to 1000"))]
        )
    settings.put_settings(con, {"cost_benefit_ratio": str(float(ratio)), "cost_benefit_source": source}, user,
                          f"cost-benefit ratio set to {float(ratio)}")
