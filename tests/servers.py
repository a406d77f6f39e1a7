"""Processes the real-browser tests start (`streamlit run`, the test OIDC provider, nginx) and Chromium.

Each server writes to a log file (a full pipe would block it), is waited for until it answers, and
is stopped by the fixture that started it, its log shown when it fails.
"""

from __future__ import annotations

import email.utils
import glob
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
LIBFAKETIME = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))), None)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], log: Path, ready_url: str, env: dict | None = None, cwd: Path = ROOT,
          timeout: float = 60) -> subprocess.Popen:
    """Start a server, and return once ready_url answers (any HTTP status); fail with its log if not."""
    with log.open("wb") as output:  # the server keeps its own copy of the file
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE  # the deployment test's self-signed certificate
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(ready_url, timeout=1, context=insecure)
            return process
        except urllib.error.HTTPError:
            return process  # it answers
        except OSError:
            time.sleep(0.3)
    process.kill()
    process.wait()
    pytest.fail(f"{command[0]} did not start:\n" + log.read_text(errors="replace"))


def stop(process: subprocess.Popen, log: Path) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        # Seen in CI with streamlit: uvicorn waits for open connections before it stops.
        process.kill()
        process.wait()
        warnings.warn(f"{log.name}: did not stop within 30 s of SIGTERM:\n"
                      + log.read_text(errors="replace")[-2000:], stacklevel=2)


def streamlit(port: int, log: Path, env: dict, *options: str) -> subprocess.Popen:
    """`streamlit run dashboard.py` from the project folder (so its .streamlit/config.toml applies)."""
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
               "--server.port", str(port), "--browser.gatherUsageStats", "false", *options]
    return start(command, log, f"http://127.0.0.1:{port}/_stcore/health", env=os.environ | env)


def chromium(playwright, *extra_args: str):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])


def wait_idle(page, quiet_ms: int = 1500, timeout_ms: int = 60_000) -> None:
    """Wait until the script has stopped running, and nothing is still loading, for `quiet_ms` together."""
    busy = '[data-testid="stStatusWidget"], [data-testid="stSkeleton"], .stSpinner'
    quiet = waited = 0
    while quiet < quiet_ms:
        if waited > timeout_ms:
            raise TimeoutError("the page kept running")
        page.wait_for_timeout(250)
        waited += 250
        quiet = quiet + 250 if page.locator(busy).count() == 0 else 0


class Clock:
    """The time of the provider and the dashboard: real time plus an offset that only moves on."""

    def __init__(self, path: Path):
        self.path, self.offset = path, 0
        path.write_text("+0\n")

    def env(self) -> dict:
        if LIBFAKETIME is None:
            return {}
        return {"LD_PRELOAD": LIBFAKETIME, "FAKETIME_TIMESTAMP_FILE": str(self.path), "FAKETIME_CACHE_DURATION": "1"}

    def advance(self, seconds: int, server_url: str) -> None:
        """Move both servers' clocks on (never back: their timers would wait for real time to catch up)."""
        if LIBFAKETIME is None:
            time.sleep(seconds)
            return
        self.offset += seconds
        self.path.write_text(f"+{self.offset}\n")
        # libfaketime rereads the file at most once a second: wait until the server's Date header
        # (uvicorn's, refreshed every second) shows the new time.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with urllib.request.urlopen(server_url + "/_stcore/health", timeout=5) as response:
                server_time = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()
            if server_time >= time.time() + self.offset - 2:
                time.sleep(1.5)  # and the provider's (no header to watch)
                return
            time.sleep(0.25)
        raise AssertionError("the server's clock did not move")
