"""Reference data and settings: a new database's defaults, CSV import checked like a return, export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import workbooks

from metrics.admin import reference, setup
from metrics.cli import run
from metrics.contract import DEFAULT_COST_BENEFIT_SOURCE, Rejected
from metrics.store import connection, logs, settings

SAMPLE = connection.PROJECT_ROOT / "sample_data"
REFERENCE_FILES = ["budget.csv", "kpi_targets.csv", "nrm_referrals.csv", "bank_holidays.csv"]
NOT_A_DATE = "is not a date (use a date cell, YYYY-MM-DD or DD/MM/YYYY)"
TWO_GRANTS = (
    "grant,budget_line,amount_gbp,start_date,end_date\n"
    "Pilot 2018-19,Salary,26000,2018-06-13,2019-06-13\n"
    "Pilot 2018-19,On-costs,8000,2018-06-13,2019-06-13\n"
    "Extension 2019-20,Salary,27040.5,2019-06-14,2020-06-13\n"
    "Extension 2019-20,On-costs,8000,2019-06-14,2020-06-13\n"
)


@pytest.fixture
def con(empty_db):
    connection = setup.open_database(empty_db)
    yield connection
    connection.close()


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_a_new_database_has_the_default_reference_data_and_no_returns(con):
    assert con.execute("SELECT * FROM budget").fetchall() == [
        ("Pilot 2018-19", "Salary", Decimal("26000.00"), dt.date(2018, 6, 13), dt.date(2019, 6, 13)),
        ("Pilot 2018-19", "On-costs", Decimal("8000.00"), dt.date(2018, 6, 13), dt.date(2019, 6, 13)),
    ]
    counts = {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        for table in ("kpi_targets", "nrm_referrals", "bank_holidays", "uploads", "raw_cases", "raw_activity")
    }
    assert counts == {
        "kpi_targets": 11,
        "nrm_referrals": 15,
        "bank_holidays": 83,
        "uploads": 0,
        "raw_cases": 0,
        "raw_activity": 0,
    }
    assert con.execute(
        "SELECT area, period_start, referrals FROM nrm_referrals WHERE year(period_start) IN (2016, 2017) ORDER BY ALL"
    ).fetchall() == [
        ("UK", dt.date(2016, 1, 1), 3804),
        ("UK", dt.date(2017, 1, 1), 5145),
    ]
    assert con.execute("SELECT * FROM kpi_targets WHERE measure = 'timely_contact_rate'").fetchall() == [
        ("timely_contact_rate", 0.9, "higher", 0.1)
    ]
    assert settings.cost_benefit(con) == (3.35, DEFAULT_COST_BENEFIT_SOURCE)


def test_a_database_made_by_init_starts_with_the_defaults(tmp_path, capsys, monkeypatch):
    import io

    path = tmp_path / "deeper" / "real.duckdb"
    monkeypatch.setattr("sys.stdin", io.StringIO("violet tractor harbour\n"))
    assert run(["init", "--manager", "mo", "--password-stdin", "--db", str(path)]) == 0
    assert run(["uploads", "--db", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "No uploads yet."
    con = setup.open_database(path)
    try:
        assert con.execute("SELECT count(*) FROM budget").fetchall() == [(2,)]
    finally:
        con.close()


def test_export_round_trips_the_defaults_byte_for_byte(con, tmp_path):
    written = reference.export_files(con, tmp_path / "out")
    assert [p.name for p in written] == REFERENCE_FILES + ["settings.csv"]
    for name in REFERENCE_FILES:
        assert (tmp_path / "out" / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    assert (tmp_path / "out" / "settings.csv").read_text(encoding="utf-8") == (
        f'key,value\ncost_benefit_ratio,3.35\ncost_benefit_source,"{DEFAULT_COST_BENEFIT_SOURCE}"\n'
    )


def test_import_replaces_the_table_and_export_gives_the_file_back(con, tmp_path):
    budget = _write(tmp_path, "budget.csv", TWO_GRANTS)
    targets = _write(
        tmp_path, "KPI_Targets.CSV", "measure,target,better,amber_band\nmedian_days_to_contact,3,lower,1.5\n"
    )
    assert reference.import_files(con, [budget, targets], user="manager") == {"budget.csv": 4, "KPI_Targets.CSV": 1}
    assert con.execute("SELECT * FROM budget").fetchall()[2:] == [
        ("Extension 2019-20", "Salary", Decimal("27040.50"), dt.date(2019, 6, 14), dt.date(2020, 6, 13)),
        ("Extension 2019-20", "On-costs", Decimal("8000.00"), dt.date(2019, 6, 14), dt.date(2020, 6, 13)),
    ]
    assert con.execute("SELECT * FROM kpi_targets").fetchall() == [("median_days_to_contact", 3.0, "lower", 1.5)]
    assert con.execute(
        "SELECT actor, detail FROM audit_log WHERE action = 'settings' AND actor = 'manager'"
    ).fetchall() == [
        ("manager", "budget replaced (4 rows) from budget.csv"),
        ("manager", "kpi_targets replaced (1 rows) from KPI_Targets.CSV"),
    ]
    reference.export_files(con, tmp_path / "out")
    assert (tmp_path / "out" / "budget.csv").read_text() == TWO_GRANTS


BAD_FILES = {
    "budget": (
        "budget.csv",
        "grant,budget_line,amount_gbp,start_date,end_date\n"
        "Pilot,Salary,lots,2018-06-13,2019-06-13\n"
        "Pilot,Wages,8000,13/06/2018,2019-06-13\n"
        "Pilot,On-costs,8000,2018-06-13,2018-01-01\n"
        "Pilot,salary,1,2018-06-13,2019-06-13\n",
        [
            "budget.csv: budget row 2, column budget_line: 'Salary' appears more than once for this grant",
            "budget.csv: budget row 2, column amount_gbp: 'lots' is not an amount in pounds",
            "budget.csv: budget row 3, column budget_line: 'Wages' is not one of: Salary, On-costs",
            "budget.csv: budget row 4, column end_date: '2018-01-01' is before start_date",
            "budget.csv: budget row 5, column budget_line: 'salary' appears more than once for this grant",
        ],
    ),
    "kpi_targets": (
        "kpi_targets.csv",
        "measure,target,better,amber_band\n"
        "timely_contact_rate,0.9,more,0.1\n"
        "median_days_to_contact,,lower,-1\n"
        "timely_contact_rate,0.8,higher,0.1\n",
        [
            "kpi_targets.csv: kpi_targets row 2, column measure: 'timely_contact_rate' appears more than once",
            "kpi_targets.csv: kpi_targets row 2, column better: 'more' is not one of: higher, lower",
            "kpi_targets.csv: kpi_targets row 3, column target: is required",
            "kpi_targets.csv: kpi_targets row 3, column amber_band: '-1' must not be negative",
            "kpi_targets.csv: kpi_targets row 4, column measure: 'timely_contact_rate' appears more than once",
        ],
    ),
    "nrm_referrals": (
        "nrm_referrals.csv",
        "area,period_start,period_end,referrals\nUK,2018-01-01,2018-12-31,12.5\nUK,2019-12-31,2019-01-01,-3\n",
        [
            "nrm_referrals.csv: nrm_referrals row 2, column referrals: '12.5' is not a whole number of 0 or more",
            "nrm_referrals.csv: nrm_referrals row 3, column period_end: '2019-01-01' is before period_start",
            "nrm_referrals.csv: nrm_referrals row 3, column referrals: '-3' is not a whole number of 0 or more",
        ],
    ),
    "bank_holidays": (
        "bank_holidays.csv",
        "date,name\n2019-02-30,Not a day\n25/12/2019,Christmas Day\n2019-12-25,\nsoon,Later\n",
        [
            f"bank_holidays.csv: bank_holidays row 2, column date: '2019-02-30' {NOT_A_DATE}",
            "bank_holidays.csv: bank_holidays row 3, column date: '25/12/2019' appears more than once",
            "bank_holidays.csv: bank_holidays row 4, column date: '2019-12-25' appears more than once",
            "bank_holidays.csv: bank_holidays row 4, column name: is required",
            f"bank_holidays.csv: bank_holidays row 5, column date: 'soon' {NOT_A_DATE}",
        ],
    ),
    "header": (
        "budget.csv",
        "grant,budget line,Amount_GBP,start_date,notes\nPilot,Salary,1,2018-06-13,x\n",
        [
            "budget.csv: budget row 1, column notes: is not a column of this sheet",
            "budget.csv: budget row 1, column end_date: column is missing from the header row",
        ],
    ),
    "settings": (
        "settings.csv",
        "key,value\ncost_benefit_ratio,three\ndatabase_kind,sample\ncost_benefit_ratio,2\n",
        [
            "settings.csv: settings row 2, column cost_benefit_ratio: 'three' is not a number from 0 to 1000",
            "settings.csv: settings row 3, column key: 'database_kind' is not a setting that can be imported: "
            "cost_benefit_ratio, cost_benefit_source",
            "settings.csv: settings row 4, column key: 'cost_benefit_ratio' appears more than once",
            "settings.csv: settings, column cost_benefit_source: is missing: add a row with key 'cost_benefit_source'",
        ],
    ),
    "settings header": (
        "settings.csv",
        "name,value\n",
        ["settings.csv: settings row 1: header should be 'key' and 'value'"],
    ),
    # 0x81 is no character in Windows-1252 either.
    "not text": (
        "budget.csv",
        b"grant\nPilot \x81\n",
        ["budget.csv: budget: is not text in UTF-8 or Windows-1252: save it again as CSV UTF-8"],
    ),
    "empty": ("bank_holidays.csv", "", ["bank_holidays.csv: bank_holidays: is empty"]),
    "unknown file name": (
        "targets.csv",
        "measure,target,better,amber_band\n",
        [
            "targets.csv: is not a known settings file: name it one of budget.csv, kpi_targets.csv, "
            "nrm_referrals.csv, bank_holidays.csv, settings.csv"
        ],
    ),
}


@pytest.mark.parametrize("name, text, expected", list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_a_bad_settings_file_is_rejected_naming_file_row_column_and_value(con, tmp_path, name, text, expected):
    good = _write(tmp_path, "nrm_referrals.csv", "area,period_start,period_end,referrals\nUK,2020-01-01,2020-12-31,1\n")
    (tmp_path / "bad").mkdir()
    before = workbooks.database_state(con)
    with pytest.raises(Rejected) as caught:
        reference.import_files(con, [good, _write(tmp_path / "bad", name, text)])
    assert [str(p) for p in caught.value.problems] == expected
    assert workbooks.database_state(con) == before  # the good file was not loaded either


def test_settings_commands_exit_codes_and_messages(empty_db, tmp_path, capsys):
    budget = _write(tmp_path, "budget.csv", TWO_GRANTS)
    assert run(["settings", "import", str(budget), "--db", str(empty_db), "--user", "manager"]) == 0
    assert capsys.readouterr().out == "Replaced budget with 4 rows from budget.csv\n"

    bad = _write(tmp_path, "kpi_targets.csv", "measure,target,better,amber_band\ntimely_contact_rate,1,sideways,0\n")
    assert run(["settings", "import", str(bad), str(tmp_path / "other.csv"), "--db", str(empty_db)]) == 1
    assert capsys.readouterr().err == (
        "Rejected: 2 problems; nothing was changed.\n"
        "kpi_targets.csv: kpi_targets row 2, column better: 'sideways' is not one of: higher, lower\n"
        "other.csv: is not a known settings file: name it one of budget.csv, kpi_targets.csv, nrm_referrals.csv, "
        "bank_holidays.csv, settings.csv\n"
    )

    assert run(["settings", "cost-benefit", "4.1", "Our own study, 2020", "--db", str(empty_db)]) == 0
    assert capsys.readouterr().out == "Cost-benefit ratio set to 4.1\n"
    assert run(["settings", "cost-benefit", "-1", "Nonsense", "--db", str(empty_db)]) == 1
    assert capsys.readouterr().err == (
        "Rejected: 1 problem; nothing was changed.\n"
        "settings: settings, column cost_benefit_ratio: '-1.0' must be a number from 0 to 1000\n"
    )

    assert run(["settings", "export", str(tmp_path / "out"), "--db", str(empty_db)]) == 0
    assert capsys.readouterr().out == "".join(
        f"Wrote {tmp_path / 'out' / name}\n" for name in REFERENCE_FILES + ["settings.csv"]
    )
    assert (tmp_path / "out" / "budget.csv").read_text() == TWO_GRANTS
    assert (tmp_path / "out" / "settings.csv").read_text() == (
        'key,value\ncost_benefit_ratio,4.1\ncost_benefit_source,"Our own study, 2020"\n'
    )


def test_an_exported_folder_imports_back_settings_and_all(con, tmp_path):
    reference.set_cost_benefit(con, 2.5, "A study, with a comma")
    con.execute("INSERT OR REPLACE INTO settings VALUES ('database_kind', 'sample')")  # the code's, never exported
    exported = reference.export_files(con, tmp_path / "out")
    assert (tmp_path / "out" / "settings.csv").read_text() == (
        'key,value\ncost_benefit_ratio,2.5\ncost_benefit_source,"A study, with a comma"\n'
    )
    reference.set_cost_benefit(con, 9, "Something else")
    assert reference.import_files(con, exported) == {
        "budget.csv": 2,
        "kpi_targets.csv": 11,
        "nrm_referrals.csv": 15,
        "bank_holidays.csv": 83,
        "settings.csv": 2,
    }
    assert settings.cost_benefit(con) == (2.5, "A study, with a comma")
    again = reference.export_files(con, tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in exported]


def test_a_budget_that_drops_loaded_spend_out_of_every_grant_is_saved_with_a_warning(sample_db, tmp_path, capsys):
    """June 2019's spend names no grant: an extension sharing June leaves its salary line in neither
    grant. The budget must still be saveable (a return can only name a grant the budget has), so the
    manager is warned, and told how to put it right."""
    from metrics import cli
    from metrics.answers.report import report
    from metrics.periods import Period

    shared = tmp_path / "budget.csv"
    shared.write_text(
        "grant,budget_line,amount_gbp,start_date,end_date\n"
        "Pilot 2018-19,Salary,26000,2018-06-13,2019-06-13\nPilot 2018-19,On-costs,8000,2018-06-13,2019-06-13\n"
        "Extension 2019-20,Salary,27000,2019-06-14,2020-06-13\n"
    )
    assert cli.run(["settings", "import", str(shared), "--db", str(sample_db)]) == 0
    assert capsys.readouterr().err == (
        "Warning: 1 loaded spend line(s) now fall in no single grant (2019-06 Salary) and count in no actual "
        "spend: upload those months again naming the grant of each line (see Data quality)\n")
    from metrics.admin import reference

    con = setup.open_database(sample_db)
    try:
        # June's salary line no longer counts in any grant's actual spend.
        assert round(report(con, Period("2019-06", "2019-06"))["spend"]["by_line"]["Salary"]["actual"], 2) == 0.0
        later = shared.read_text().replace("2019-06-14,2020-06-13", "2019-07-01,2020-06-30")
        shared.write_text(later)
        reference.import_files(con, [shared], user="tester")
        assert reference.spend_without_grant(con) is None
    finally:
        con.close()


def test_a_settings_file_its_worker_cannot_finish_is_refused_audited_and_changes_nothing(empty_db, tmp_path,
                                                                                         monkeypatch, capsys):
    """Pen test finding 1 for settings CSVs: each is read in a worker with limits (here, no time at all)."""
    from metrics import isolation  # here, so that the other tests run on code without it

    real_run = isolation.run
    monkeypatch.setattr(isolation, "run", lambda function, *args, **limits: real_run(function, *args,
                                                                                      **{**limits, "seconds": 0}))
    with setup.open_database(empty_db) as con:
        before = workbooks.database_state(con)
    budget = _write(tmp_path, "budget.csv", TWO_GRANTS)
    assert run(["settings", "import", str(budget), "--db", str(empty_db), "--user", "manager"]) == 1
    assert capsys.readouterr().err == (
        "Rejected: 1 problem; nothing was changed.\n"
        "budget.csv: could not be read safely: it takes longer to read than a settings file can\n")
    with setup.open_database(empty_db) as con:
        assert workbooks.database_state(con) == before
        assert logs.audit_entries(con, 1)[["actor", "action", "detail"]].values.tolist() == [
            ["manager", "settings file rejected", "budget.csv: 1 problem(s)"]]
