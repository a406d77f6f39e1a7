"""The partnership's protected publication: its periods, its rules, and an attacker that gets nothing back.

The attacker (tests/attacker.py, no project imports) is given every count and rate of figures.csv and
every identity a reader knows (periods made of other periods, totals of breakdowns, the caseload's
flow, rates of published counts); it must recover no suppressed count, on the sample year, on the
benchmark's 20 services and on random data sets.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import replace

import pytest
from attacker import Rate, Schema, attack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import data
from metrics.admin import setup
from metrics.answers.report import report
from metrics.cli import run
from metrics.contract import CASES
from metrics.measures import audit, disclosure, identities, protect, publication
from metrics.measures.registry import BREAKDOWNS, MEASURES
from metrics.periods import Period
from sample_data.generate import returns

SAMPLE_PERIODS = ["2018-04:2018-06", "2018-07:2018-09", "2018-10:2018-12", "2019-01:2019-03", "2019-04:2019-06",
                  "2018-04:2019-03", "2018-06:2019-06"]
FLOWS = ("referrals_received", "closures", "nrm_referrals", "duty_to_notify_referrals")
OUTCOMES = tuple(name for name in MEASURES if name.startswith("outcome_"))


def reader_schema() -> Schema:
    """Everything a reader of figures.csv can know of how its figures relate (DOMAIN.md's definitions)."""
    levels = (*CASES.column("support_level").codes, "Not recorded")
    return Schema(
        additive=frozenset({*FLOWS, "timely_contact_rate:numerator", "timely_contact_rate:denominator",
                            "planned_closure_rate:numerator", "voice_captured_rate:numerator",
                            "trafficking_indicated_rate:numerator",
                            *(f"{o}:{part}" for o in OUTCOMES for part in ("numerator", "denominator"))}),
        stocks={"caseload_end": ("referrals_received", "closures")},
        categories={dim: (*CASES.column(dim).codes, "Not recorded") for dim in BREAKDOWNS},
        rates={"timely_contact_rate": Rate(), "planned_closure_rate": Rate(None, ("closures", "")),
               **{o: Rate() for o in OUTCOMES}, "voice_captured_rate": Rate(None, ("closures", "")),
               "outside_nrm_rate": Rate(None, ("victims_supported", "")),
               "uk_national_rate": Rate(("referrals_received", "nationality_group=UK"), ("referrals_received", "")),
               "trafficking_indicated_rate": Rate(None, ("referrals_received", ""))},
        sums=((("nrm_referrals", ""), (("referrals_received", "nrm_status=Referred to NRM"),)),
              (("victims_supported", ""),
               tuple(("victims_supported", f"support_level={c}") for c in levels if c != "Declined support"))),
        bounds=((("duty_to_notify_referrals", ""), ("referrals_received", "")),
                (("timely_contact_rate:denominator", ""), ("referrals_received", "")),
                *(((f"{o}:denominator", ""), ("closures", "")) for o in OUTCOMES)),
    )


def counts_and_rates(rows: list[dict]) -> list[dict]:
    """The figures.csv rows the attacker reads: counts of people and rates (money and activity are exact)."""
    return [r for r in rows if MEASURES[r["measure"]].people or MEASURES[r["measure"]].is_rate]


def attack_publication(con, service=None):
    rows = counts_and_rates(publication.publish(con, service).rows())
    return attack(rows, reader_schema()), rows


def totals(result) -> dict[str, int]:
    """Suppressed counts, and those the attacker recovers exactly, over every group of figures."""
    groups = result.summary().values()
    return {"suppressed": sum(g["suppressed"] for g in groups), "recovered": sum(g["recovered"] for g in groups)}


@pytest.fixture(scope="module")
def sample(sample_db_file):
    con = setup.open_database(sample_db_file)
    yield con
    con.close()


def test_the_partnership_is_offered_whole_quarters_financial_years_and_the_grant(sample):
    assert list(publication.offered_periods(sample)) == SAMPLE_PERIODS


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15)])
def test_counts_of_people_are_rounded_to_5_and_1_to_4_are_less_than_5(n, shown):
    assert disclosure.count(n).value == shown


@pytest.mark.parametrize(("num", "den", "shown"), [
    (5, 10, 0.5), (7, 9, None),  # under 10 behind it
    (4, 12, None), (8, 12, None),  # 4 in the numerator, 4 in the rest
    (83, 107, 0.78),  # a whole percentage: 77.57% is 78%
])
def test_a_rate_is_a_whole_percentage_of_10_or_more_with_5_either_side(num, den, shown):
    assert disclosure.rate(num, den) == shown


def test_two_small_cells_that_a_rounded_total_would_pin_make_the_total_hidden():
    # 4 + 4 = 8, shown '10' (8 to 12): both cells would be pinned to 4 (they cannot add up to more than 8)
    check = identities.Audit()
    shown = {"T": disclosure.count(8), "x": disclosure.count(4), "y": disclosure.count(4)}
    for key, n in (("T", 8), ("x", 4), ("y", 4)):
        check.add(key, n, audit.reader_interval(shown[key].value, shown[key].rounded_to))
    check.sum("T", ["x", "y"])
    assert audit.pinned(audit.tighten(check.bounds, check.sums, []), check.truth) == ["x", "y"]
    protect._hide_until_nothing_comes_back(check, shown)
    assert (shown["T"].value, shown["x"].value, shown["y"].value) == (None, "<5", "<5")


def test_the_sample_publication_gives_no_suppressed_count_away(sample):
    result, rows = attack_publication(sample)
    found = totals(result)
    print(f"\n{len(rows)} counts and rates\n{result.report()}")
    assert found["suppressed"] > 100 and found["recovered"] == 0


def test_what_is_published_is_what_the_partnership_report_shows(sample):
    pub = publication.publish(sample)
    quarter = Period("2019-04", "2019-06")
    shown = report(sample, quarter, audience="partnership")
    assert shown["referrals_received"] == pub.get(quarter, "referrals_received").value == 20
    assert shown["timely_contact_rate"] == pub.get(quarter, "timely_contact_rate").value
    assert shown["caseload_end"] == pub.get(quarter, "caseload_end").value


def test_the_command_line_offers_only_the_fixed_periods(sample_db_file, capsys):
    assert run(["report", "--from", "2019-03", "--to", "2019-03", "--audience", "partnership",
                "--db", str(sample_db_file)]) == 2
    assert "offered: 2018-04:2018-06 (Apr 2018 to Jun 2018)" in capsys.readouterr().err
    assert run(["report", "--from", "2019-04", "--to", "2019-06", "--audience", "partnership", "--json",
                "--db", str(sample_db_file)]) == 0


def test_publish_writes_figures_csv_and_its_readme(sample_db_file, tmp_path, capsys):
    assert run(["publish", "--out", str(tmp_path), "--db", str(sample_db_file)]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "figures.csv").read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["period", "measure", "category", "value", "rounded_to"]
    assert {r["period"] for r in rows} == set(SAMPLE_PERIODS)
    assert {r["measure"] for r in rows} <= set(MEASURES)
    by_key = {(r["period"], r["measure"], r["category"]): r for r in rows}
    assert by_key[("2019-04:2019-06", "referrals_received", "")] == {
        "period": "2019-04:2019-06", "measure": "referrals_received", "category": "", "value": "20", "rounded_to": "5"}
    assert by_key[("2018-04:2018-06", "referrals_received", "gender=Female")]["value"] == "<5"
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "rounded to the nearest 5" in readme and "How to cite" in readme


def test_the_benchmark_s_20_services_give_no_suppressed_count_away(tmp_path):
    size = replace(data.QUICK, services=20, first="2018-04", last="2019-09")
    con = setup.open_database(tmp_path / "twenty.duckdb")
    try:
        data.set_budget(con, size)
        data.bulk_load(con, data.build(size))
        found = {"suppressed": 0, "recovered": 0}
        for index in range(size.services):
            result, _ = attack_publication(con, data.service_name(index))
            found = {k: found[k] + totals(result)[k] for k in found}
    finally:
        con.close()
    print(f"\n20 services: {found}")
    assert found["suppressed"] > 500 and found["recovered"] == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), low=st.integers(0, 3), extra=st.integers(0, 6))
def test_random_data_sets_give_no_suppressed_count_away(tmp_path_factory, seed, low, extra):
    path = tmp_path_factory.mktemp("random") / "random.duckdb"
    size = replace(data.QUICK, services=1, first="2018-04", last="2019-03")
    con = setup.open_database(path)
    try:
        data.set_budget(con, size)
        months = returns(seed, size.first, size.last, "Random", "R", (low, low + extra))
        rng = random.Random(seed)
        for month in months.values():
            month["spend"] = data.monthly_spend(rng)
        data.bulk_load(con, {"Random": months})
        result, rows = attack_publication(con)
    finally:
        con.close()
    assert totals(result)["recovered"] == 0, result.report()
