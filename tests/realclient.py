"""Returns as real spreadsheet programs leave them: LibreOffice and Gnumeric convert, type and save.

    files = realclient.libreoffice_round_trip(originals, "ods", folder)   # xlsx -> ods -> xlsx
    files = realclient.gnumeric_save(originals, folder)                   # ssconvert to .xlsx
    typed = realclient.type_returns({"2018-06": original}, folder, "en-GB")
    typed.files["2018-06"], typed.cells["2018-06"]                         # the file, what each cell holds
    saved = realclient.resave_template(folder)                            # the template opened and saved

Every LibreOffice run has a profile of its own (-env:UserInstallation) in the caller's folder, so
that runs side by side, or one left over from a crash, never hand their work to each other.
The typing is done by tests/libreoffice_typist.py under Debian's /usr/bin/python3 (python3-uno).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import os
import shutil
import signal
import subprocess
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from metrics.contract import RETURN_SHEETS, header_key

SOFFICE = shutil.which("soffice")
SSCONVERT = shutil.which("ssconvert")
SYSTEM_PYTHON = "/usr/bin/python3"
TYPIST = Path(__file__).with_name("libreoffice_typist.py")
ROOT = Path(__file__).resolve().parent.parent
# A first LibreOffice start builds its profile (a few seconds); typing costs ~25 ms a cell.
TIMEOUT_S = 900
BRITISH_DATE = "%d/%m/%Y"  # how the manager types 11 July 2018: 11/07/2018
LIBREOFFICE_ROUND_TRIPS = ("xlsx", "ods", "xls")  # "xlsx": opened and saved again as .xlsx
GNUMERIC_EXPORTERS = ("Gnumeric_Excel:xlsx", "Gnumeric_Excel:xlsx2")  # ECMA-376 1st and 2nd editions


@functools.cache
def missing() -> list[str]:
    """The programs these helpers need that this machine lacks (empty when all are there)."""
    lacking = [name for name, path in (("soffice", SOFFICE), ("ssconvert", SSCONVERT)) if path is None]
    try:
        subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        lacking.append("python3-uno")
    return lacking


def _run(command: list[str], timeout: float = TIMEOUT_S, **options) -> subprocess.CompletedProcess:
    """Run a command in a process group of its own; on a timeout the whole group is ended (soffice too)."""
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **options
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    if process.returncode:
        raise RuntimeError(f"{command[0]} exited {process.returncode}: {stderr[-2000:]}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _new_profile(folder: Path) -> Path:
    return folder / f"libreoffice-profile-{uuid.uuid4().hex[:12]}"


def libreoffice_convert(files: list[Path], to: str, folder: Path) -> list[Path]:
    """Each file converted by headless LibreOffice (`soffice --convert-to`) into `folder`, in one run."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = _new_profile(folder.parent)
    done = _run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(folder),
            *map(str, files),
        ]
    )
    shutil.rmtree(profile, ignore_errors=True)
    converted = [folder / f"{Path(file).stem}.{to.split(':')[0]}" for file in files]
    if lost := [path.name for path in converted if not path.is_file()]:
        raise RuntimeError(f"soffice wrote no {', '.join(lost)}: {done.stdout[-1000:]} {done.stderr[-1000:]}")
    return converted


def libreoffice_round_trip(files: list[Path], via: str, folder: Path) -> list[Path]:
    """The files saved by LibreOffice as .xlsx: directly (via "xlsx") or after a trip through .ods or .xls."""
    if via == "xlsx":
        return libreoffice_convert(files, "xlsx", folder / "libreoffice-xlsx")
    middle = libreoffice_convert(files, via, folder / f"libreoffice-{via}")
    return libreoffice_convert(middle, "xlsx", folder / f"libreoffice-{via}-xlsx")


# LibreOffice's CSV filter options: separator 44 (,), text delimiter 34 ("), character set (76 UTF-8,
# 1 Windows-1252), first line 1, column formats, language 2057 (en-GB), quoted text, detect numbers,
# save as shown, export formulas, remove spaces, and which sheet: -1, every sheet to a file of its own.
CSV_CHARSETS = {"utf-8": 76, "windows-1252": 1}


def _csv_export(charset: str, sheets: int) -> str:
    options = f"44,34,{CSV_CHARSETS[charset]},1,,2057,false,true,false,false,false,{sheets}"
    return f"csv:Text - txt - csv (StarCalc):{options}"


def libreoffice_csv_sheets(files: list[Path], folder: Path, charset: str = "utf-8") -> list[Path]:
    """Each workbook exported by LibreOffice as one CSV per sheet (2018-06-Cases.csv, ...), into a folder of its
    own named for it, as the command line ingests a return as CSV."""
    exported = folder / "exported"
    exported.mkdir(parents=True, exist_ok=True)
    profile = _new_profile(folder.parent)
    _run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
          "--convert-to", _csv_export(charset, -1), "--outdir", str(exported), *map(str, files)])
    shutil.rmtree(profile, ignore_errors=True)
    folders = []
    for file in files:
        target = folder / Path(file).stem
        target.mkdir(exist_ok=True)
        for sheet in RETURN_SHEETS:
            exported_sheet = exported / f"{Path(file).stem}-{sheet.name}.csv"
            if exported_sheet.exists() or not sheet.optional:  # an optional sheet only where the return has it
                shutil.move(exported_sheet, target / f"{sheet.name}.csv")
        folders.append(target)
    return folders


def libreoffice_resave_csv(csv_file: Path, folder: Path, charset: str) -> Path:
    """A UTF-8 CSV opened in LibreOffice and saved again as CSV in the given character set."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = _new_profile(folder.parent)
    _run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
          "--infilter=CSV:44,34,76,1,,2057", "--convert-to", _csv_export(charset, 0), "--outdir", str(folder),
          str(csv_file)])
    shutil.rmtree(profile, ignore_errors=True)
    return folder / csv_file.name


def gnumeric_save(files: list[Path], folder: Path, exporter: str = GNUMERIC_EXPORTERS[0]) -> list[Path]:
    """Each file opened and saved as .xlsx by Gnumeric (`ssconvert`) with the given exporter."""
    folder = folder / ("gnumeric-" + exporter.split(":")[-1])
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for file in files:
        target = folder / f"{Path(file).stem}.xlsx"
        _run([SSCONVERT, f"--export-type={exporter}", str(file), str(target)], timeout=120)
        saved.append(target)
    return saved


def libreoffice_import_csv(csv_file: Path, folder: Path, language: int = 2057) -> Path:
    """A CSV opened in LibreOffice (comma-separated, UTF-8, in the given language: 2057 is en-GB) and saved
    as .xlsx, as a person opens a case list exported from another system."""
    # The CSV filter's options: separator 44 (,), text delimiter 34 ("), character set 76 (UTF-8),
    # first line 1, column formats left to the import (standard), language.
    options = f"CSV:44,34,76,1,,{language}"
    folder.mkdir(parents=True, exist_ok=True)
    profile = _new_profile(folder.parent)
    _run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            f"--infilter={options}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(csv_file),
        ]
    )
    shutil.rmtree(profile, ignore_errors=True)
    return folder / f"{csv_file.stem}.xlsx"


# Typing a return into the template, cell by cell.


def _as_typed(value: object, date_format: str) -> tuple[str, str | None]:
    """The text a person types for a cell's value, and what they type after a refusal (dates: YYYY-MM-DD,
    which the template's own message asks for), or None."""
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return day.strftime(date_format), day.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    if isinstance(value, int | float | Decimal):
        return str(value), None
    return str(value), None


def read_return(path: Path) -> dict[str, object]:
    """A return's cells as values, with their row numbers: {key/value sheet: {field: (row, value)},
    table sheet: (header, [(row, values)])}; blank rows are left out."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        found: dict[str, object] = {}
        for sheet in RETURN_SHEETS:
            if sheet.optional and sheet.name not in workbook.sheetnames:
                continue
            rows = list(enumerate(workbook[sheet.name].iter_rows(values_only=True), start=1))
            filled = [(number, row) for number, row in rows[1:] if any(v not in (None, "") for v in row)]
            if sheet.kind == "keyvalue":
                found[sheet.name] = {row[0]: (number, row[1]) for number, row in filled if row[0] is not None}
            else:
                found[sheet.name] = (list(rows[0][1]) if rows else [], filled)
        return found
    finally:
        workbook.close()


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def placed_values(original: Path, template: Path) -> list[tuple[str, str, object]]:
    """(sheet, cell, value) for every value of the original return, placed where the template has its field
    or column (found by its label, as a person finds it), in reading order; a value the template already
    holds (the month it was made for) is left out."""
    values, layout = read_return(original), read_return(template)
    placed = []
    for sheet in RETURN_SHEETS:
        if sheet.name not in values or sheet.name not in layout:  # an optional sheet the return leaves out
            continue
        if sheet.kind == "keyvalue":
            places = {header_key(field): place for field, place in layout[sheet.name].items()}
            for field, (_, value) in values[sheet.name].items():
                row, already = places[header_key(field)]
                if value not in (None, "") and already != value:
                    placed.append((sheet.name, f"B{row}", value))
        else:
            header, rows = values[sheet.name]
            columns = {header_key(name): i for i, name in enumerate(layout[sheet.name][0], start=1)}
            for row_number, row in rows:
                for name, value in zip(header, row):
                    if value not in (None, ""):
                        placed.append((sheet.name, f"{_letters(columns[header_key(name)])}{row_number}", value))
    return placed


def typed_entries(original: Path, template: Path, date_format: str = BRITISH_DATE) -> list[list]:
    """[sheet, cell, text, retry text] for every value of the original, as placed_values places them."""
    return [[sheet, cell, *_as_typed(value, date_format)] for sheet, cell, value in placed_values(original, template)]


def fill_template(original: Path, template: Path, target: Path) -> Path:
    """The original's values written into the template by openpyxl (no spreadsheet program), saved at target."""
    from openpyxl import load_workbook

    workbook = load_workbook(template)
    for sheet, cell, value in placed_values(original, template):
        workbook[sheet][cell] = value
    workbook.save(target)
    return target


def write_template(path: Path, month: str | None = None) -> Path:
    """The template as `python -m metrics template PATH --month MONTH` writes it (its code, in this process:
    a new interpreter per month would cost a second or more each)."""
    from metrics import cli

    with contextlib.redirect_stdout(io.StringIO()):  # its "Wrote the blank monthly return to ..."
        if cli.run(["template", str(path), *(["--month", month] if month else [])]) != 0:
            raise RuntimeError(f"python -m metrics template {path} failed")
    return path


@dataclass
class Typed:
    """Returns typed into the template in LibreOffice: the saved files, and what each typed cell holds."""

    files: dict[str, Path]  # month -> .xlsx
    entries: dict[str, list[list]]  # month -> [sheet, cell, text, retry]
    cells: dict[str, list[list]]  # month -> [type, text] for each entry, as LibreOffice holds it
    refused: dict[str, list[list]]  # month -> [sheet, cell, text] that a validity rule refused

    def holding(self, month: str, sheet: str, cell: str) -> list:
        """[type, text] of one typed cell."""
        position = [(s, c) for s, c, _, _ in self.entries[month]].index((sheet, cell))
        return self.cells[month][position]


def run_typist(documents: list[dict], folder: Path, locale: str) -> list[dict]:
    """Run tests/libreoffice_typist.py over the documents in one LibreOffice set to `locale`."""
    folder.mkdir(parents=True, exist_ok=True)
    job = folder / f"typist-job-{uuid.uuid4().hex[:8]}.json"
    profile = _new_profile(folder)
    job.write_text(json.dumps({"locale": locale, "profile": str(profile), "documents": documents}))
    try:
        done = _run([SYSTEM_PYTHON, str(TYPIST), str(job)])
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return json.loads(done.stdout)["documents"]


def type_returns(originals: dict[str, Path], folder: Path, locale: str, date_format: str = BRITISH_DATE) -> Typed:
    """Each original return typed, value by value, into a template made for its month by `python -m metrics
    template`, in a LibreOffice set to `locale`, and saved as .xlsx."""
    folder.mkdir(parents=True, exist_ok=True)
    documents, entries = [], {}
    for month, original in originals.items():
        template = write_template(folder / f"template-{month}.xlsx", month)
        entries[month] = typed_entries(original, template, date_format)
        documents.append({"source": str(template), "target": str(folder / f"{month}.xlsx"), "entries": entries[month]})
    reports = run_typist(documents, folder, locale)
    months = list(originals)
    return Typed(
        files={month: Path(report["target"]) for month, report in zip(months, reports)},
        entries=entries,
        cells={month: report["cells"] for month, report in zip(months, reports)},
        refused={month: report["refused"] for month, report in zip(months, reports)},
    )


def resave_template(folder: Path, month: str | None = None, locale: str = "en-GB") -> tuple[Path, Path]:
    """The template made by `python -m metrics template`, and the same opened in LibreOffice (with a view,
    as a person opens it) and saved as .xlsx."""
    folder.mkdir(parents=True, exist_ok=True)
    template = write_template(folder / "template.xlsx", month)
    saved = folder / "template-saved-by-libreoffice.xlsx"
    run_typist([{"source": str(template), "target": str(saved), "entries": []}], folder, locale)
    return template, saved
