"""The systemd units in deploy/: valid for systemd, and their commands do what docs/DEPLOY.md says.

systemd itself is not running here, so the units are checked with `systemd-analyze verify` (paths
moved to this checkout), and the backup unit's commands are run as the unit would run them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from metrics.admin import setup
from metrics.returns import ingest
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
UNITS = ("msht-dashboard.service", "msht-backup.service", "msht-backup.timer")


def directives(unit: str) -> dict[str, list[str]]:
    """Each directive of a unit file with its values in order (systemd allows repeats, configparser not)."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / unit).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def shell_command(value: str) -> str:
    """An ExecStart= value as the shell would get it: systemd turns %% into %."""
    prefix = "/bin/sh -c '"
    assert value.startswith(prefix) and value.endswith("'"), value
    return value[len(prefix):-1].replace("%%", "%")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    for unit in UNITS:
        text = (DEPLOY / unit).read_text()
        # The same units, pointing at this checkout's Python instead of the server's /opt venv.
        text = text.replace("/opt/msht-dashboard/.venv/bin/python", sys.executable)
        text = text.replace("/opt/msht-dashboard", str(ROOT))
        (tmp_path / unit).write_text(text)
    checked = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / u) for u in UNITS)],
                             capture_output=True, text=True, cwd=tmp_path)
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def test_the_service_runs_the_dashboard_with_the_settings_the_code_reads():
    service = directives("msht-dashboard.service")
    assert service["ExecStart"] == [
        "/opt/msht-dashboard/.venv/bin/python -m streamlit run dashboard.py --server.headless true "
        "--server.port 8501 --secrets.files /etc/msht-dashboard/secrets.toml"]
    assert service["User"] == ["msht-dashboard"] and service["WorkingDirectory"] == ["/opt/msht-dashboard"]
    assert service["Environment"] == [
        "DASHBOARD_DB=/var/lib/msht-dashboard/dashboard.duckdb",
        "DASHBOARD_SAMPLE_DB=/var/lib/msht-dashboard/sample.duckdb",
        "DASHBOARD_AUTH_FILE=/etc/msht-dashboard/auth.toml",
        "DASHBOARD_TRUSTED_PROXY=127.0.0.1",
        "STREAMLIT_SERVER_ALLOWED_HOSTS=dashboard.example.org",
    ]
    # The port nginx proxies to, and the address config.toml gives Streamlit.
    assert "server 127.0.0.1:8501;" in (DEPLOY / "nginx.conf").read_text()
    assert 'address = "127.0.0.1"' in (ROOT / ".streamlit" / "config.toml").read_text()
    for name in ("DASHBOARD_DB", "DASHBOARD_SAMPLE_DB"):
        assert name in (ROOT / "metrics" / "store" / "connection.py").read_text()
    assert "DASHBOARD_AUTH_FILE" in (ROOT / "ui" / "auth.py").read_text()
    assert "DASHBOARD_TRUSTED_PROXY" in (ROOT / "ui" / "auth.py").read_text()


def test_the_timer_starts_the_backup_nightly():
    timer = directives("msht-backup.timer")
    assert (timer["OnCalendar"], timer["Unit"], timer["Persistent"]) == (
        ["*-*-* 02:30:00"], ["msht-backup.service"], ["true"])
    backup = directives("msht-backup.service")
    # The dashboard holds the database only while it draws a page: the backup runs beside it, stopping nothing.
    assert "Conflicts" not in backup and "ExecStopPost" not in backup


def test_the_backup_command_makes_a_dated_backup(tmp_path):
    database = tmp_path / "dashboard.duckdb"
    con = setup.open_database(database)
    ingest.ingest_paths(con, [ROOT / "sample_data" / "returns" / "2019-03.xlsx"], user="mary.manager")
    con.close()
    backups = tmp_path / "backups"
    backups.mkdir()
    command = shell_command(directives("msht-backup.service")["ExecStart"][0])
    command = command.replace("/opt/msht-dashboard/.venv/bin/python", sys.executable)
    command = command.replace("/var/backups/msht-dashboard", str(backups))
    env = os.environ | {"DASHBOARD_DB": str(database)}
    before = time.strftime("%Y-%m-%d-%H%M")
    done = subprocess.run(["/bin/sh", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True)
    after = time.strftime("%Y-%m-%d-%H%M")
    assert done.returncode == 0, done.stderr
    (made,) = backups.iterdir()
    assert made.name in {before, after}  # the folder is named by the local date and time, to the minute
    assert done.stdout.startswith(f"Backed up the database to {made} (")
    assert (made / "backup.json").exists()


def test_the_backup_keeps_five_weeks(tmp_path):
    backups = tmp_path / "backups"
    now = time.time()
    for name, days_old in (("2026-10-01-0230", 40), ("2026-10-25-0230", 36), ("2026-10-27-0230", 34),
                           ("2026-11-30-0230", 1)):
        folder = backups / name
        folder.mkdir(parents=True)
        (folder / "backup.json").write_text("{}")
        os.utime(folder, (now - days_old * 86400, now - days_old * 86400))
    (cleanup,) = directives("msht-backup.service")["ExecStartPost"]
    command = cleanup.replace("/var/backups/msht-dashboard", str(backups)).split()
    subprocess.run(command, check=True)
    assert sorted(p.name for p in backups.iterdir()) == ["2026-10-27-0230", "2026-11-30-0230"]


def test_the_deployment_guide_names_every_deploy_file():
    guide = (ROOT / "docs" / "DEPLOY.md").read_text()
    missing = [f.name for f in sorted(DEPLOY.iterdir()) if f"deploy/{f.name}" not in guide]
    assert missing == []
    assert "[docs/DEPLOY.md](docs/DEPLOY.md)" in (ROOT / "README.md").read_text()
