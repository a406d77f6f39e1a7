"""Targets, RAG grades and the one-line reading of every graded measure."""

from __future__ import annotations

from metrics.measures import formatting
from metrics.measures.registry import MEASURES, graded
from metrics.store.settings import kpi_targets

# Each grade's colour and the colour of text on it: every pair at least 4.5:1 (WCAG 1.4.3), from the
# GOV.UK palette, for the badges, the PDF and the Excel pack alike.
GRADE_COLOURS = {"green": "#00703c", "amber": "#f0a202", "red": "#d4351c", "grey": "#505a5f"}
GRADE_INK = {"green": "#ffffff", "amber": "#0b0c0c", "red": "#ffffff", "grey": "#ffffff"}
# A grade in a word, for tables and the pack, and as a badge that says what it means.
GRADE_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "grey": "Not graded"}
GRADE_BADGES = {"green": "Green: on target", "amber": "Amber: near target", "red": "Red: off target",
                "grey": "Grey: not graded"}


def targets(con) -> dict[str, dict]:
    """{measure: {target, better, amber_band}} from the KPI targets table."""
    return kpi_targets(con)


def grade(value, target: dict | None) -> str:
    """green when the target is met, amber within the band, red beyond, grey when undefined."""
    if target is None or value is None or isinstance(value, str):
        return "grey"
    gap = (target["target"] - value) if target["better"] == "higher" else (value - target["target"])
    if gap <= 1e-12:
        return "green"
    return "amber" if gap <= target["amber_band"] + 1e-12 else "red"


def target_text(name: str, target: dict) -> str:
    """'90% or more', '2 days or less'."""
    comparison = "or more" if target["better"] == "higher" else "or less"
    return f"{formatting.value(name, target['target'])} {comparison}"


def reading(fig, target: dict | None, figures: dict | None = None) -> str:
    """One plain-English line for a graded figure, ending in its grade as a word; `figures` holds the
    period's other figures, which a reading may name."""
    m = MEASURES[fig.name]
    target_part = "" if target is None else f"; target {target_text(fig.name, target)}"
    if fig.value is None or isinstance(fig.value, str):
        why = "not shown: too few people behind it" if fig.suppressed else "no cases to measure in this period"
        return f"{m.label}: {why}; not graded (grey)"
    if m.is_rate and fig.numerator is None:  # as published: the share, not the people behind it
        return f"{m.label}: {formatting.value(fig.name, fig.value)}{target_part}: {grade(fig.value, target)}"
    named = {name: formatting.value(name, figures[name].value) for name in MEASURES if "{" + name + "}" in m.reading}
    sentence = m.reading.format(num=fig.numerator, den=fig.denominator, value=formatting.value(fig.name, fig.value),
                                **named)
    return f"{sentence}{target_part}: {grade(fig.value, target)}"


def grades(con, figures: dict) -> dict[str, dict]:
    """{measure: {grade, target, reading}} for every graded measure."""
    goals = targets(con)
    out = {}
    for m in graded():
        fig, target = figures[m.name], goals.get(m.name)
        out[m.name] = {"grade": grade(fig.value, target), "target": target["target"] if target else None,
                       "reading": reading(fig, target, figures)}
    return out
