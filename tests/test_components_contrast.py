"""The colours the grades and ui.components draw with meet WCAG 2.2 AA contrast (1.4.3 text, 1.4.11 focus)."""

from __future__ import annotations

from metrics.measures.grading import GRADE_COLOURS, GRADE_INK
from ui import components


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return round((light + 0.05) / (dark + 0.05), 2)


def test_the_contrast_formula_on_known_pairs():
    # Black on white is 21:1 by definition; the old badge colours give the audit's 3.72:1 and 3.36:1.
    assert [contrast("#000000", "#ffffff"), contrast("#1a9850", "#ffffff"), contrast("#8c8c8c", "#ffffff")] == [
        21.0, 3.72, 3.36]


def test_every_grade_text_has_at_least_4_5_to_1_on_its_colour():
    ratios = {grade: contrast(GRADE_COLOURS[grade], GRADE_INK[grade]) for grade in GRADE_COLOURS}
    assert ratios == {"green": 6.21, "amber": 9.21, "red": 4.86, "grey": 7.07}


def test_captions_and_the_focus_ring_stand_out():
    sidebar_background, page_background = "#f8f8f7", "#ffffff"  # Streamlit 1.67's light theme
    assert [contrast(components.SECONDARY_TEXT, page_background),
            contrast(components.SECONDARY_TEXT, sidebar_background)] == [7.07, 6.66]
    # The dark inner ring carries the focus on a light page; the yellow outline on a dark badge or button.
    assert [contrast(components.TEXT, page_background), contrast(components.TEXT, components.FOCUS),
            contrast(components.FOCUS, GRADE_COLOURS["green"])] == [19.59, 14.55, 4.61]


def test_a_badge_is_a_word_and_a_class_never_colour_alone():
    assert components.rag_badge("green") == '<span class="rag rag-green">Green: on target</span>'
    assert components.rag_badge(None) == ""
