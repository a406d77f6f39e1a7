"""The monthly return as real spreadsheet programs leave it (issue 16, "The manager's month").

The manager fills in the return in Excel or LibreOffice, not openpyxl. Here the committed sample
returns go through LibreOffice (saved again as .xlsx, and round trips through .ods and .xls) and
Gnumeric (saved as .xlsx), and some are typed into the template in LibreOffice key by key
(tests/libreoffice_typist.py); each result must load with the figures of the original: every
measure of the report over the months loaded and of each month, and every stored row.

Each finding of issue 16 is a test of the behaviour wanted (65+ read as 65, a date swapped by a US
locale, the template's rows cut at 1001 by a save, the quick look's slow path), and so are the routes
it asked for: .ods loaded as it is, one CSV per sheet as LibreOffice exports them, a settings CSV saved
in Windows-1252, and next month's return pre-filled, typed into and loaded.

Typing costs about 25 ms a cell (LibreOffice commits each entry as a person's Return would), so
three months are typed by default: 2018-06 (the smallest), 2018-07 (a 65+ case) and 2019-05 (36
cases, closures and outcomes, no 65+): about 870 cells. REALCLIENT_TYPED_MONTHS=all types all
thirteen (7,235 cells, about four minutes), or give a comma-separated list of months.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from metrics.admin import setup
from metrics.answers.report import report
from metrics.contract import ACTIVITY, CASES, SPEND, Rejected
from metrics.periods import Period
from metrics.returns import ingest, workbook_xml
from tests import realclient
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.realclient,
    pytest.mark.skipif(
        bool(realclient.missing()), reason=f"needs Debian's {', '.join(realclient.missing())} (see .ci/run)"
    ),
]

RETURNS = ROOT / "sample_data" / "returns"
MONTHS = sorted(path.stem for path in RETURNS.glob("*.xlsx"))
DEFAULT_TYPED = ["2018-06", "2018-07", "2019-05"]
_chosen = os.environ.get("REALCLIENT_TYPED_MONTHS", "")
TYPED_MONTHS = MONTHS if _chosen == "all" else [m.strip() for m in _chosen.split(",") if m.strip()] or DEFAULT_TYPED

CONVERSIONS = {
    "libreoffice-xlsx": lambda files, folder: realclient.libreoffice_round_trip(files, "xlsx", folder),
    "libreoffice-via-ods": lambda files, folder: realclient.libreoffice_round_trip(files, "ods", folder),
    "libreoffice-via-xls": lambda files, folder: realclient.libreoffice_round_trip(files, "xls", folder),
    # ssconvert's exporter for .xlsx (its xlsx2, ECMA-376 2nd edition, wrote the same sheets here)
    "gnumeric-xlsx": lambda files, folder: realclient.gnumeric_save(files, folder, "Gnumeric_Excel:xlsx"),
    # LibreOffice's own format, loaded as it is (fastexcel reads .ods), and its CSV export of every sheet
    # (a folder a month, as the command line ingests it)
    "libreoffice-ods": lambda files, folder: realclient.libreoffice_convert(files, "ods", folder / "libreoffice-ods"),
    "libreoffice-csv-per-sheet": lambda files, folder: realclient.libreoffice_csv_sheets(files, folder / "csv"),
}

def _month_of(path: Path) -> str:
    return path.stem


# What a set of returns loads as.


def _stored_rows(con) -> dict[str, list]:
    """Every stored row of the returns, with its upload's month instead of upload ids, file names and hashes."""

    def rows(sql: str) -> list:
        return con.execute(sql).fetchall()

    def of(table: str, columns: list[str], order: str) -> list:
        listed = ", ".join(f't."{c}"' for c in columns)
        return rows(
            f"SELECT u.reporting_month, {listed} FROM {table} t JOIN uploads u USING (upload_id) "
            f"ORDER BY u.reporting_month, {order}"
        )

    return {
        "uploads": rows(
            "SELECT service, reporting_month, prepared_by, submitted_on, cases_rows, activity_rows, spend_rows "
            "FROM uploads ORDER BY reporting_month"
        ),
        "cases": of(CASES.table, ["row_number", *CASES.names], "t.row_number"),
        "activity": of(ACTIVITY.table, ["measure", "count"], "t.measure"),
        "spend": of(SPEND.table, ["row_number", *SPEND.names], "t.row_number"),
    }


def figures(con) -> dict:
    """The report over the months loaded and of each month, and every stored row."""
    months = [row[0] for row in con.execute("SELECT DISTINCT reporting_month FROM uploads ORDER BY 1").fetchall()]
    return {
        "report": report(con, Period(months[0], months[-1])),
        "each month": {month: report(con, Period(month, month)) for month in months},
        **_stored_rows(con),
    }


def loaded_figures(files: list[Path], folder: Path) -> dict:
    """The figures of the returns loaded into a fresh database."""
    folder.mkdir(parents=True, exist_ok=True)
    con = setup.open_database(folder / "loaded.duckdb")
    try:
        ingest.ingest_paths(con, files, user="realclient", voices_checked=True)  # June's listed voice names no one
        return figures(con)
    finally:
        con.close()


def differences(found: dict, wanted: dict) -> list[str]:
    """Where two loaded_figures differ: each differing measure by its path, each differing row in full."""
    out = []

    def walk(a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                walk(a.get(key, "(missing)"), b.get(key, "(missing)"), f"{path}.{key}" if path else str(key))
        elif a != b:
            out.append(f"{path}: {a!r} != {b!r} (original)")

    walk(
        {k: v for k, v in found.items() if k in ("report", "each month")},
        {k: v for k, v in wanted.items() if k in ("report", "each month")},
        "",
    )
    for table in ("uploads", "cases", "activity", "spend"):
        extra = [row for row in found[table] if row not in wanted[table]]
        lost = [row for row in wanted[table] if row not in found[table]]
        out += [f"{table}: loaded {row}" for row in extra] + [f"{table}: original {row}" for row in lost]
    return out


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A folder for this module's conversions and databases."""
    return tmp_path_factory.mktemp("realclient")


@pytest.fixture(scope="module")
def original_figures(sample_db_file, work):
    """figures of the committed returns of some months, loaded alone: original_figures(months)."""
    found: dict[tuple[str, ...], dict] = {}

    def of(months: list[str]) -> dict:
        key = tuple(sorted(months))
        if key not in found:
            if list(key) == MONTHS:  # the session's sample database holds exactly these
                shutil.copy(sample_db_file, work / "sample.duckdb")
                con = setup.open_database(work / "sample.duckdb")
                try:
                    found[key] = figures(con)
                finally:
                    con.close()
            else:
                found[key] = loaded_figures([RETURNS / f"{m}.xlsx" for m in key], work / f"original-{len(found)}")
        return found[key]

    return of


@pytest.fixture(scope="module", params=list(CONVERSIONS))
def converted(request, work) -> tuple[str, list[Path]]:
    """All thirteen sample returns after one route through a real client: (route, files)."""
    route = request.param
    return route, CONVERSIONS[route](sorted(RETURNS.glob("*.xlsx")), work / route)


@pytest.fixture(scope="module")
def typed_gb(work) -> realclient.Typed:
    """TYPED_MONTHS typed into the template in LibreOffice set to en-GB, dates as 11/07/2018."""
    return realclient.type_returns({m: RETURNS / f"{m}.xlsx" for m in TYPED_MONTHS}, work / "typed-en-GB", "en-GB")


@pytest.fixture(scope="module")
def typed_us(work) -> realclient.Typed:
    """June 2018 typed the same way, by the same British manager, in a LibreOffice set to en-US."""
    return realclient.type_returns({"2018-06": RETURNS / "2018-06.xlsx"}, work / "typed-en-US", "en-US")


def _has_sixty_five_plus(month: str) -> bool:
    header, rows = realclient.read_return(RETURNS / f"{month}.xlsx")["Cases"]
    column = header.index("age_band")
    return any(values[column] == "65+" for _, values in rows)


def _typed_month_with_sixty_five_plus() -> str:
    found = [m for m in TYPED_MONTHS if _has_sixty_five_plus(m)]
    if not found:
        pytest.skip("no month typed has a 65+ case (REALCLIENT_TYPED_MONTHS)")
    return found[0]


# Every route: the figures of the original.


def test_a_return_saved_by_a_real_client_loads_with_the_figures_of_the_original(converted, original_figures, work):
    route, files = converted
    assert sorted(_month_of(path) for path in files) == MONTHS
    found = loaded_figures(files, work / f"{route}-loaded")
    assert differences(found, original_figures(MONTHS)) == []


@pytest.mark.parametrize("month", TYPED_MONTHS)
def test_a_return_typed_into_the_template_loads_with_the_figures_of_the_original(
    typed_gb, month, original_figures, work
):
    assert typed_gb.refused[month] == []  # en-GB takes every British date as typed
    found = loaded_figures([typed_gb.files[month]], work / f"typed-en-GB-{month}-loaded")
    assert differences(found, original_figures([month])) == []


def test_the_comparison_notices_one_changed_cell(original_figures, tmp_path):
    # What makes the tests above meaningful: one case's age band changed (no measure counts age bands)
    # is its row as loaded and as in the original, and nothing else.
    from openpyxl import load_workbook

    workbook = load_workbook(RETURNS / "2018-06.xlsx")
    assert workbook["Cases"]["F2"].value == "25-34"
    workbook["Cases"]["F2"] = "35-44"
    workbook.save(tmp_path / "2018-06.xlsx")
    original = original_figures(["2018-06"])
    row = next(r for r in original["cases"] if r[1] == 2)  # (month, row_number, *CASES.names)
    age = 2 + CASES.names.index("age_band")
    changed = (*row[:age], "35-44", *row[age + 1 :])
    found = loaded_figures([tmp_path / "2018-06.xlsx"], tmp_path / "loaded")
    assert differences(found, original) == [f"cases: loaded {changed}", f"cases: original {row}"]


# Finding: 65+ becomes the number 65 (typed into a General cell, or imported from CSV).


def test_the_templates_text_cells_keep_a_typed_65_plus(typed_gb):
    month = _typed_month_with_sixty_five_plus()
    typed = [(sheet, cell) for sheet, cell, text, _ in typed_gb.entries[month] if text == "65+"]
    assert typed and all(typed_gb.holding(month, *place) == ["TEXT", "65+"] for place in typed)


def test_a_65_plus_typed_in_libreoffice_loads_as_65_plus(typed_gb):
    month = _typed_month_with_sixty_five_plus()
    checked = ingest.check_return(typed_gb.files[month].read_bytes(), f"{month}.xlsx")
    wanted = ingest.check_return((RETURNS / f"{month}.xlsx").read_bytes(), f"{month}.xlsx")
    assert checked.cases.column("age_band").to_pylist() == wanted.cases.column("age_band").to_pylist()
    assert checked.notes == []


@pytest.fixture(scope="module")
def csv_return(work) -> Path:
    """July 2018 with its Cases written as a CSV (as another system exports a case list), opened in
    LibreOffice (en-GB), saved as .xlsx, and pasted over the original's Cases sheet."""
    from openpyxl import load_workbook

    folder = work / "csv-2018-07"
    header, rows = realclient.read_return(RETURNS / "2018-07.xlsx")["Cases"]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for _, values in rows:
        writer.writerow(
            ["" if v is None else v.date().isoformat() if isinstance(v, dt.datetime) else v for v in values]
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Cases.csv").write_text(text.getvalue(), encoding="utf-8")
    imported = load_workbook(realclient.libreoffice_import_csv(folder / "Cases.csv", folder / "imported"))
    workbook = load_workbook(RETURNS / "2018-07.xlsx")
    for row in imported.active.iter_rows():
        for cell in row:
            workbook["Cases"].cell(cell.row, cell.column).value = cell.value
    workbook.save(folder / "2018-07.xlsx")
    return folder / "2018-07.xlsx"


def _age_bands(path: Path) -> list:
    header, rows = realclient.read_return(path)["Cases"]
    return [values[header.index("age_band")] for _, values in rows]


def test_libreoffice_imports_a_csv_65_plus_as_the_number_65(csv_return):
    original = _age_bands(RETURNS / "2018-07.xlsx")
    assert original.count("65+") == 1
    assert _age_bands(csv_return) == [65 if band == "65+" else band for band in original]


def test_a_case_list_imported_from_csv_loads_with_the_figures_of_the_original(csv_return, original_figures, work):
    found = loaded_figures([csv_return], work / "csv-2018-07-loaded")
    assert differences(found, original_figures(["2018-07"])) == []
    checked = ingest.check_return(csv_return.read_bytes(), csv_return.name)
    row = 2 + _age_bands(RETURNS / "2018-07.xlsx").index("65+")
    assert [str(n) for n in checked.notes] == [
        f"2018-07.xlsx: Cases row {row}, column age_band: '65' read as '65+': a spreadsheet made the number 65 of "
        "it (the template's Text cells keep 65+ as typed)"
    ]


# Finding: in a LibreOffice set to en-US, a typed British date swaps its day and month.


def test_libreoffice_in_en_us_reads_a_british_date_month_first(typed_us):
    # The return's only date with a day of 12 or less is submitted_on, 11/07/2018: taken as 7 November.
    # Every other date (13 to 30 June) is refused as no date at all, and typed again as YYYY-MM-DD, as the
    # template's message asks.
    assert typed_us.holding("2018-06", "About", "B5") == ["VALUE", "2018-11-07"]
    cases_dates = [[sheet, cell, text] for sheet, cell, text, retry in typed_us.entries["2018-06"] if retry][1:]
    assert [sheet for sheet, _, _ in cases_dates] == ["Cases"] * 12  # six referrals, six first contacts
    assert typed_us.refused["2018-06"] == cases_dates
    assert {typed_us.holding("2018-06", "Cases", cell)[1] for _, cell, _ in cases_dates} <= {
        f"2018-06-{day}" for day in range(13, 31)
    }


def test_a_date_swapped_by_a_us_locale_is_flagged_for_the_manager_to_confirm(typed_us):
    """A date cell like any other, so only its distance from the month gives it away: a warning to confirm."""
    checked = ingest.check_return(typed_us.files["2018-06"].read_bytes(), "2018-06.xlsx")
    assert checked.about["submitted_on"] == dt.date(2018, 11, 7)
    assert [str(w) for w in checked.to_confirm] == [
        "2018-06.xlsx: About row 5, column submitted_on: '2018-11-07' is 7 November 2018, far from June 2018; the "
        "other way round it is 11 July 2018: a spreadsheet set to US month/day order reads a typed 11/07/2018 as "
        "7 November. Check it: if it is right, confirm the upload; if not, correct it (YYYY-MM-DD reads the same "
        "everywhere)"
    ]


# Finding: the template after a LibreOffice save.


@pytest.fixture(scope="module")
def template_saved(work) -> tuple[Path, Path]:
    """The template, and the same opened in LibreOffice and saved."""
    return realclient.resave_template(work / "template", "2018-06")


@pytest.fixture(scope="module")
def template_converted(template_saved, work) -> Path:
    """The template converted to .xlsx by headless LibreOffice (`soffice --convert-to xlsx`)."""
    (converted,) = realclient.libreoffice_convert([template_saved[0]], "xlsx", work / "template-converted")
    return converted


def test_the_template_saved_by_libreoffice_keeps_its_frozen_header(template_saved):
    # Opened with a view, as a person opens it. (Headless `soffice --convert-to` has no view, and
    # drops every sheet's frozen panes: an artefact of converting, not of a person saving.)
    from openpyxl import load_workbook

    made, saved = (load_workbook(path) for path in template_saved)
    assert {ws.title: ws.freeze_panes for ws in made} == dict.fromkeys(made.sheetnames, "A2")
    assert {ws.title: ws.freeze_panes for ws in saved} == dict.fromkeys(made.sheetnames, "A2")


def _runs(rows: set[int]) -> list[tuple[int, int]]:
    """Rows as (first, last) runs: {2, 3, 4, 9} -> [(2, 4), (9, 9)]."""
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    return [(first, last) for first, last in runs]


def _validated_rows(workbook, sheet: str) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(column letter, validation type) -> the runs of rows it covers, for a sheet of the workbook."""
    from openpyxl.utils.cell import range_boundaries

    covered: dict[tuple[str, str], set[int]] = {}
    for rule in workbook[sheet].data_validations.dataValidation:
        for cells in str(rule.sqref).split():
            first_column, first_row, last_column, last_row = range_boundaries(cells)
            for column in range(first_column, last_column + 1):
                key = (realclient._letters(column), rule.type)
                covered.setdefault(key, set()).update(range(first_row, last_row + 1))
    return {key: _runs(rows) for key, rows in sorted(covered.items())}


def _formatted_rows(workbook, sheet: str, kind: str, last_row: int = 4000) -> dict[str, list[tuple[int, int]]]:
    """Column letter -> the runs of rows 2 to last_row whose cells are formatted as dates ("date") or as Text
    ("text"): a cell's own format where the file has the cell, else its column's."""
    from openpyxl.styles.numbers import is_date_format
    from openpyxl.utils import get_column_letter

    def wanted(number_format: str) -> bool:
        return is_date_format(number_format) if kind == "date" else number_format == "@"

    ws = workbook[sheet]
    found: dict[str, set[int]] = {}
    for dimension in ws.column_dimensions.values():  # a <col> may stand for several columns, min to max
        if dimension.min and wanted(dimension.number_format):
            for column in range(dimension.min, dimension.max + 1):
                found.setdefault(get_column_letter(column), set()).update(range(2, last_row + 1))
    for (row, column), cell in ws._cells.items():  # only the cells the file holds
        rows = found.setdefault(get_column_letter(column), set())
        if 2 <= row <= last_row and wanted(cell.number_format):
            rows.add(row)
        elif 2 <= row <= last_row:
            rows.discard(row)
    return {column: _runs(rows) for column, rows in sorted(found.items()) if rows}


def test_the_template_has_dropdowns_to_row_2000_and_formats_by_column(template_saved):
    # The template as made: the baseline for the tests below.
    from openpyxl import load_workbook

    made = load_workbook(template_saved[0])
    validated = _validated_rows(made, "Cases")
    assert len(validated) == 21  # every column of Cases but case_ref
    assert set(map(tuple, validated.values())) == {((2, 2000),)}
    assert _validated_rows(made, "Spend") == {("A", "list"): [(2, 2000)], ("C", "decimal"): [(2, 2000)]}
    assert _formatted_rows(made, "Cases", "date") == dict.fromkeys(["B", "K", "N"], [(2, 4000)])
    text = [realclient._letters(i) for i, c in enumerate(CASES.columns, 1) if c.type in ("code", "text")]
    assert _formatted_rows(made, "Cases", "text") == dict.fromkeys(text, [(2, 4000)])
    assert len(text) == 19 and "F" in text  # age_band


@pytest.mark.parametrize("how", ["saved by a person", "converted headless"])
def test_the_template_after_libreoffice_keeps_its_dropdowns_to_row_2000_and_its_formats(
    template_saved, template_converted, how
):
    from openpyxl import load_workbook

    made = load_workbook(template_saved[0])
    saved = load_workbook(template_saved[1] if how == "saved by a person" else template_converted)
    for sheet in ("Cases", "Spend"):
        assert _validated_rows(saved, sheet) == _validated_rows(made, sheet), sheet
        for kind in ("date", "text"):
            assert _formatted_rows(saved, sheet, kind) == _formatted_rows(made, sheet, kind), (sheet, kind)


def test_the_template_after_libreoffice_still_loads_as_a_blank_return(template_saved, template_converted):
    for path in (template_saved[1], template_converted):
        with pytest.raises(Rejected) as caught:  # what to fill in, and nothing about the row-2,000 marker
            ingest.check_return(path.read_bytes(), path.name)
        assert {(p.sheet, p.problem) for p in caught.value.problems} == {
            ("About", "is required"), ("Activity", "is required")}


# Finding: every real client's workbook takes the slow path of the quick look.


def _measured_cell_by_cell(path: Path, monkeypatch) -> list[str]:
    """The sheets that check_return measures cell by cell (workbook_xml._exact_extent) for the file."""
    measured = []
    exact = workbook_xml._exact_extent

    def spy(archive: zipfile.ZipFile, part: str):
        measured.append(part)
        return exact(archive, part)

    monkeypatch.setattr(workbook_xml, "_exact_extent", spy)
    ingest.check_return(path.read_bytes(), path.name)
    return measured


def test_an_openpyxl_return_is_measured_on_the_quick_path(monkeypatch):
    assert _measured_cell_by_cell(RETURNS / "2019-01.xlsx", monkeypatch) == []


def test_a_return_filled_into_the_template_by_openpyxl_is_measured_on_the_quick_path(tmp_path, monkeypatch):
    # No spreadsheet program at all: the template's own validations send its sheets down the slow path.
    template = realclient.write_template(tmp_path / "template.xlsx", "2019-01")
    filled = realclient.fill_template(RETURNS / "2019-01.xlsx", template, tmp_path / "2019-01.xlsx")
    assert _measured_cell_by_cell(filled, monkeypatch) == []


def test_a_return_saved_by_a_real_client_is_measured_on_the_quick_path(converted, monkeypatch):
    route, files = converted
    if files[0].is_dir():
        pytest.skip("one CSV per sheet: no workbook, so no quick look")
    assert {path.name: _measured_cell_by_cell(path, monkeypatch) for path in files[:1]} == {files[0].name: []}


def test_a_return_typed_in_libreoffice_is_measured_on_the_quick_path(typed_gb, monkeypatch):
    path = typed_gb.files[TYPED_MONTHS[0]]
    assert _measured_cell_by_cell(path, monkeypatch) == []


# A settings CSV as a spreadsheet on Windows saves it: Windows-1252.


def test_a_settings_csv_saved_by_libreoffice_in_windows_1252_imports_as_its_utf8_original(work):
    from metrics.admin import reference
    from metrics.contract import BUDGET

    source = work / "settings" / "budget.csv"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("grant,budget_line,amount_gbp,start_date,end_date\n"
                      "Pilot 2018–19 £,Salary,26000,2018-06-13,2019-06-13\n", encoding="utf-8")
    saved = realclient.libreoffice_resave_csv(source, work / "settings" / "windows-1252", "windows-1252")
    assert b"Pilot 2018\x9619 \xa3," in saved.read_bytes()  # the en dash and the pound sign, one byte each
    wanted = reference.read_csv(BUDGET, source.read_bytes(), "budget.csv")
    assert reference.read_csv(BUDGET, saved.read_bytes(), "budget.csv") == wanted


# The return that fills itself in: next month's, pre-filled, opened and typed into in LibreOffice.


def _prefilled_july(sample_db, folder: Path) -> Path:
    from metrics.returns import prefill

    folder.mkdir(parents=True, exist_ok=True)
    con = setup.open_database(sample_db)
    try:
        made = prefill.prefilled_return(con)
    finally:
        con.close()
    assert (made["month"], made["from_month"]) == ("2019-07", "2019-06")
    path = folder / "2019-07-prefilled.xlsx"
    path.write_bytes(made["content"])
    return path


def _previewed(sample_db, path: Path) -> dict:
    from metrics.returns import preview

    con = setup.open_database(sample_db)
    try:
        checked = ingest.check_return(path.read_bytes(), path.name, con)
        assert (checked.notes, checked.to_confirm) == ([], [])
        return preview.preview(con, [checked])
    finally:
        con.close()


def test_next_months_return_pre_filled_and_typed_into_in_libreoffice_shows_only_what_was_typed(sample_db, work):
    from openpyxl import load_workbook

    prefilled = _prefilled_july(sample_db, work / "prefilled")
    first_case = load_workbook(prefilled)["Cases"]["A2"].value
    closed, reason = (realclient._letters(CASES.names.index(n) + 1) for n in ("closed_date", "closure_reason"))
    entries = [["About", "B5", "05/08/2019", None],  # submitted_on, and the month's activity counts
               *(["Activity", f"B{row}", "2", None] for row in range(2, 2 + len(ACTIVITY.columns))),
               ["Cases", f"{closed}2", "20/07/2019", None], ["Cases", f"{reason}2", "Support completed", None]]
    typed = work / "prefilled" / "2019-07.xlsx"
    (report_,) = realclient.run_typist([{"source": str(prefilled), "target": str(typed), "entries": entries}],
                                       work / "prefilled", "en-GB")
    assert report_["refused"] == []
    result = _previewed(sample_db, typed)
    assert result["cases"][["case_ref", "change", "changed", "detail"]].to_dict("records") == [
        {"case_ref": first_case, "change": "updated", "changed": "closed_date, closure_reason",
         "detail": "closed_date: blank → 2019-07-20; closure_reason: blank → Support completed"}]
    assert (result["counts"]["closures_recorded"], result["counts"]["new_cases"]) == (1, 0)
    # Saved again by LibreOffice as .ods, unchanged: still only that case.
    (as_ods,) = realclient.libreoffice_convert([typed], "ods", work / "prefilled" / "ods")
    assert _previewed(sample_db, as_ods)["cases"]["case_ref"].tolist() == [first_case]
