"""The command line starts fast: each command imports what it uses (issue 15). `report` and `uploads`
import neither pandas nor pyarrow (nor Streamlit or Altair); `ingest` reads with fastexcel into Arrow,
and pyarrow loads pandas itself whenever it makes an array from Python values, so only Streamlit,
Altair and openpyxl are ruled out there. Checked in a fresh interpreter, by its sys.modules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

_PROBE = """
import contextlib, io, json, sys
from metrics.cli import run
with contextlib.redirect_stdout(io.StringIO()):
    code = run(sys.argv[1:])
print(json.dumps([code, sorted(m for m in sys.modules if m.split(".")[0] in
                               ("pandas", "pyarrow", "numpy", "streamlit", "altair", "openpyxl"))]))
"""


def _imported(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    code, modules = json.loads(done.stdout.splitlines()[-1])
    return code, {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("command", [
    ["report", "--from", "2018-06", "--to", "2019-05", "--json"],
    ["report", "--from", "2018-06", "--to", "2019-05"],
    ["uploads"],
    ["uploads", "--json"],
])
def test_report_and_uploads_import_no_pandas_pyarrow_or_streamlit(sample_db, command):
    assert _imported(*command, "--db", str(sample_db)) == (0, set())


def test_ingest_imports_no_streamlit_altair_or_openpyxl(sample_db):
    code, modules = _imported("ingest", str(ROOT / "sample_data" / "returns" / "2019-06.xlsx"), "--db", str(sample_db),
                              "--voices-checked")
    assert code == 0
    assert not modules & {"streamlit", "altair", "openpyxl"}, modules
