"""The provider's commentary and the victims' voices on the internal pages: beside a measure, and as sections.

Every text is the return's, untrusted: it goes into the HTML through safe_text.html, never as Markdown.
"""

from __future__ import annotations

import html

import streamlit as st

from metrics import safe_text
from metrics.answers import commentary as answers
from metrics.i18n import _
from metrics.measures.registry import MEASURES
from ui.components import long_month


def entries_html(rows: list[dict]) -> str:
    """The months' texts of one topic, latest first, each headed by its month."""
    return "".join(f'<p class="commentary"><span class="commentary-month">{long_month(row["month"])}:</span> '
                   f'{safe_text.html(row["text"])}</p>' for row in rows)


def beside_html(rows: list[dict]) -> str:
    """A measure's commentary as a block to put beside it (empty when it has none)."""
    if not rows:
        return ""
    heading = html.escape(_("Provider's commentary"), quote=False)
    return f'<div class="provider-commentary"><strong>{heading}</strong>{entries_html(rows)}</div>'


def section(grouped: dict[str, list[dict]], topics: tuple[str, ...]) -> None:
    """The provider's commentary on `topics`, each under its heading; a line saying so when there is none."""
    st.header(_("The provider's commentary"))
    shown = [topic for topic in topics if grouped.get(topic)]
    if not shown:
        st.caption(_("The returns of this period hold no commentary on {topics}.").format(
            topics=", ".join(_(answers.topic_label(t)) for t in topics)))
    for topic in shown:  # a heading the size of a card's label: a subheader was as large as the section's own
        st.markdown(f'<h3 class="commentary-topic">{safe_text.html(_(answers.topic_label(topic)))}</h3>'
                    + entries_html(grouped[topic]), unsafe_allow_html=True)


def voices(rows: list[dict], commentary: list[dict]) -> None:
    """The consented voices of the period, with the provider's commentary on them (internal pages only)."""
    st.header(_("Victims' voices"))
    st.caption(_("Shared with consent, for the manager and the PCC's office only: never shown to the partnership."))
    if commentary:
        st.markdown(beside_html(commentary), unsafe_allow_html=True)
    if not rows:
        st.caption(_("The returns of this period hold no voices shared with consent."))
    for row in rows:
        st.markdown(f'<blockquote class="voice"><p>{safe_text.html(row["quote_or_summary"])}</p>'
                    f'<footer>{safe_text.html(row["theme"])} · {long_month(row["month"])}</footer></blockquote>',
                    unsafe_allow_html=True)


def beside_measures(grouped: dict[str, list[dict]]) -> dict[str, str]:
    """Each measure's commentary as the block beside it, by measure name."""
    return {topic: beside_html(rows) for topic, rows in grouped.items() if topic in MEASURES}
