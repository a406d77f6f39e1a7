"""The README keeps step with the code: every measure, command, setting and layer is documented."""

from metrics.admin.access import SESSION_TIMEOUT_KEY
from metrics.admin.reference import SETTING_KEYS
from metrics.cli import build_parser
from metrics.measures.registry import MEASURES, SOURCES
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
UNITS = {"count": "count", "rate": "rate", "days": "days", "gbp": "£"}


def measures_table() -> str:
    """The README's table of measures, made from the registry."""
    lines = ["| name | label | unit | defined as | people | adds up |", "| --- | --- | --- | --- | --- | --- |"]
    for m in MEASURES.values():
        defined = {"formula": "formula", "cases": "cases", "activity": "activity", "spend": "spend"}[m.source]
        lines.append(f"| `{m.name}` | {m.label} | {UNITS[m.unit]} | {defined} | {'yes' if m.people else ''} | "
                     f"{'yes' if m.additive else ''} |")
    return "\n".join(lines)


def test_the_readme_table_of_measures_is_the_registry():
    assert measures_table() in README


def test_every_measure_has_sql_or_a_formula_over_measures_defined_before_it():
    seen, faults = set(), []
    for m in MEASURES.values():
        if m.source not in SOURCES or not (m.sql or (m.numerator and m.denominator) or m.formula):
            faults.append(m.name)
        if m.formula and not m.parts or any(part not in seen for part in m.parts):
            faults.append(m.name)
        seen.add(m.name)
    assert faults == []


def test_every_command_is_in_the_readme():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    missing = [name for name in sub.choices if f"python -m metrics {name}" not in README]
    assert missing == []


def test_every_setting_is_in_the_readme():
    settings = [*SETTING_KEYS, SESSION_TIMEOUT_KEY, "DASHBOARD_DB", "DASHBOARD_SAMPLE_DB", "DASHBOARD_LANGUAGE"]
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    settings += [line.split("=")[0].strip() for line in config.splitlines() if "=" in line and not line.startswith("#")]
    missing = [name for name in settings if f"`{name}`" not in README]
    assert missing == []


def test_every_layer_is_in_the_readme():
    layers = ["cli", "pack", "answers", "admin", "charts", "measures", "returns", "store", "contract", "periods",
              "i18n"]
    missing = [name for name in layers if f"metrics/{name}" not in README]
    assert missing == []
