"""Targets, RAG grades and the one-line reading of every graded measure.

Grades are codes (green, amber, red, grey) wherever they are kept or compared; their words are marked for
translation: show them with `grade_word(grade)` / `grade_badge(grade)` (or `_(GRADE_WORDS[grade])`).
Readings are written in the run's language.
"""

from __future__ import annotations

from metrics.i18n import N_, _
from metrics.measures import formatting
from metrics.measures.registry import MEASURES, graded
from metrics.store.settings import kpi_targets

# Each grade's colour and the colour of text on it: every pair at least 4.5:1 (WCAG 1.4.3), from the
# GOV.UK palette, for the badges, the PDF and the Excel pack alike.
GRADE_COLOURS = {"green": "#00703c", "amber": "#f0a202", "red": "#d4351c", "grey": "#505a5f"}
GRADE_INK = {"green": "#ffffff", "amber": "#0b0c0c", "red": "#ffffff", "grey": "#ffffff"}
# A grade in a word, for tables and the pack, and as a badge that says what it means.
GRADE_WORDS = {"green": N_("Green"), "amber": N_("Amber"), "red": N_("Red"), "grey": N_("Not graded")}
GRADE_BADGES = {"green": N_("Green: on target"), "amber": N_("Amber: near target"), "red": N_("Red: off target"),
                "grey": N_("Grey: not graded")}
# The grade as the last word of a reading and in the text report ("...: green"): the code in English.
_GRADE_IN_TEXT = {"green": N_("green"), "amber": N_("amber"), "red": N_("red"), "grey": N_("grey")}


def grade_word(grade: str) -> str:
    """A grade in a word for tables and the pack ('Green', 'Not graded'), in the run's language."""
    return _(GRADE_WORDS[grade])


def grade_badge(grade: str) -> str:
    """A grade as a badge that says what it means ('Green: on target'), in the run's language."""
    return _(GRADE_BADGES[grade])


def grade_in_text(grade: str) -> str:
    """A grade as running text ends with it ('green'; in Welsh 'gwyrdd'); '' and unknown codes as they are."""
    return _(_GRADE_IN_TEXT[grade]) if grade in _GRADE_IN_TEXT else grade


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
    shown = formatting.value(name, target["target"])
    if target["better"] == "higher":
        return _("{value} or more").format(value=shown)
    return _("{value} or less").format(value=shown)


def reading(fig, target: dict | None, figures: dict | None = None) -> str:
    """One plain line for a graded figure (in the run's language), ending in its grade as a word; `figures`
    holds the period's other figures, which a reading may name."""
    m = MEASURES[fig.name]
    if fig.value is None or isinstance(fig.value, str):
        if fig.suppressed:
            return _("{label}: not shown: too few people behind it; not graded (grey)").format(label=m.shown_label)
        return _("{label}: no cases to measure in this period; not graded (grey)").format(label=m.shown_label)
    if m.is_rate and fig.numerator is None:  # as published: the share, not the people behind it
        sentence = _("{label}: {value}").format(label=m.shown_label, value=formatting.value(fig.name, fig.value))
    else:
        named = {name: formatting.value(name, figures[name].value) for name in MEASURES
                 if "{" + name + "}" in m.reading}
        sentence = m.shown_reading.format(num=fig.numerator, den=fig.denominator,
                                          value=formatting.value(fig.name, fig.value), **named)
    graded_as = grade_in_text(grade(fig.value, target))
    if target is None:
        return _("{sentence}: {grade}").format(sentence=sentence, grade=graded_as)
    return _("{sentence}; target {target}: {grade}").format(sentence=sentence, target=target_text(fig.name, target),
                                                            grade=graded_as)


def grades(con, figures: dict) -> dict[str, dict]:
    """{measure: {grade, target, reading}} for every graded measure."""
    goals = targets(con)
    out = {}
    for m in graded():
        fig, target = figures[m.name], goals.get(m.name)
        out[m.name] = {"grade": grade(fig.value, target), "target": target["target"] if target else None,
                       "reading": reading(fig, target, figures)}
    return out
