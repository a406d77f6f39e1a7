"""Write realistic synthetic monthly returns (June 2018 to June 2019) and the reference CSVs.

Seeded and deterministic: the same seed gives the same rows. Run `python sample_data/generate.py`.
The people are invented; case references are pseudonymous codes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from metrics.contract import ACTIVITY_MEASURES, CASES, COMMENTARY, OUTCOME_AREAS, SPEND, VOICES  # noqa: E402
from metrics.periods import month_end, months_between  # noqa: E402
from sample_data import narrative  # noqa: E402

SERVICE = "Connect Gwent MSHT Advocate"
GRANT = "Pilot 2018-19"
GRANT_START, GRANT_END = dt.date(2018, 6, 13), dt.date(2019, 6, 13)
FIRST_MONTH, LAST_MONTH = "2018-06", "2019-06"

BANK_HOLIDAYS = {
    2018: [
        ("01-01", "New Year's Day"),
        ("03-30", "Good Friday"),
        ("04-02", "Easter Monday"),
        ("05-07", "Early May bank holiday"),
        ("05-28", "Spring bank holiday"),
        ("08-27", "Summer bank holiday"),
        ("12-25", "Christmas Day"),
        ("12-26", "Boxing Day"),
    ],
    2019: [
        ("01-01", "New Year's Day"),
        ("04-19", "Good Friday"),
        ("04-22", "Easter Monday"),
        ("05-06", "Early May bank holiday"),
        ("05-27", "Spring bank holiday"),
        ("08-26", "Summer bank holiday"),
        ("12-25", "Christmas Day"),
        ("12-26", "Boxing Day"),
    ],
    2020: [
        ("01-01", "New Year's Day"),
        ("04-10", "Good Friday"),
        ("04-13", "Easter Monday"),
        ("05-08", "Early May bank holiday (VE Day)"),
        ("05-25", "Spring bank holiday"),
        ("08-31", "Summer bank holiday"),
        ("12-25", "Christmas Day"),
        ("12-28", "Boxing Day (substitute day)"),
    ],
    2021: [
        ("01-01", "New Year's Day"),
        ("04-02", "Good Friday"),
        ("04-05", "Easter Monday"),
        ("05-03", "Early May bank holiday"),
        ("05-31", "Spring bank holiday"),
        ("08-30", "Summer bank holiday"),
        ("12-27", "Christmas Day (substitute day)"),
        ("12-28", "Boxing Day (substitute day)"),
    ],
    2022: [
        ("01-03", "New Year's Day (substitute day)"),
        ("04-15", "Good Friday"),
        ("04-18", "Easter Monday"),
        ("05-02", "Early May bank holiday"),
        ("06-02", "Spring bank holiday"),
        ("06-03", "Platinum Jubilee bank holiday"),
        ("08-29", "Summer bank holiday"),
        ("09-19", "Bank holiday for the State Funeral of Queen Elizabeth II"),
        ("12-26", "Boxing Day"),
        ("12-27", "Christmas Day (substitute day)"),
    ],
    2023: [
        ("01-02", "New Year's Day (substitute day)"),
        ("04-07", "Good Friday"),
        ("04-10", "Easter Monday"),
        ("05-01", "Early May bank holiday"),
        ("05-08", "Bank holiday for the coronation of King Charles III"),
        ("05-29", "Spring bank holiday"),
        ("08-28", "Summer bank holiday"),
        ("12-25", "Christmas Day"),
        ("12-26", "Boxing Day"),
    ],
    2024: [
        ("01-01", "New Year's Day"),
        ("03-29", "Good Friday"),
        ("04-01", "Easter Monday"),
        ("05-06", "Early May bank holiday"),
        ("05-27", "Spring bank holiday"),
        ("08-26", "Summer bank holiday"),
        ("12-25", "Christmas Day"),
        ("12-26", "Boxing Day"),
    ],
    2025: [
        ("01-01", "New Year's Day"),
        ("04-18", "Good Friday"),
        ("04-21", "Easter Monday"),
        ("05-05", "Early May bank holiday"),
        ("05-26", "Spring bank holiday"),
        ("08-25", "Summer bank holiday"),
        ("12-25", "Christmas Day"),
        ("12-26", "Boxing Day"),
    ],
    2026: [
        ("01-01", "New Year's Day"),
        ("04-03", "Good Friday"),
        ("04-06", "Easter Monday"),
        ("05-04", "Early May bank holiday"),
        ("05-25", "Spring bank holiday"),
        ("08-31", "Summer bank holiday"),
        ("12-25", "Christmas Day"),
        ("12-28", "Boxing Day (substitute day)"),
    ],
    2027: [
        ("01-01", "New Year's Day"),
        ("03-26", "Good Friday"),
        ("03-29", "Easter Monday"),
        ("05-03", "Early May bank holiday"),
        ("05-31", "Spring bank holiday"),
        ("08-30", "Summer bank holiday"),
        ("12-27", "Christmas Day (substitute day)"),
        ("12-28", "Boxing Day (substitute day)"),
    ],
}

# UK NRM referrals (all first responders) and the Gwent Police area, from DOMAIN.md.
NRM_UK = {
    2014: 2340,
    2015: 3266,
    2016: 3804,
    2017: 5145,
    2018: 6993,
    2019: 10611,
    2020: 10613,
    2021: 12727,
    2022: 16938,
    2023: 17004,
    2024: 19125,
}
NRM_GWENT = {2018: 70, 2019: 39, 2021: 89, 2022: 101}

KPI_TARGETS = [
    ("timely_contact_rate", 0.9, "higher", 0.1),
    ("median_days_to_contact", 2, "lower", 1),
    ("planned_closure_rate", 0.7, "higher", 0.1),
    *((f"outcome_{key}_rate", 0.8, "higher", 0.1) for key, _, _ in OUTCOME_AREAS),
    ("voice_captured_rate", 0.8, "higher", 0.1),
    ("spend_variance_abs", 0.05, "lower", 0.05),
]


def _weighted(rng: random.Random, options: dict[str, float]) -> str:
    return rng.choices(list(options), weights=list(options.values()))[0]


def make_cases(
    rng: random.Random, first: str, last: str, prefix: str = "CG", per_month: tuple[int, int] = (5, 15)
) -> list[dict]:
    """Invent the life of every case: referral, contact, support, closure and outcomes."""
    cases = []
    for index, month in enumerate(months_between(first, last)):
        start = max(dt.date.fromisoformat(month + "-01"), GRANT_START if month == FIRST_MONTH else dt.date.min)
        end = month_end(month)
        low, high = per_month
        count = rng.randint(low, high) if index else max(1, rng.randint(low, high) // 2)
        for n in range(count):
            referral = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
            delay = _weighted(rng, {0: 25, 1: 30, 2: 20, 3: 10, 4: 6, 6: 4, 9: 2})
            nrm = _weighted(
                rng,
                {
                    "Referred to NRM": 30,
                    "Already in NRM": 12,
                    "Declined NRM referral": 18,
                    "Outside NRM threshold": 25,
                    "Not yet assessed": 15,
                },
            )
            age = _weighted(
                rng,
                {"Under 18": 8, "18-24": 20, "25-34": 28, "35-44": 20, "45-54": 12, "55-64": 6, "65+": 2, "Unknown": 4},
            )
            support = _weighted(
                rng,
                {"Short-term": 50, "Specialist": 30, "Advice and signposting": 14, "Declined support": 6, "": 0.0001},
            )
            length = rng.randint(10, 240)
            closed = referral + dt.timedelta(days=length)
            reason = _weighted(
                rng, {"Support completed": 68, "Disengaged": 14, "Moved out of area": 8, "Transferred": 6, "Other": 4}
            )
            exploitation = _weighted(
                rng, {"Labour": 34, "Sexual": 22, "Criminal": 24, "Domestic servitude": 8, "Multiple": 12}
            )
            cases.append(
                {
                    "case_ref": f"{prefix}-{month[2:4]}{month[5:]}-{n + 1:03d}",
                    "referral_date": referral,
                    "referral_source": _weighted(
                        rng,
                        {
                            "Police": 38,
                            "Self-referral": 8,
                            "Local authority": 14,
                            "Health": 8,
                            "Voluntary sector": 12,
                            "Salvation Army": 8,
                            "Home Office": 4,
                            "Third-party report": 5,
                            "Other": 3,
                        },
                    ),
                    "exploitation_type": exploitation,
                    # Some cases start as "Not yet known" and are corrected a month or two later.
                    "known_from": referral + dt.timedelta(days=rng.choice([0, 0, 0, 30, 45])),
                    "nationality_group": _weighted(rng, {"UK": 44, "EU/EEA": 26, "Non-EU": 26, "Unknown": 4}),
                    "age_band": age,
                    "gender": _weighted(rng, {"Female": 46, "Male": 52, "Other / not stated": 2}),
                    "trafficking_indicated": _weighted(rng, {"Yes": 42, "No": 50, "Unknown": 8}),
                    "nrm_status": nrm,
                    "duty_to_notify": (
                        "Yes"
                        if nrm == "Declined NRM referral" and age != "Under 18" and rng.random() < 0.8
                        else "Not applicable"
                        if age == "Under 18"
                        else "No"
                    ),
                    "first_contact_date": None if rng.random() < 0.03 else referral + dt.timedelta(days=delay),
                    "support_level": support,
                    "intelligence_shared": _weighted(rng, {"Yes": 30, "No": 60, "": 10}),
                    "closed_date": closed if closed <= month_end(last) else None,
                    "closure_reason": reason,
                    **{
                        column: _weighted(rng, {"Improved": 72, "No change": 18, "Not known": 6, "": 4})
                        for _, column, _ in OUTCOME_AREAS
                    },
                    "voice_captured": _weighted(rng, {"Yes": 78, "No": 18, "": 4}),
                }
            )
    return cases


def snapshot(case: dict, month: str) -> dict | None:
    """The case as the return for `month` shows it, or None when it is not open in that month."""
    first, last = dt.date.fromisoformat(month + "-01"), month_end(month)
    if case["referral_date"] > last or (case["closed_date"] and case["closed_date"] < first):
        return None
    row = {name: case.get(name) for name in CASES.names}
    if case["known_from"] > last:
        row["exploitation_type"] = "Not yet known"
    if row["first_contact_date"] and row["first_contact_date"] > last:
        row["first_contact_date"] = None
    if not case["closed_date"] or case["closed_date"] > last:
        row["closed_date"] = None
        row["closure_reason"] = None
        for _, column, _ in OUTCOME_AREAS:
            row[column] = None
        row["voice_captured"] = None
    return {k: (v if v != "" else None) for k, v in row.items()}


def make_activity(rng: random.Random, index: int) -> dict[str, int]:
    ramp = min(1.0, 0.4 + index / 6)
    base = {
        "partnership_meetings": 4,
        "training_sessions": 3,
        "professionals_trained": 35,
        "awareness_events": 2,
        "partner_advice_requests": 6,
        "third_party_reports": 3,
        "policy_contributions": 1,
    }
    return {name: max(0, round(base[name] * ramp * rng.uniform(0.5, 1.6))) for name, _ in ACTIVITY_MEASURES}


def make_spend(rng: random.Random, month: str) -> list[dict]:
    """Salary pro rata to the grant days in the month; on-costs that wander around budget."""
    first, last = dt.date.fromisoformat(month + "-01"), month_end(month)
    days = (min(last, GRANT_END) - max(first, GRANT_START)).days + 1
    share = days / ((GRANT_END - GRANT_START).days + 1)
    rows = [{"budget_line": "Salary", "detail": "Advocate salary", "amount_gbp": round(26000 * share, 2)}]
    oncost = 8000 * share
    rows.append({"budget_line": "On-costs", "detail": "Pension", "amount_gbp": round(oncost * 0.35, 2)})
    rows.append({"budget_line": "On-costs", "detail": "Management", "amount_gbp": round(oncost * 0.40, 2)})
    rows.append(
        {"budget_line": "On-costs", "detail": "Travel", "amount_gbp": round(oncost * 0.25 * rng.uniform(0.6, 1.5), 2)}
    )
    if month == "2018-11":
        rows.append({"budget_line": "On-costs", "detail": "Travel refund (cancelled training)", "amount_gbp": -86.40})
    for row in rows:
        row["grant"] = None
    return rows


def returns(
    seed: int = 2018,
    first: str = FIRST_MONTH,
    last: str = LAST_MONTH,
    service: str = SERVICE,
    prefix: str = "CG",
    per_month: tuple[int, int] = (5, 15),
) -> dict[str, dict]:
    """Every month's return as plain Python data: {month: {about, cases, activity, spend, commentary[, voices]}}."""
    rng = random.Random(seed)
    cases = make_cases(rng, first, last, prefix, per_month)
    out = {}
    for index, month in enumerate(months_between(first, last)):
        submitted = month_end(month) + dt.timedelta(days=rng.randint(5, 12))
        if month == "2019-01":
            submitted = month_end(month) + dt.timedelta(days=27)  # a late return, for the data-quality page
        out[month] = {
            "about": {
                "service": service,
                "reporting_month": month,
                "prepared_by": "Connect Gwent manager",
                "submitted_on": submitted,
            },
            "cases": [row for case in cases if (row := snapshot(case, month))],
            "activity": make_activity(rng, index),
            "spend": make_spend(rng, month),
        }
        # The commentary and voices are written, not drawn: no random number is used, so no figure moved.
        # They are Connect Gwent's, for the sample months: other services and months (benchmarks) have none.
        if service == SERVICE and month in narrative.OVERALL:
            out[month]["commentary"] = narrative.commentary(month, out[month])
            if said := narrative.voices(month, out[month]):
                out[month]["voices"] = said
    return out


def workbook_bytes(data: dict) -> bytes:
    """One return as .xlsx bytes in the template's layout (openpyxl, write-only for speed).

    `data` is {about: {field: value}, cases: [row dicts], activity: {measure: count},
    spend: [row dicts]} and optionally commentary and voices: [row dicts]; a key missing from a row dict is
    written blank.
    """
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.creator = "sample_data/generate.py"
    fixed = dt.datetime(2019, 7, 1)
    wb.properties.created = wb.properties.modified = fixed
    ws = wb.create_sheet("About")
    ws.append(["field", "value"])
    for key, value in data["about"].items():
        ws.append([key, value])
    ws = wb.create_sheet("Cases")
    ws.append(CASES.names)
    for row in data["cases"]:
        ws.append([row.get(name) for name in CASES.names])
    ws = wb.create_sheet("Activity")
    ws.append(["measure", "count"])
    for key, value in data["activity"].items():
        ws.append([key, value])
    ws = wb.create_sheet("Spend")
    ws.append(SPEND.names)
    for row in data["spend"]:
        ws.append([row.get(name) for name in SPEND.names])
    for sheet, key in ((COMMENTARY, "commentary"), (VOICES, "voices")):  # optional sheets, when given
        if key in data:
            ws = wb.create_sheet(sheet.name)
            ws.append(sheet.names)
            for row in data[key]:
                ws.append([row.get(name) for name in sheet.names])
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(content: bytes) -> bytes:
    """Repack with fixed timestamps so that the same rows always give the same bytes."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2019, 7, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2019-07-01T00:00:00Z", data)
            target.writestr(info, data)
    return out.getvalue()


def write_workbook(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(data))


def write_reference(directory: Path) -> None:
    def write(name: str, header: list[str], rows: list) -> None:
        with (directory / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    write(
        "budget.csv",
        ["grant", "budget_line", "amount_gbp", "start_date", "end_date"],
        [[GRANT, "Salary", 26000, GRANT_START, GRANT_END], [GRANT, "On-costs", 8000, GRANT_START, GRANT_END]],
    )
    write("kpi_targets.csv", ["measure", "target", "better", "amber_band"], KPI_TARGETS)
    write(
        "nrm_referrals.csv",
        ["area", "period_start", "period_end", "referrals"],
        [["UK", f"{y}-01-01", f"{y}-12-31", n] for y, n in NRM_UK.items()]
        + [["Gwent Police", f"{y}-01-01", f"{y}-12-31", n] for y, n in NRM_GWENT.items()],
    )
    write(
        "bank_holidays.csv",
        ["date", "name"],
        [[f"{year}-{day}", name] for year, days in BANK_HOLIDAYS.items() for day, name in days],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(HERE), help="folder to write into (default: sample_data/)")
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_reference(out)
    for month, data in returns(args.seed).items():
        write_workbook(out / "returns" / f"{month}.xlsx", data)
    print(f"Wrote the reference CSVs and {len(months_between(FIRST_MONTH, LAST_MONTH))} monthly returns to {out}")


if __name__ == "__main__":
    main()
