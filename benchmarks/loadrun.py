"""The load run: what a click costs when 1, 5, 10 or 20 people use the dashboard at once.

    python benchmarks/loadrun.py [--quick] [--json] [--users 1,5,10,20] [--seconds N] [--think S]
                                 [--app dashboard|floor|both] [--trends | --no-trends] [--keep DIR]
                                 [--option server.fileWatcherType=none ...] [--processes N]

It starts `streamlit run` itself (headless, on 127.0.0.1 and a free port, nothing else is ever
contacted) and drives it with simulated users over Streamlit's websocket protocol, no browser
(benchmarks/stream_client.py). For every number of users, on a fresh server:

1. every user in turn opens its own session and signs in through the sign-in form (the dashboard
   runs on the 13 sample returns and one local manager account, so sign-in is required, as in
   production);
2. one user visits every page once (the caches are filled: these first visits are reported apart);
3. for `--seconds`, every user clicks through every page it may see, waiting `--think` seconds
   after each page has drawn (starting at a different page and moment each).

A click is timed from the rerun request sent to `script_finished` received: the server's time,
not a browser's drawing. Reported per number of users: p50/p95 per page and overall, when the last
delta arrived, reruns per second, errors (exception elements, compile errors, a page that did not
draw its title, a lost connection; and the tracebacks in the server's log), the server's peak
resident memory (VmRSS of the streamlit process, sampled) and its CPU use (and the client's).
The same run against benchmarks/floor_app.py (ten empty pages, no sign-in) is the floor. Then
the cold and warm Trends page of one large service (10 years, ten times the sample's referrals a
month, built with benchmarks/data.py), each sequence on a fresh server.

With `--processes 2`, each level runs two Streamlit processes on one copy of the database and deals
the users to them in turn, as the reverse proxy's sticky sessions do (deploy/nginx.conf, docs/DEPLOY.md).

Timings are printed, never asserted. `--quick` (1 and 5 users, 2 s each, a small service instead
of the large one, one Trends sequence) is for CI: about a minute on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import data  # noqa: E402
from benchmarks.stream_client import Run, Session, choice_state  # noqa: E402

USER, PASSWORD = "load.manager", "correct horse battery"
APPS = {"dashboard": ROOT / "dashboard.py", "floor": ROOT / "benchmarks" / "floor_app.py"}
MAX_USERS, MAX_SECONDS, MAX_PROCESSES = 50, 600, 4  # the run's bounds, whatever is asked
# One service over ten years with ten times the referrals a month of a benchmark service (data.FULL:
# 60 to 100, so 600 to 1,000): about 491,000 case-snapshot rows, the size the issue measured. Ten
# times the sample returns' 5 to 15 a month would give 61,000 rows, less than one data.FULL service.
LARGE = data.Size(1, "2018-01", "2027-12", (600, 1000), ("2027-01", "2027-12"), 0, 1)
SMALL = replace(LARGE, first="2019-01", last="2019-12", per_month=(5, 15), period=("2019-01", "2019-12"))
# A mistake in the app's flow (the sign-in, a missing widget) fails the run in good time; a cold
# Trends of the large service was seen to take 88 s on a busy machine.
CLICK_TIMEOUT_S, TRENDS_TIMEOUT_S = 120.0, 600.0


@dataclass
class Level:
    """One number of users on one app: every click and what the server used."""

    app: str
    users: int
    seconds: float
    sign_ins: list[Run] = field(default_factory=list)
    first_visits: list[Run] = field(default_factory=list)
    clicks: list[Run] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    load_before: tuple = ()
    server: dict = field(default_factory=dict)


# --- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _proc_cpu_s(pid: int) -> float | None:
    """User plus system CPU seconds of the process (all its threads)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """`streamlit run APP` on 127.0.0.1 and a free port, its memory sampled while it runs."""

    def __init__(self, app: Path, folder: Path, database: Path | None, options: dict[str, str], copy: bool = True):
        self.app, self.folder, self.database, self.options, self.copies = app, folder, database, options, copy
        self.url = ""
        self.process: subprocess.Popen | None = None
        self.peak_rss_kb = 0
        self._sampling = threading.Event()

    def __enter__(self) -> Server:
        port = _free_port()
        # DASHBOARD_DB exists, so the demo is never built; were it, it would go here, not into data/.
        env = os.environ | {"DASHBOARD_SAMPLE_DB": str(self.folder / "demo.duckdb")}
        self.copy = None
        if self.database is not None and not self.copies:  # one database that several servers share
            env["DASHBOARD_DB"] = str(self.database)
        elif self.database is not None:
            # Every server starts from the same database: sign-ins write to it (the audit log, the account).
            self.copy = self.folder / f"server-{port}.duckdb"
            shutil.copy(self.database, self.copy)
            env["DASHBOARD_DB"] = str(self.copy)
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.app),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ]
        for key, value in self.options.items():
            command += [f"--{key}", value]
        self.log = self.folder / f"streamlit-{port}.log"
        with self.log.open("wb") as output:  # a file, which nothing has to keep reading
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            self.process.poll()
        if self.process.returncode is not None or time.monotonic() >= deadline:
            self.__exit__(None, None, None)
            raise RuntimeError(f"streamlit did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
        self._sampling.set()
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def _sample(self) -> None:
        while self._sampling.is_set():
            rss = _proc_status_kb(self.process.pid, "VmRSS")
            if rss is not None:
                self.peak_rss_kb = max(self.peak_rss_kb, rss)
            time.sleep(0.1)

    def cpu_s(self) -> float | None:
        return _proc_cpu_s(self.process.pid)

    def figures(self) -> dict:
        """Memory now and at its peak, and CPU seconds used so far."""
        pid = self.process.pid
        return {
            "rss_mb": (_proc_status_kb(pid, "VmRSS") or 0) / 1024,
            "peak_rss_mb": self.peak_rss_kb / 1024,
            "hwm_rss_mb": (_proc_status_kb(pid, "VmHWM") or 0) / 1024,  # the kernel's peak, start-up included
            "cpu_s": self.cpu_s(),
        }

    def tracebacks(self) -> int:
        """How many tracebacks the server has logged (an exception in a run, or in the server)."""
        return self.log.read_text(errors="replace").count("Traceback (most recent call last)")

    def __exit__(self, *exc) -> None:
        self._sampling.clear()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # uvicorn can wait for open connections
                self.process.kill()
                self.process.wait()
        if self.copy is not None:
            for path in (self.copy, self.copy.with_name(self.copy.name + ".wal")):
                path.unlink(missing_ok=True)


class Group:
    """Several servers of one app on one database copy: users are dealt to them in turn, as the reverse
    proxy's sticky sessions would (deploy/nginx.conf), and their figures are summed."""

    def __init__(self, app: Path, folder: Path, database: Path | None, options: dict[str, str], processes: int):
        self.copy = None
        if database is not None and processes > 1:
            self.copy = folder / f"shared-{os.getpid()}.duckdb"
            shutil.copy(database, self.copy)
        self.servers = [Server(app, folder, self.copy or database, options, copy=self.copy is None)
                        for _ in range(processes)]

    def __enter__(self) -> Group:
        started = []
        try:
            for server in self.servers:
                started.append(server.__enter__())
        except BaseException:
            for server in started:
                server.__exit__(None, None, None)
            raise
        return self

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    def cpu_s(self) -> float | None:
        return sum(server.cpu_s() or 0 for server in self.servers)

    def figures(self) -> dict:
        each = [server.figures() for server in self.servers]
        return {key: sum(f[key] or 0 for f in each) for key in each[0]} | {"processes": len(each)}

    def tracebacks(self) -> int:
        return sum(server.tracebacks() for server in self.servers)

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            server.__exit__(*exc)
        if self.copy is not None:
            for path in (self.copy, self.copy.with_name(self.copy.name + ".wal")):
                path.unlink(missing_ok=True)


# --- databases --------------------------------------------------------------------------------


def _built_once(path: Path, build) -> Path:
    """`path`, built by `build(path)` unless an earlier run (--keep) left it complete."""
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        build(partial)
        partial.rename(path)  # only a complete database gets the name
    return path


def _add_manager(con) -> None:
    from metrics.admin import users

    users.add_user(con, USER, "manager", PASSWORD, actor="loadrun")


def sample_database(folder: Path) -> Path:
    """The 13 sample returns, loaded as uploads, and one manager account: sign-in is required."""
    from metrics.admin import setup
    from metrics.returns import ingest

    def build(path: Path) -> None:
        con = setup.open_database(path)
        try:
            ingest.ingest_paths(con, sorted((ROOT / "sample_data" / "returns").glob("*.xlsx")), user=USER,
                                voices_checked=True)  # the sample June voice that is listed names no one
            _add_manager(con)
        finally:
            con.close()

    return _built_once(folder / "sample-returns.duckdb", build)


def service_database(folder: Path, size: data.Size) -> Path:
    """One generated service (benchmarks/data.py, bulk-loaded) and one manager account."""
    from metrics.admin import setup

    def build(path: Path) -> None:
        con = setup.open_database(path)
        try:
            data.set_budget(con, size)
            data.bulk_load(con, data.build(size))
            _add_manager(con)
        finally:
            con.close()

    return _built_once(
        folder / f"service-{size.first}-{size.last}-{size.per_month[0]}-{size.per_month[1]}.duckdb", build
    )


def case_rows(path: Path) -> int:
    from metrics.admin import setup

    con = setup.open_database(path)
    try:
        return con.execute("SELECT count(*) FROM raw_cases").fetchall()[0][0]
    finally:
        con.close()


# --- the users --------------------------------------------------------------------------------


def _checked(run: Run, expected_title: str | None) -> Run:
    if expected_title is not None and run.title != expected_title:
        run.errors.append(f"{run.page}: drew the title {run.title!r}, not {expected_title!r}")
    return run


async def alone(server: Server, rerun):
    """Await a rerun (or a session opened) while no other user is busy, and note the server's CPU time."""
    before = server.cpu_s()
    result = await rerun
    run = result[1] if isinstance(result, tuple) else result
    run.server_cpu_ms = (server.cpu_s() - before) * 1000
    return result


async def click(session: Session, title: str, alone_on: Server | None = None) -> Run:
    """Click a page's link and check that it drew its title; with `alone_on`, note the server's CPU time."""
    rerun = session.click_page(title)
    return _checked(await (alone(alone_on, rerun) if alone_on else rerun), title)


async def open_session(url: str, sign_in: bool, timeout_s: float = CLICK_TIMEOUT_S) -> tuple[Session, Run]:
    """A new session on the app's first page, signed in through the form when the app asks."""
    session = Session(url, timeout_s=timeout_s)
    run = await session.open()
    if sign_in:
        run = await sign_in_form(session, run)
    return session, run


async def sign_in_form(session: Session, form: Run) -> Run:
    """Fill in and submit the sign-in form; once more if the server drew the form again, with a note."""
    run = await session.submit_form(form, {"Name": USER, "Password": PASSWORD}, "Sign in")
    if "Sign in" in run.widgets and not run.errors and not run.alerts:
        # Seen when the form was drawn before anyone had signed in since the server started: the next
        # run gives the form's widgets other ids (Streamlit leaves its pages/-folder mode once a session
        # reaches st.navigation), so the submitted values are dropped, as a browser's would be.
        run = await session.submit_form(run, {"Name": USER, "Password": PASSWORD}, "Sign in")
        run.notes.append("the first submit of the sign-in form was lost: the form came back empty")
    run.page = "(sign-in)"
    if "Sign in" in run.widgets or "Summary" not in session.pages:
        run.errors.append(f"signing in did not reach the pages: drew {run.title!r} {run.alerts}")
    return run


async def click_through(
    session: Session,
    pages: list[str],
    start: int,
    until: float,
    think_s: float,
    rng: random.Random,
    clicks: list[Run],
    alone_on: Server | None,
) -> None:
    """Click page after page, from the `start`th, waiting `think_s` after each has drawn, until `until`."""
    await asyncio.sleep(rng.uniform(0, think_s))  # people do not click in step
    index = start
    while time.perf_counter() < until:
        title = pages[index % len(pages)]
        clicks.append(await click(session, title, alone_on))
        index += 1
        await asyncio.sleep(min(think_s, max(0.0, until - time.perf_counter())))


async def _level(
    app: str, urls: list[str], users: int, seconds: float, think_s: float, pages: list[str] | None, server: Group
) -> Level:
    level = Level(app, users, seconds, load_before=os.getloadavg())
    opened_sessions = []
    try:
        # One after another: two sessions of one account signing in at the same moment can conflict in
        # DuckDB (both update the account's row; one draws the exception).
        for user in range(users):
            session, run = await open_session(urls[user % len(urls)], sign_in=app == "dashboard")
            opened_sessions.append(session)
            level.sign_ins.append(run)
        sessions = [session for session, run in zip(opened_sessions, level.sign_ins) if not run.errors]
        if sessions:
            await _click_phase(level, sessions, seconds, think_s, pages, server)
    finally:
        await asyncio.gather(*(s.close() for s in opened_sessions), return_exceptions=True)
    for run in level.sign_ins + level.first_visits + level.clicks:
        level.errors += run.errors
        level.notes += run.notes
    return level


async def _click_phase(
    level: Level, sessions: list[Session], seconds: float, think_s: float, pages: list[str] | None, server: Group
) -> None:
    """One user visits every page once, then every user clicks through them for `seconds`."""
    shown = [title for title in sessions[0].pages if pages is None or title in pages]
    # one user of each process fills its caches; the others find them full
    for first in sessions[: len(server.servers)]:
        for title in shown:
            level.first_visits.append(await click(first, title, alone_on=server))
    rng = random.Random(level.users)
    before, client_before = server.figures(), time.process_time()
    start = time.perf_counter()
    alone_on = server if len(sessions) == 1 else None  # a click's CPU time is its own only then
    results = await asyncio.gather(
        *(
            click_through(
                s, shown, i * len(shown) // len(sessions), start + seconds, think_s, rng, level.clicks, alone_on
            )
            for i, s in enumerate(sessions)
        ),
        return_exceptions=True,
    )
    level.elapsed_s = time.perf_counter() - start
    after = server.figures()
    level.errors += [f"a user stopped: {r!r}" for r in results if isinstance(r, BaseException)]
    cpu_s = after["cpu_s"] - before["cpu_s"]
    level.server = after | {
        "cpu_cores": cpu_s / level.elapsed_s,
        # What a click costs the server whoever else shares the cores (the last clicks may end late).
        "cpu_ms_per_click": cpu_s * 1000 / len(level.clicks) if level.clicks else None,
        "client_cpu_cores": (time.process_time() - client_before) / level.elapsed_s,  # on the same cores
    }


def run_level(
    app: str,
    users: int,
    seconds: float,
    folder: Path,
    database: Path | None = None,
    think_s: float = 1.0,
    pages: list[str] | None = None,
    options: dict | None = None,
    processes: int = 1,
) -> Level:
    """`users` users on fresh servers of `app` (`processes` of them) for `seconds`; `pages` limits the pages."""
    if not 1 <= users <= MAX_USERS or not 0 < seconds <= MAX_SECONDS or not 1 <= processes <= MAX_PROCESSES:
        raise ValueError(f"a level has 1 to {MAX_USERS} users on 1 to {MAX_PROCESSES} processes and lasts at most "
                         f"{MAX_SECONDS} s")
    with Group(APPS[app], folder, database, options or {}, processes) as server:
        level = asyncio.run(_level(app, server.urls, users, seconds, think_s, pages, server))
    level.server["log_tracebacks"] = server.tracebacks()
    return level


# --- the Trends page of one large service ------------------------------------------------------


async def _trends_steps(server: Server, first_month: str, steps: dict[str, Run]) -> None:
    """Sign in, Trends (its first run), again, the whole history (its first run), again, and again
    after another user signs in."""
    session, steps["sign-in (lands on Summary)"] = await alone(server, _trends_session(server))
    try:
        steps["Trends, default period: first run"] = await click(session, "Trends", server)
        steps["Trends, default period: again"] = await click(session, "Trends", server)
        await whole_history(server, session, first_month, "Trends, whole history: first run", steps)
        steps["Trends, whole history: again"] = await click(session, "Trends", server)
        other, steps["another user signs in"] = await alone(server, _trends_session(server))
        await other.close()
        steps["Trends, whole history: after that sign-in"] = await click(session, "Trends", server)
    finally:
        await session.close()


def _trends_session(server: Server):
    return open_session(server.url, sign_in=True, timeout_s=TRENDS_TIMEOUT_S)


async def whole_history(server: Server, session: Session, first_month: str, name: str, steps: dict) -> None:
    """Pick 'Custom range' in the sidebar, then its first month: the longest period (a run each)."""
    page = session.current_page

    def custom_range():
        return alone(server, session.set_widgets([choice_state(session.last_run, "Period", "Custom range")]))

    steps["  (sidebar: Custom range)"] = await custom_range()
    if "From" not in session.last_run.widgets:
        # Seen on a server's first session: the run after signing in draws its widgets under other ids
        # than the next run, so the first change is lost (as a browser's would be). Send it again.
        steps["  (sidebar: Custom range, sent again: the first was lost)"] = await custom_range()
    from_first = session.set_widgets([choice_state(session.last_run, "From", first_month)])
    steps[name] = _checked(await alone(server, from_first), page)


async def _trends_fresh_whole_history(server: Server, first_month: str, steps: dict[str, Run]) -> None:
    """Sign in, pick the whole history on Summary, then Trends (its first run), again."""
    session, steps["sign-in (lands on Summary)"] = await alone(server, _trends_session(server))
    try:
        await whole_history(server, session, first_month, "Summary, whole history: first run", steps)
        steps["Trends, whole history: first run"] = await click(session, "Trends", server)
        steps["Trends, whole history: again"] = await click(session, "Trends", server)
    finally:
        await session.close()


TRENDS_SEQUENCES = {
    "Trends first, then the whole history": _trends_steps,
    "the whole history first, then Trends": _trends_fresh_whole_history,
}


def trends_runs(size: data.Size, folder: Path, options: dict | None = None, sequences: int = 2) -> dict:
    """Cold and warm Trends of one generated service, each of the first `sequences` on a fresh server."""
    start = time.perf_counter()
    database = service_database(folder, size)
    result = {
        "service": f"{size.first} to {size.last}, {size.per_month[0]}-{size.per_month[1]} referrals a month",
        "case_rows": case_rows(database),
        "build_s": time.perf_counter() - start,
        "sequences": {},
    }
    for name, sequence in list(TRENDS_SEQUENCES.items())[:sequences]:
        runs: dict[str, Run] = {}  # step: run, as far as the sequence got
        failed = None
        with Server(APPS["dashboard"], folder, database, options or {}) as server:
            try:
                asyncio.run(sequence(server, size.first, runs))
            except Exception as exc:  # a step that timed out or broke: keep the steps before it
                failed = f"stopped after {len(runs)} steps: {exc!r}"
            result["sequences"][name] = {
                step: {
                    "server_ms": run.server_s * 1000,
                    "last_delta_ms": _ms(run.last_delta_s),
                    "server_cpu_ms": run.server_cpu_ms,
                    "errors": run.errors,
                    "notes": run.notes,
                }
                for step, run in runs.items()
            } | {
                "server": server.figures() | {"log_tracebacks": server.tracebacks(), "load_average": os.getloadavg()},
                "failed": failed,
            }
    return result


# --- figures ----------------------------------------------------------------------------------


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), interpolated between the nearest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _spread(runs: list[Run]) -> dict:
    server = [r.server_s * 1000 for r in runs]
    last = [r.last_delta_s * 1000 for r in runs if r.last_delta_s is not None]
    cpu = [r.server_cpu_ms for r in runs if r.server_cpu_ms is not None]
    return {
        "clicks": len(runs),
        "p50_ms": percentile(server, 50),
        "p95_ms": percentile(server, 95),
        "last_delta_p50_ms": percentile(last, 50),
        "last_delta_p95_ms": percentile(last, 95),
        "server_cpu_p50_ms": percentile(cpu, 50),  # only for clicks with no other user busy
    }


def summary(level: Level) -> dict:
    """The level's figures: overall and per page, as JSON-ready numbers."""
    pages = {}
    for run in level.clicks:
        pages.setdefault(run.page, []).append(run)
    return {
        "app": level.app,
        "users": level.users,
        "seconds": level.seconds,
        "elapsed_s": level.elapsed_s,
        "reruns_per_s": len(level.clicks) / level.elapsed_s if level.elapsed_s else None,
        "overall": _spread(level.clicks),
        "pages": {title: _spread(runs) for title, runs in pages.items()},
        "first_visits_ms": {run.page: run.server_s * 1000 for run in level.first_visits},
        "first_visits_cpu_ms": {run.page: run.server_cpu_ms for run in level.first_visits},
        "sign_in_ms": _spread(level.sign_ins) if level.app == "dashboard" else None,
        "errors": len(level.errors),
        "error_examples": sorted(set(level.errors))[:5],
        "notes": sorted(set(level.notes)),
        "server": level.server,
        "load_average": os.getloadavg(),
        "load_average_before": level.load_before,
    }


def _fmt(value, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def report_text(results: dict) -> str:
    lines = []
    for level in results["levels"]:
        o, s = level["overall"], level["server"]
        lines.append(
            f"{level['app']:9s} {level['users']:2d} users on {s.get('processes', 1)}"
            f"  p50 {_fmt(o['p50_ms']):>6s} ms  p95 {_fmt(o['p95_ms']):>6s} ms"
            f"  last delta p50 {_fmt(o['last_delta_p50_ms']):>6s}  {_fmt(level['reruns_per_s'], 1):>5s} reruns/s"
            f"  {o['clicks']:4d} clicks  errors {level['errors']}  peak RSS {_fmt(s.get('peak_rss_mb'))} MB"
            f"  CPU {_fmt(s.get('cpu_cores'), 2)} cores (client {_fmt(s.get('client_cpu_cores'), 2)})"
            f" {_fmt(s.get('cpu_ms_per_click'))} ms a click"
            f"  log tracebacks {s.get('log_tracebacks')}"
            f"  (load {level['load_average_before'][0]:.1f} to {level['load_average'][0]:.1f})"
        )
        for title, page in level["pages"].items():
            cpu = f"  server CPU p50 {_fmt(page['server_cpu_p50_ms']):>5s} ms" if page["server_cpu_p50_ms"] else ""
            lines.append(
                f"    {title:18s} p50 {_fmt(page['p50_ms']):>6s}  p95 {_fmt(page['p95_ms']):>6s}"
                f"  first visit {_fmt(level['first_visits_ms'].get(title)):>6s} ms"
                f" (CPU {_fmt(level['first_visits_cpu_ms'].get(title)):>5s}){cpu}  ({page['clicks']} clicks)"
            )
        for example in level["error_examples"]:
            lines.append(f"    error: {example}")
        for note in level["notes"]:
            lines.append(f"    note: {note}")
    trends = results.get("trends")
    if trends:
        lines.append(
            f"Trends, one service {trends['service']}: {trends['case_rows']:,} case-snapshot rows "
            f"(built in {trends['build_s']:.1f} s)"
        )
        for name, steps in trends["sequences"].items():
            lines.append(f"  {name} (a fresh server):")
            for step, figures in steps.items():
                if step not in ("server", "failed"):
                    errors = "".join(f"  {kind}: {figures[kind]}" for kind in ("errors", "notes") if figures[kind])
                    lines.append(
                        f"    {step:58s} {_fmt(figures['server_ms']):>7s} ms"
                        f"  (server CPU {_fmt(figures['server_cpu_ms']):>6s} ms){errors}"
                    )
            if steps["failed"]:
                lines.append(f"    FAILED: {steps['failed']}")
            lines.append(f"    peak RSS {_fmt(steps['server']['peak_rss_mb'])} MB")
    if results["quick"]:
        lines.append("(--quick: few users, a few seconds and a small service, for CI; not the figures to judge by)")
    return "\n".join(lines)


def run(
    users: list[int],
    seconds: float,
    think_s: float,
    apps: list[str],
    trends: data.Size | None,
    folder: Path,
    options: dict,
    progress,
    processes: int = 1,
) -> dict:
    results = {"users": users, "seconds": seconds, "think_s": think_s, "options": options, "processes": processes,
               "levels": []}
    database = sample_database(folder)
    for count in users:
        for app in apps:
            progress(f"{app}: {count} users for {seconds:g} s on {processes} process(es)")
            try:
                level = run_level(app, count, seconds, folder, database if app == "dashboard" else None, think_s,
                                  options=options, processes=processes)
            except Exception as exc:  # a sign-in that timed out, a server that did not start: report, go on
                level = Level(app, count, seconds, load_before=os.getloadavg(), errors=[f"the level stopped: {exc!r}"])
            results["levels"].append(summary(level))
    if trends is not None:
        progress("Trends of one service")
        results["trends"] = trends_runs(trends, folder, options, sequences=1 if trends == SMALL else 2)
    return results


def _options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.replace(".", "").isalnum():
            raise SystemExit(f"--option takes section.name=value (a Streamlit config option), not {pair!r}")
        options[key] = value
    return options


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1 and 5 users, 2 s each, a small service: for CI")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--users", help="numbers of users, e.g. 1,5,10,20 (the default)")
    parser.add_argument("--seconds", type=float, help="how long each number of users clicks (default 30)")
    parser.add_argument("--think", type=float, default=1.0, help="seconds a user waits after a page has drawn")
    parser.add_argument("--app", choices=("dashboard", "floor", "both"), default="both")
    parser.add_argument(
        "--trends",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the Trends page of one large service (default: yes)",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Streamlit config option for the server, e.g. server.fileWatcherType=none "
        "or runner.postScriptGC=false (repeatable)",
    )
    parser.add_argument("--processes", type=int, default=1,
                        help="Streamlit processes per level, users dealt to them in turn (sticky sessions)")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep the databases and server logs")
    args = parser.parse_args(argv)
    users = [int(n) for n in (args.users or ("1,5" if args.quick else "1,5,10,20")).split(",")]
    seconds = args.seconds or (2.0 if args.quick else 30.0)
    apps = ["dashboard", "floor"] if args.app == "both" else [args.app]
    trends = (SMALL if args.quick else LARGE) if args.trends and "dashboard" in apps else None
    options = _options(args.option)

    def progress(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    start = time.perf_counter()
    if args.keep:
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        results = run(users, seconds, args.think, apps, trends, folder, options, progress, args.processes)
    else:
        with tempfile.TemporaryDirectory(prefix="loadrun-") as tmp:
            results = run(users, seconds, args.think, apps, trends, Path(tmp), options, progress, args.processes)
    results["quick"] = args.quick
    results["wall_s"] = time.perf_counter() - start
    print(json.dumps(results, indent=2) if args.json else report_text(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
