"""The real-client row of the benchmark: `python benchmarks/realclient_bench.py [--quick] [--json]`.

The ingest benchmark's monthly return (benchmarks/data.py's ingest_month: 5,000 case rows, or 1,000
with --quick) as openpyxl writes it, and the same opened and saved as .xlsx by LibreOffice
(`soffice --convert-to xlsx`) and by Gnumeric (`ssconvert`), each checked with
metrics.ingest.check_return against a database holding the benchmark's budget. The three are timed
in turn (A, B, C, A, B, C, ...), so that a busy spell slows them all, and the median of each is
given with its ratio to openpyxl's. Issue 16's target: LibreOffice's within 1.5x of openpyxl's.
benchmarks/run.py calls bench() for its real-client row.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import data  # noqa: E402
from metrics.admin import setup  # noqa: E402
from metrics.returns import ingest  # noqa: E402
from tests import realclient  # noqa: E402

CLIENTS = ("openpyxl", "libreoffice", "gnumeric")
NOT_MEASURED = {f"realclient_{client}_check_s": None for client in CLIENTS} | {
    "realclient_libreoffice_vs_openpyxl": None,
    "realclient_gnumeric_vs_openpyxl": None,
}


def saved_by_each_client(size: data.Size, folder: Path) -> dict[str, bytes]:
    """The ingest benchmark's return as openpyxl, LibreOffice and Gnumeric save it."""
    from sample_data.generate import workbook_bytes

    original = folder / "realclient-benchmark.xlsx"
    original.write_bytes(workbook_bytes(data.ingest_month(size)))
    (libreoffice,) = realclient.libreoffice_round_trip([original], "xlsx", folder)
    (gnumeric,) = realclient.gnumeric_save([original], folder)
    return {
        "openpyxl": original.read_bytes(),
        "libreoffice": libreoffice.read_bytes(),
        "gnumeric": gnumeric.read_bytes(),
    }


def bench(size: data.Size, folder: Path, median_times=None) -> dict:
    """The check of each client's file: median seconds, ratios to openpyxl's, file sizes; None when a
    program is missing (realclient_missing names it)."""
    if realclient.missing():
        return NOT_MEASURED | {"realclient_missing": realclient.missing()}
    if median_times is None:
        from benchmarks.run import median_times
    files = saved_by_each_client(size, folder)
    con = setup.open_database(folder / "realclient.duckdb")
    try:
        data.set_budget(con, size)  # so that the spend lines' grants are checked as on upload
        checked = {client: ingest.check_return(content, f"{client}.xlsx", con) for client, content in files.items()}
        # The same rows from each, or the timings compare different work.
        for client, result in checked.items():
            if result.cases != checked["openpyxl"].cases or result.about != checked["openpyxl"].about:
                raise RuntimeError(f"the {client}-saved return checks as different rows from openpyxl's")
        medians = median_times(
            {
                client: (lambda content=content, client=client: ingest.check_return(content, f"{client}.xlsx", con))
                for client, content in files.items()
            },
            size.repeats,
        )
    finally:
        con.close()
    return {
        **{f"realclient_{client}_check_s": medians[client] for client in CLIENTS},
        "realclient_libreoffice_vs_openpyxl": medians["libreoffice"] / medians["openpyxl"],
        "realclient_gnumeric_vs_openpyxl": medians["gnumeric"] / medians["openpyxl"],
        "realclient_rows": size.ingest_rows,
        "realclient_file_kb": {client: round(len(content) / 1024, 1) for client, content in files.items()},
        "realclient_missing": [],
    }


def summary(results: dict) -> str:
    """The three times side by side, with the ratios to openpyxl's."""
    if results.get("realclient_missing"):
        return "real clients: not measured, missing " + ", ".join(results["realclient_missing"])
    times = [results[f"realclient_{client}_check_s"] for client in CLIENTS]
    header = f"check_return of one {results['realclient_rows']:,}-case return saved by"
    lines = [header, "  " + "".join(f"{client:>14s}" for client in CLIENTS)]
    lines.append("  " + "".join(f"{t * 1000:11.0f} ms" for t in times))
    lines.append("  " + "".join(f"{t / times[0]:13.2f}x" for t in times) + "   (target: LibreOffice <= 1.5x)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 case rows and 3 runs instead of 5,000 and 7")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--repeats", type=int, help="runs of each client (default: the size's)")
    args = parser.parse_args(argv)
    size = data.QUICK if args.quick else data.FULL
    if args.repeats:
        from dataclasses import replace

        size = replace(size, repeats=args.repeats)
    with tempfile.TemporaryDirectory(prefix="msht-realclient-") as tmp:
        results = bench(size, Path(tmp))
    print(json.dumps(results, indent=2) if args.json else summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
