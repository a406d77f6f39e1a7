"""How long a failed sign-in takes for a name that exists and for one that does not.

Run: `python benchmarks/sign_in_timing.py [--rounds N] [--json]`.

Pen test finding 4: unknown names answered in a steady 0.8-1.2 s, a real name in 1.0 s slowing to
4.3 s and then a lock, so timing told who exists. Here each answer is timed in process, as the
sign-in form calls it (admin.users.authenticate on a database file, writes and all), for ROUNDS
attempts of each kind in a shuffled order:

- a wrong password for the one account, and for a new unknown name each time, each from an address
  of its own and with the account's count cleared every other try (outside the timing), so that no
  wait applies: the answer "The name or password is not right.";
- a try of each that is throttled (after three failures of that name): "Too many failed sign-ins ...".

It prints the distributions side by side (median, 10th and 90th percentiles, mean) and the two-sample
Kolmogorov-Smirnov statistic D with its 5% critical value: D below it means the two samples could
come from one distribution. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metrics.admin import setup, users  # noqa: E402

PASSWORD = "violet tractor harbour"


def _timed(con, name: str, password: str, address: str, now: dt.datetime) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        users.authenticate(con, name, password, address, now=now)
        answer = "signed in"
    except users.SignInFailed as exc:
        answer = str(exc)[:40]
    return time.perf_counter() - started, answer


def ks_statistic(a: list[float], b: list[float]) -> float:
    """The largest gap between the two samples' empirical distribution functions."""
    points = sorted(set(a) | set(b))
    a, b = sorted(a), sorted(b)
    gap, i, j = 0.0, 0, 0
    for x in points:
        while i < len(a) and a[i] <= x:
            i += 1
        while j < len(b) and b[j] <= x:
            j += 1
        gap = max(gap, abs(i / len(a) - j / len(b)))
    return gap


def summary(times: list[float]) -> dict:
    ms = sorted(t * 1000 for t in times)
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 1), "p10_ms": round(ms[len(ms) // 10], 1),
            "p90_ms": round(ms[len(ms) * 9 // 10], 1), "mean_ms": round(statistics.fmean(ms), 1)}


def measure(rounds: int, seed: int = 14) -> dict:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        con = setup.open_database(Path(folder) / "timing.duckdb")
        users.add_user(con, "mary.manager", "manager", PASSWORD, "benchmark")
        users.authenticate(con, "mary.manager", PASSWORD)  # warm: hasher, dummy hash, queries
        now = dt.datetime.now()
        wrong = {"known": [], "unknown": []}
        kinds = ["known", "unknown"] * rounds
        rng.shuffle(kinds)
        for n, kind in enumerate(kinds):
            name = "mary.manager" if kind == "known" else f"person.{n}.{rng.randrange(10**6)}"
            seconds, answer = _timed(con, name, "not the password", f"198.51.{n // 250}.{n % 250}", now)
            assert answer.startswith("The name or password"), answer
            wrong[kind].append(seconds)
            if kind == "known" and len(wrong["known"]) % 2 == 0:
                users.reset(con, "mary.manager", "benchmark")
        throttled = {"known": [], "unknown": []}
        users.reset(con, "mary.manager", "benchmark")
        for n in range(3):  # three failures of each name, from three addresses: the fourth try waits
            for name in ("mary.manager", "nobody.at.all"):
                _timed(con, name, "not the password", f"203.0.113.{n}", now)
        for n, kind in enumerate(kinds):
            name = "mary.manager" if kind == "known" else "nobody.at.all"
            seconds, answer = _timed(con, name, "not the password", f"192.0.2.{n % 250}", now)
            assert answer.startswith("Too many failed"), answer
            throttled[kind].append(seconds)
        con.close()
    critical = 1.36 * math.sqrt(2 / rounds)  # both samples of `rounds`
    return {
        what: {"known name": summary(times["known"]), "unknown name": summary(times["unknown"]),
               "ks_d": round(ks_statistic(times["known"], times["unknown"]), 3), "ks_critical_5pct": round(critical, 3)}
        for what, times in (("wrong password", wrong), ("throttled", throttled))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="attempts of each kind (default 200)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.rounds)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for what, figures in result.items():
        print(f"{what}: Kolmogorov-Smirnov D = {figures['ks_d']} (5% critical value {figures['ks_critical_5pct']})")
        for kind in ("known name", "unknown name"):
            print(f"  {kind:13} " + ", ".join(f"{k} {v}" for k, v in figures[kind].items()))


if __name__ == "__main__":
    main()
