"""Synthetic data at scale for the benchmarks: many services over many years, built in code.

Every service gets its own seeded run of the sample-data generator; all of them use the same
case-reference prefix, so the same `case_ref` appears in several services and a measure that
mixed services up would give different figures. The budget is one grant per calendar year and
the spend rows follow it, so that any 12-month period spans two grants.

Two ways to load it, which give the same database: `load_with_store` calls
`metrics.store.loading.load_return` once per service-month (as an upload would); `bulk_load` inserts
everything in one transaction from Arrow tables, which is what the full-size benchmark uses.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import random
from dataclasses import dataclass

import pyarrow as pa

from metrics.admin import reference
from metrics.contract import ACTIVITY, BUDGET, CASES, SPEND
from metrics.periods import month_end, months_between
from metrics.store import loading, logs, schema
from metrics.store.connection import write
from sample_data.generate import returns

GRANT_SALARY, GRANT_ONCOSTS = 26000, 8000
_ARROW_TYPES = {"date": pa.date32(), "number": pa.decimal128(12, 2)}


@dataclass(frozen=True)
class Size:
    """How much data to build, and the 12-month period the report benchmark asks for."""

    services: int
    first: str
    last: str
    per_month: tuple[int, int]
    period: tuple[str, str]
    ingest_rows: int
    repeats: int


FULL = Size(20, "2018-01", "2027-12", (60, 100), ("2026-04", "2027-03"), 5000, 7)
QUICK = Size(3, "2018-01", "2019-12", (20, 40), ("2019-01", "2019-12"), 1000, 3)


def service_name(index: int) -> str:
    return f"Service {index + 1:02d}"


def budget_csv(first: str, last: str) -> bytes:
    """One grant per calendar year covering every month from first to last, as budget.csv."""
    lines = ["grant,budget_line,amount_gbp,start_date,end_date"]
    for year in range(int(first[:4]), int(last[:4]) + 1):
        for line, amount in (("Salary", GRANT_SALARY), ("On-costs", GRANT_ONCOSTS)):
            lines.append(f"Year {year},{line},{amount},{year}-01-01,{year}-12-31")
    return ("\n".join(lines) + "\n").encode()


def monthly_spend(rng: random.Random) -> list[dict]:
    """A month of spend against the calendar-year grant: salary on profile, on-costs that wander."""
    oncost = GRANT_ONCOSTS / 12
    rows = [
        {"budget_line": "Salary", "detail": "Advocate salary", "amount_gbp": round(GRANT_SALARY / 12, 2)},
        {"budget_line": "On-costs", "detail": "Pension", "amount_gbp": round(oncost * 0.35, 2)},
        {"budget_line": "On-costs", "detail": "Management", "amount_gbp": round(oncost * 0.40, 2)},
        {"budget_line": "On-costs", "detail": "Travel", "amount_gbp": round(oncost * 0.25 * rng.uniform(0.6, 1.5), 2)},
    ]
    for row in rows:
        row["grant"] = None
    return rows


def service_returns(index: int, size: Size) -> dict[str, dict]:
    """Every monthly return of one service, as plain Python data (sample_data.generate.returns)."""
    data = returns(1000 + index, size.first, size.last, service_name(index), "CG", size.per_month)
    rng = random.Random(5000 + index)
    for month_data in data.values():
        month_data["spend"] = monthly_spend(rng)
    return data


def build(size: Size) -> dict[str, dict[str, dict]]:
    """{service: {month: return}} for every service of the size."""
    return {service_name(i): service_returns(i, size) for i in range(size.services)}


def _typed_table(sheet, rows: list[dict]) -> pa.Table:
    """Rows as metrics.validate.check_table returns them: `_row` (spreadsheet row) and typed columns."""
    columns = {"_row": pa.array(range(2, len(rows) + 2), pa.int64())}
    for col in sheet.columns:
        values = [row.get(col.name) for row in rows]
        if col.type == "number":
            values = [None if v is None else decimal.Decimal(str(v)).quantize(decimal.Decimal("0.01")) for v in values]
        columns[col.name] = pa.array(values, _ARROW_TYPES.get(col.type, pa.string()))
    return pa.table(columns)


def monthly_tables(month_data: dict) -> dict:
    """One return as load_return's keyword arguments (bar file name, hash and user)."""
    return {
        "about": month_data["about"],
        "cases": _typed_table(CASES, month_data["cases"]),
        "activity": month_data["activity"],
        "spend": _typed_table(SPEND, month_data["spend"]),
    }


def _file_name(about: dict) -> str:
    return f"{about['service']} {about['reporting_month']}.xlsx"


def _sha256(about: dict) -> str:
    return hashlib.sha256(_file_name(about).encode()).hexdigest()


def set_budget(con, size: Size) -> None:
    """Replace the default pilot budget with a grant per calendar year, through the settings import."""
    typed = reference.read_csv(BUDGET, budget_csv(size.first, size.last), "budget.csv")
    reference.replace_table(con, BUDGET, typed, "benchmark", "calendar-year grants")


def load_with_store(con, data: dict[str, dict[str, dict]]) -> None:
    """Load every return through metrics.store.loading.load_return, one transaction per service-month."""
    for months in data.values():
        for month_data in months.values():
            about = month_data["about"]
            loading.load_return(
                con,
                **monthly_tables(month_data),
                file_name=_file_name(about),
                sha256=_sha256(about),
                user="benchmark",
            )


def bulk_load(con, data: dict[str, dict[str, dict]]) -> int:
    """Load every return in one transaction, as load_return would have; returns the case rows loaded.

    Upload ids come from the same sequence, in the same order as `load_with_store` would take them.
    """
    items = [month_data for months in data.values() for month_data in months.values()]
    ids = [r[0] for r in con.execute("SELECT nextval('upload_ids') FROM range(?)", [len(items)]).fetchall()]
    ids.sort()
    uploads = {name: [] for name in ("upload_id", "file_name", "sha256", "service", "reporting_month")}
    uploads |= {name: [] for name in ("prepared_by", "submitted_on", "cases_rows", "activity_rows", "spend_rows")}
    case_parts, spend_parts, activity_rows = [], [], []
    for upload_id, month_data in zip(ids, items):
        about = month_data["about"]
        tables = monthly_tables(month_data)
        for key, value in (
            ("upload_id", upload_id),
            ("file_name", _file_name(about)),
            ("sha256", _sha256(about)),
            ("service", about["service"]),
            ("reporting_month", about["reporting_month"]),
            ("prepared_by", about["prepared_by"]),
            ("submitted_on", about["submitted_on"]),
            ("cases_rows", tables["cases"].num_rows),
            ("activity_rows", len(tables["activity"])),
            ("spend_rows", tables["spend"].num_rows),
        ):
            uploads[key].append(value)
        for part, sink in ((tables["cases"], case_parts), (tables["spend"], spend_parts)):
            sink.append(part.append_column("upload_id", pa.array([upload_id] * part.num_rows, pa.int64())))
        activity_rows += [(upload_id, measure, count) for measure, count in tables["activity"].items()]
    bulk_uploads = pa.table(uploads)
    bulk_cases = pa.concat_tables(case_parts)
    bulk_spend = pa.concat_tables(spend_parts)
    bulk_activity = pa.table(
        {
            "upload_id": pa.array([r[0] for r in activity_rows], pa.int64()),
            "measure": pa.array([r[1] for r in activity_rows], pa.string()),
            "count": pa.array([r[2] for r in activity_rows], pa.int64()),
        }
    )
    case_columns = ", ".join(f'"{n}"' for n in CASES.names)
    spend_columns = ", ".join(f'"{n}"' for n in SPEND.names)
    upload_columns = ", ".join(uploads)
    with write(con):
        for name, table in (
            ("bulk_uploads", bulk_uploads),
            ("bulk_cases", bulk_cases),
            ("bulk_spend", bulk_spend),
            ("bulk_activity", bulk_activity),
        ):
            con.register(name, table)
        con.execute(
            f"INSERT INTO uploads (uploaded_at, uploaded_by, {upload_columns}) "
            f"SELECT current_localtimestamp(), 'benchmark', {upload_columns} FROM bulk_uploads"
        )
        con.execute(
            f"INSERT INTO {CASES.table} (upload_id, row_number, {case_columns}) "
            f"SELECT upload_id, _row, {case_columns} FROM bulk_cases"
        )
        con.execute(
            f"INSERT INTO {SPEND.table} (upload_id, row_number, {spend_columns}) "
            f"SELECT upload_id, _row, {spend_columns} FROM bulk_spend"
        )
        con.execute(f"INSERT INTO {ACTIVITY.table} SELECT upload_id, measure, count FROM bulk_activity")
        schema.rebuild_marts(con)  # as load_return keeps them current, upload by upload
        logs.audit(con, "benchmark", "upload", f"bulk load of {len(items)} returns")
    for name in ("bulk_uploads", "bulk_cases", "bulk_spend", "bulk_activity"):
        con.unregister(name)
    return bulk_cases.num_rows


def ingest_month(size: Size) -> dict:
    """A monthly return of `size.ingest_rows` case rows, for a service of its own, as plain data."""
    month = size.last
    first = months_between(size.first, size.last)[-12]
    per_month = (size.ingest_rows // 4, size.ingest_rows // 4)
    data = returns(77, first, month, "Ingest benchmark", "IB", per_month)[month]
    if len(data["cases"]) < size.ingest_rows:
        raise RuntimeError(f"the generator gave {len(data['cases'])} case rows, fewer than {size.ingest_rows}")
    data["cases"] = data["cases"][: size.ingest_rows]
    data["spend"] = monthly_spend(random.Random(77))
    data["about"]["submitted_on"] = month_end(month) + dt.timedelta(days=5)
    return data
