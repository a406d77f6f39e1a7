"""The benchmark suite: `python benchmarks/run.py [--json] [--quick]`.

Builds a large synthetic database in a temporary folder (benchmarks/data.py: 20 services over ten
years, about a million case-snapshot rows; --quick builds a small one) and measures, each as the
median of several runs in this process:

- ingest: one monthly workbook (read, validate, load) beside pandas.read_excel(engine="openpyxl")
  of the same file alone;
- report: every measure of one service for 12 months (metrics.report.report) beside the same
  figures from straightforward pandas code (benchmarks/pandas_reference.py), whose answers must
  agree for every service;
- pages: the Summary and Trends pages in AppTest, a first run (fresh session, empty caches) and
  reruns;
- memory: the peak resident memory of a process that runs the report, measured by that process;
- real clients: the ingest's workbook as openpyxl, LibreOffice and Gnumeric save it, each checked with
  check_return, side by side (benchmarks/realclient_bench.py; not measured without soffice and ssconvert).

Timings are printed, never asserted; the targets are printed beside them (see RESULTS.md).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import data, pandas_reference, realclient_bench  # noqa: E402
from metrics.admin import setup, users  # noqa: E402
from metrics.periods import Period  # noqa: E402

# name: (comparison, limit): each figure of the JSON that has a target.
TARGETS = {
    "ingest_ratio_vs_openpyxl": ("<=", 0.1),
    "report_speedup_vs_pandas": (">=", 5.0),
    "report_ms": ("<", 200.0),
    "page_rerun_s": ("<", 0.5),
    "peak_rss_mb": ("<", 500.0),
    "realclient_libreoffice_vs_openpyxl": ("<=", 1.5),  # issue 16
}
REPORT_SERVICE = data.service_name(2)
PAGES = {"Summary": "pages/summary.py", "Trends": "pages/trends.py"}


def median_time(work: Callable[[], object], repeats: int) -> float:
    """The median wall time of `repeats` runs of `work`, in seconds."""
    return median_times({"work": work}, repeats)["work"]


def median_times(works: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """The median wall time of each work, in seconds, run in turn so that a busy spell slows them all."""
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(repeats):
        for name, work in works.items():
            start = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(found) for name, found in times.items()}


def build_database(path: Path, size: data.Size) -> dict:
    """Generate every service's returns and bulk-load them; returns the sizes."""
    start = time.perf_counter()
    returns = data.build(size)
    con = setup.open_database(path)
    try:
        data.set_budget(con, size)
        rows = data.bulk_load(con, returns)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    months = len(next(iter(returns.values())))
    return {"rows": rows, "services": size.services, "months": months, "build_s": time.perf_counter() - start}


def bench_report(path: Path, size: data.Size) -> dict:
    """The report of one service for 12 months, beside the pandas reference; both checked for every service."""
    period = Period(*size.period)
    con = setup.open_database(path)
    try:
        from metrics.answers.report import report
        from metrics.store.logs import services

        frames = pandas_reference.load_frames(con)  # every service's rows, to check them all
        mismatches = {}
        for service in services(con):
            found = pandas_reference.differences(
                pandas_reference.comparable(report(con, period, service)),
                pandas_reference.report(frames, period.first, period.last, service),
            )
            if found:
                mismatches[service] = found
        own_rows = pandas_reference.load_frames(con, REPORT_SERVICE)
        first, last = period.first, period.last
        medians = median_times(
            {
                "report": lambda: report(con, period, REPORT_SERVICE),
                "pandas": lambda: pandas_reference.report_from_database(con, first, last, REPORT_SERVICE),
                # The pandas computation alone, its frames already in memory (as if cached between reports).
                "compute": lambda: pandas_reference.report(own_rows, first, last, REPORT_SERVICE),
            },
            size.repeats * 3,
        )
    finally:
        con.close()
    report_s, pandas_s, compute_s = medians["report"], medians["pandas"], medians["compute"]
    return {
        "report_ms": report_s * 1000,
        "pandas_report_ms": pandas_s * 1000,
        "report_speedup_vs_pandas": pandas_s / report_s,
        "pandas_compute_only_ms": compute_s * 1000,
        "report_speedup_vs_pandas_compute_only": compute_s / report_s,
        "report_matches_pandas": not mismatches,
        "services_checked": size.services,
        "mismatches": mismatches,
    }


def peak_rss(path: Path, size: data.Size) -> dict:
    """The peak resident memory of a fresh process that opens the database and runs the report."""
    command = [sys.executable, __file__, "--peak-rss", str(path), REPORT_SERVICE, *size.period]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout)


def _own_peak_mb() -> float:
    """This process's peak resident memory in MB.

    Linux keeps getrusage's ru_maxrss across exec, so a child started by a large parent reports the
    parent's peak; /proc/self/status's VmHWM belongs to this process image alone.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure_own_peak(path: str, service: str, first: str, last: str) -> None:
    """Run in the child process: print its peak memory before and after the reports, in MB."""
    from metrics.answers.report import report

    before = _own_peak_mb()
    con = setup.open_database(path)
    try:
        for _ in range(5):
            report(con, Period(first, last), service)
    finally:
        con.close()
    print(json.dumps({"peak_rss_mb": _own_peak_mb(), "peak_rss_before_report_mb": before}))


def bench_pages(path: Path, size: data.Size) -> dict:
    """The Summary and Trends pages in AppTest: a first run (new session, empty caches), then reruns."""
    if not (ROOT / "dashboard.py").exists() or not all((ROOT / page).exists() for page in PAGES.values()):
        return {"page_first_run_s": None, "page_rerun_s": None, "pages": None}
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DB"] = str(path)
    period = Period(*size.period)
    password = "violet tractor harbour"  # the password rules: no name in it, zxcvbn score 3 or more
    con = setup.open_database(path)
    try:
        if users.get_user(con, "benchmark") is None:
            users.add_user(con, "benchmark", "commissioner", password, actor="benchmark")
    finally:
        con.close()

    def session(page: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        # A commissioner signed in through the form (the server holds the live session), then the cached
        # answers dropped again, so that the page's first run starts as a new server process's would.
        at.run()
        at.text_input[0].input("benchmark")
        at.text_input[1].input(password)
        at.button[0].click()
        at.run()
        st.cache_data.clear()
        at.session_state["kept_service_choice"] = REPORT_SERVICE
        at.session_state["kept_period_choice"] = "Custom range"
        at.session_state["kept_period_from"] = period.first
        at.session_state["kept_period_to"] = period.last
        at.switch_page(page)
        return at

    def run(at: AppTest, title: str) -> None:
        at.run()
        if at.exception or [t.value for t in at.title][:1] != [title]:
            raise RuntimeError(f"the {title} page did not draw: {[e.value for e in at.exception]}")

    pages = {}
    # Streamlit warns about every cache call made outside a script run (here: clearing them), harmlessly.
    logging.disable(logging.WARNING)
    try:
        for title, page in PAGES.items():
            first_runs = []
            for _ in range(max(2, size.repeats // 2)):
                st.cache_data.clear()  # as a new server process would start
                st.cache_resource.clear()
                at = session(page)
                start = time.perf_counter()
                run(at, title)
                first_runs.append(time.perf_counter() - start)
            rerun_s = median_time(lambda at=at, title=title: run(at, title), size.repeats)
            pages[title] = {"first_run_s": statistics.median(first_runs), "rerun_s": rerun_s}
        st.cache_resource.clear()  # closes the app's connection to the database
    finally:
        logging.disable(logging.NOTSET)
    return {
        "page_first_run_s": max(p["first_run_s"] for p in pages.values()),
        "page_rerun_s": max(p["rerun_s"] for p in pages.values()),
        "pages": pages,
    }


def bench_ingest(path: Path, size: data.Size) -> dict:
    """One monthly workbook checked and loaded into the large database, beside openpyxl's read of it."""
    import pandas as pd

    from metrics.admin import setup
    from metrics.returns import ingest
    from sample_data.generate import workbook_bytes

    content = workbook_bytes(data.ingest_month(size))
    name = "ingest-benchmark.xlsx"

    def fastexcel_read():
        import fastexcel

        reader = fastexcel.read_excel(content)
        return [reader.load_sheet(sheet).to_arrow() for sheet in reader.sheet_names]

    con = setup.open_database(path)
    try:
        ingest.ingest_bytes(con, content, name, "benchmark")  # the month's first upload: the runs replace it
        medians = median_times(
            {
                "ingest": lambda: ingest.ingest_bytes(con, content, name, "benchmark"),
                "openpyxl": lambda: pd.read_excel(io.BytesIO(content), sheet_name=None, engine="openpyxl"),
                "fastexcel": fastexcel_read,
            },
            size.repeats,
        )
    finally:
        con.close()
    ingest_s, openpyxl_s = medians["ingest"], medians["openpyxl"]
    return {
        "ingest_s": ingest_s,
        "openpyxl_read_s": openpyxl_s,
        "fastexcel_read_s": medians["fastexcel"],
        "ingest_ratio_vs_openpyxl": ingest_s / openpyxl_s,
        "ingest_rows": size.ingest_rows,
        "ingest_file_kb": len(content) / 1024,
    }


def check_targets(results: dict) -> dict:
    """{figure: {target, met}}; a figure that was not measured (None) has met None."""
    out = {}
    for name, (comparison, limit) in TARGETS.items():
        value = results.get(name)
        met = None
        if value is not None:
            met = {"<": value < limit, "<=": value <= limit, ">=": value >= limit}[comparison]
        out[name] = {"target": f"{comparison} {limit:g}", "met": met}
    return out


def run(size: data.Size, folder: Path, progress: Callable[[str], None]) -> dict:
    """Every benchmark on a database built in `folder`; returns the figures."""
    path = folder / "benchmark.duckdb"
    results: dict = {"size": "quick" if size == data.QUICK else "full"}
    progress(f"building {size.services} services x {size.first}..{size.last}")
    results |= build_database(path, size)
    shutil.copy(path, folder / "ingest.duckdb")  # ingest changes its database: keep it apart
    progress(f"{results['rows']:,} case-snapshot rows in {results['build_s']:.1f} s; measuring peak memory")
    results |= peak_rss(path, size)
    progress("report and pandas reference")
    results |= bench_report(path, size)
    progress("pages")
    results |= bench_pages(path, size)
    progress("ingest")
    results |= bench_ingest(folder / "ingest.duckdb", size)
    progress("real clients: the ingest's workbook saved by LibreOffice and Gnumeric")
    results |= realclient_bench.bench(size, folder, median_times)
    results["targets"] = check_targets(results)
    met = [t["met"] for t in results["targets"].values()]
    results["all_targets_met"] = all(met) if None not in met else None
    return results


def _summary(results: dict) -> str:
    def fmt(value):
        return "n/a" if value is None else f"{value:,.3g}" if isinstance(value, float) else str(value)

    lines = [
        f"{results['rows']:,} case-snapshot rows, {results['services']} services, {results['months']} months "
        f"(built in {results['build_s']:.1f} s)"
    ]
    for name in (
        "ingest_s",
        "openpyxl_read_s",
        "fastexcel_read_s",
        "ingest_ratio_vs_openpyxl",
        "report_ms",
        "pandas_report_ms",
        "report_speedup_vs_pandas",
        "pandas_compute_only_ms",
        "report_speedup_vs_pandas_compute_only",
        "report_matches_pandas",
        "page_first_run_s",
        "page_rerun_s",
        "peak_rss_mb",
        "realclient_libreoffice_vs_openpyxl",
    ):
        target = results["targets"].get(name)
        note = f"  target {target['target']}: {'met' if target['met'] else 'NOT met'}" if target else ""
        lines.append(f"{name:28s} {fmt(results.get(name)):>10s}{note}")
    if results.get("pages") is None:
        lines.append("pages: dashboard.py or a page is missing, not measured")
    lines.append(realclient_bench.summary(results))
    if results["size"] == "quick":
        lines.append("(--quick: small data for CI; the targets are for the full run)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="small data: under a minute, for CI")
    parser.add_argument("--keep", metavar="FOLDER", help="build in FOLDER and keep the databases")
    parser.add_argument("--peak-rss", nargs=4, metavar=("DB", "SERVICE", "FIRST", "LAST"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peak_rss:
        _measure_own_peak(*args.peak_rss)
        return 0
    size = data.QUICK if args.quick else data.FULL
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    if args.keep:
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.duckdb*"):
            stale.unlink()
        results = run(size, folder, progress)
    else:
        with tempfile.TemporaryDirectory(prefix="msht-bench-") as tmp:
            results = run(size, Path(tmp), progress)
    results["wall_s"] = time.perf_counter() - started
    print(json.dumps(results, indent=2, default=str) if args.json else _summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
