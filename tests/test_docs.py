"""The README keeps step with the code: every measure and every command is documented."""

from metrics.cli import build_parser
from metrics.measures import MEASURES
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_measure_is_in_the_readme_table():
    missing = [name for name, m in MEASURES.items() if f"| `{name}` | {m.label}" not in README]
    assert missing == []


def test_every_command_is_in_the_readme():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    missing = [name for name in sub.choices if f"python -m metrics {name}" not in README]
    assert missing == []
