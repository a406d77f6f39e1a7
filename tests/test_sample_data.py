"""The sample data: deterministic, equal to what is committed, and valid by its own contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from metrics.admin import setup
from metrics.returns import ingest
from sample_data import generate

SAMPLE = Path(generate.__file__).resolve().parent
MONTHS = [f"2018-{m:02d}" for m in range(6, 13)] + [f"2019-{m:02d}" for m in range(1, 7)]
REFERENCE_FILES = ["bank_holidays.csv", "budget.csv", "kpi_targets.csv", "nrm_referrals.csv"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, bytes]:
    """Every file the generator writes into an empty folder."""
    folder = tmp_path_factory.mktemp("first")
    generate.main(["--out", str(folder)])
    return _files(folder)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Each committed sample return, checked against a new database's default budget."""
    con = setup.open_database(tmp_path_factory.mktemp("sample") / "check.duckdb")
    try:
        yield {
            path.stem: ingest.check_return(path.read_bytes(), path.name, con)
            for path in sorted((SAMPLE / "returns").glob("*.xlsx"))
        }
    finally:
        con.close()


def test_the_generator_writes_the_reference_csvs_and_thirteen_returns(generated):
    assert sorted(generated) == REFERENCE_FILES + [f"returns/{month}.xlsx" for month in MONTHS]


def test_generating_twice_gives_identical_bytes(generated, tmp_path):
    generate.main(["--out", str(tmp_path)])
    again = _files(tmp_path)
    assert sorted(again) == sorted(generated)
    assert [name for name in generated if again[name] != generated[name]] == []


def test_the_committed_files_equal_a_fresh_generation(generated):
    committed = {name: (SAMPLE / name).read_bytes() for name in generated}
    assert [name for name in generated if committed[name] != generated[name]] == []


def test_the_plain_data_is_deterministic_and_depends_on_the_seed():
    assert generate.returns(seed=7) == generate.returns(seed=7)
    assert generate.returns(seed=7)["2018-09"]["cases"] != generate.returns(seed=8)["2018-09"]["cases"]


def test_every_committed_return_passes_its_own_validation(checked):
    data = generate.returns()
    assert sorted(checked) == MONTHS
    for month, result in checked.items():
        assert result.about == {
            "service": "Connect Gwent MSHT Advocate",
            "reporting_month": month,
            "prepared_by": "Connect Gwent manager",
            "submitted_on": data[month]["about"]["submitted_on"],
        }
        assert result.cases.num_rows == len(data[month]["cases"])
        assert result.activity == data[month]["activity"]


def test_the_sample_year_has_what_the_issue_asks_for(checked):
    """Pinned facts of the committed year: referrals a month, open cases carried over, closures, corrections."""
    cases = {month: result.cases.to_pylist() for month, result in checked.items()}
    new = {m: sum(r["referral_date"].strftime("%Y-%m") == m for r in rows) for m, rows in cases.items()}
    assert list(new.values()) == [6, 11, 15, 12, 6, 8, 9, 10, 7, 5, 8, 5, 5]  # 5 to 15 a month; June a half month
    assert [len(rows) for rows in cases.values()] == [6, 17, 31, 40, 44, 44, 48, 53, 50, 42, 39, 36, 37]
    closed = [sum(r["closed_date"] is not None for r in rows) for rows in cases.values()]
    assert closed == [0, 1, 3, 2, 8, 5, 5, 10, 13, 11, 8, 4, 6]
    # every closure has its reason; the pilot starts on 13 June 2018
    assert [r for rows in cases.values() for r in rows if r["closed_date"] and not r["closure_reason"]] == []
    assert min(r["referral_date"] for r in cases["2018-06"]) >= dt.date(2018, 6, 13)
    # 107 cases; 84 appear in three or more returns; 41 first reported "Not yet known" are corrected later
    history: dict[str, list[str]] = {}
    for rows in cases.values():
        for r in rows:
            history.setdefault(r["case_ref"], []).append(r["exploitation_type"])
    assert len(history) == 107
    assert sum(len(kinds) >= 3 for kinds in history.values()) == 84
    assert sum(kinds[0] == "Not yet known" != kinds[-1] for kinds in history.values()) == 41
    # November has the refund, saying so
    assert [(r["detail"], r["amount_gbp"]) for r in checked["2018-11"].spend.to_pylist() if r["amount_gbp"] < 0] == [
        ("Travel refund (cancelled training)", Decimal("-86.40"))
    ]
