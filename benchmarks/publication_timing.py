"""How long the partnership's publication takes to build on the sample data (benchmarks/RESULTS.md).

Run: PYTHONPATH=. python benchmarks/publication_timing.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from metrics.admin import setup
from metrics.measures import protect
from metrics.store.logs import resolve_service


def main(runs: int = 3) -> None:
    with tempfile.TemporaryDirectory() as folder:
        con = setup.open_database(setup.build_sample_database(Path(folder) / "sample.duckdb"))
        try:
            service = resolve_service(con, None)
            for _ in range(runs):
                started = time.perf_counter()
                protect.build(con, service)
                print(f"publication built in {time.perf_counter() - started:.2f} s")
        finally:
            con.close()


if __name__ == "__main__":
    main()
