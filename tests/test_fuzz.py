"""Fuzzing: random values in the cells of a valid return never crash the checks, and what loads reads back.

Hypothesis changes a few cells of the valid March 2019 return (tests/hostile.py) to values drawn
per column: mostly plausible ones (codes in odd case and spacing, dates as text, numbers as text)
and sometimes anything at all (any text, huge numbers, dates out of range, blanks, booleans).
"""

from __future__ import annotations

import datetime as dt

import hostile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.admin import setup
from metrics.contract import ABOUT, ACTIVITY, CASES, SPEND, Column, Rejected
from metrics.returns import ingest

SHEETS = {"About": ABOUT, "Cases": CASES, "Activity": ACTIVITY, "Spend": SPEND}
FILE = "fuzz.xlsx"

_anything = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
    st.booleans(),
)
_in_march = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2019, 3, 31))


def _plausible(column: Column) -> st.SearchStrategy:
    """Values a manager might type in this column, valid or nearly so."""
    if column.type == "code":
        codes = st.sampled_from(column.codes)
        return st.one_of(codes, codes.map(str.upper), codes.map(lambda c: f"  {c.lower()} "))
    if column.type == "date":
        return st.one_of(_in_march, _in_march.map(lambda d: d.strftime("%d/%m/%Y")), _in_march.map(str))
    if column.type == "month":
        return st.sampled_from(["2019-03", dt.date(2019, 3, 1), "2019-3", "March 2019"])
    if column.type == "int":
        return st.one_of(st.integers(0, 500), st.integers(0, 500).map(str), st.floats(0, 500))
    if column.type == "number":
        amounts = st.decimals(min_value=-1000, max_value=100_000, places=2, allow_nan=False)
        return st.one_of(amounts.map(float), amounts.map(lambda a: f"£{a:,}"), amounts.map(str))
    if column.pattern:
        return st.from_regex(r"[A-Za-z0-9/-]{1,30}", fullmatch=True)
    return st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=60)


@st.composite
def edits(draw) -> list[tuple[str, int, int, object]]:
    """A few (sheet, row index, column index, value) changes to the base return's cells."""
    rows = hostile.sheet_rows(hostile.base_return())
    changes = []
    for _ in range(draw(st.integers(1, 6))):
        name = draw(st.sampled_from(list(SHEETS)))
        sheet = SHEETS[name]
        row = draw(st.integers(1, len(rows[name]) - 1))
        if sheet.kind == "keyvalue":
            column_index, column = 1, sheet.column(rows[name][row][0])
        else:
            column_index = draw(st.integers(0, len(sheet.columns) - 1))
            column = sheet.columns[column_index]
        changes.append((name, row, column_index, draw(st.one_of(_plausible(column), _plausible(column), _anything))))
    return changes


@pytest.fixture(scope="module")
def con():
    """An in-memory database with the default reference data."""
    connection = setup.open_database(":memory:")
    yield connection
    connection.close()


def _stored(con, table: str, sheet, upload_id: int) -> list[tuple]:
    names = ", ".join(f'"{n}"' for n in sheet.names)
    return con.execute(
        f"SELECT row_number, {names} FROM {table} WHERE upload_id = ? ORDER BY row_number", [upload_id]
    ).fetchall()


outcomes = {"accepted": 0, "rejected": 0}


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(changes=edits())
def test_random_cells_never_crash_the_checks_and_what_loads_reads_back(con, changes):
    def change(rows):
        for name, row, column, value in changes:
            rows[name][row][column] = value

    content = hostile.workbook(change=change)
    before = hostile.dump_tables(con)
    try:
        checked = ingest.check_return(content, FILE, con)
    except Rejected as rejected:
        outcomes["rejected"] += 1
        assert rejected.problems
        for problem in rejected.problems:
            assert problem.file == FILE and problem.sheet in {"", *SHEETS} and problem.problem
            assert str(problem).startswith(FILE + ": ")
        assert hostile.dump_tables(con) == before
        return
    outcomes["accepted"] += 1
    loaded = ingest.load_checked(con, checked, user="fuzz")
    upload_id = loaded["upload_id"]
    typed_cases = [tuple(r.values()) for r in checked.cases.select(["_row", *CASES.names]).to_pylist()]
    assert _stored(con, "raw_cases", CASES, upload_id) == typed_cases
    names = ", ".join(f'"{n}"' for n in CASES.names)
    assert (
        con.execute(f"SELECT row_number, {names} FROM case_snapshots WHERE upload_id = ? ORDER BY 1",
                    [upload_id]).fetchall()
        == typed_cases
    )
    typed_spend = [tuple(r.values()) for r in checked.spend.select(["_row", *SPEND.names]).to_pylist()]
    assert _stored(con, "raw_spend", SPEND, upload_id) == typed_spend
    assert dict(con.execute("SELECT measure, count FROM raw_activity WHERE upload_id = ?", [upload_id]).fetchall()) == (
        checked.activity
    )
    assert con.execute(
        "SELECT service, reporting_month, prepared_by, submitted_on FROM uploads WHERE upload_id = ?", [upload_id]
    ).fetchall() == [tuple(checked.about[n] for n in ABOUT.names)]


def test_the_fuzzing_reached_both_outcomes():
    """Runs after the fuzz test (pytest keeps file order): both loading and rejection were exercised."""
    assert outcomes["accepted"] >= 5 and outcomes["rejected"] >= 5, outcomes
