"""The Data quality page's tables: the optional fields' column headings, a month's status in words and
colour, and a height that shows every row."""

from __future__ import annotations

import streamlit as st

from metrics.contract import CASES
from metrics.i18n import N_, _, pgettext
from metrics.store.marts import blank_fields

# The optional fields' column headings; a field not named here is headed by its name ('support_level' 'Support
# level', 'outcome_safer' 'Safer').
SHORT = {"first_contact_date": N_("First contact"), "support_level": N_("Support level"),
         "intelligence_shared": N_("Intelligence"), "voice_captured": N_("Voice"), "outcome_safer": N_("Safer"),
         "outcome_health": N_("Health"), "outcome_cope": N_("Cope"), "outcome_informed": N_("Informed"),
         "outcome_access": N_("Access"), "outcome_justice": N_("Justice")}
STATUS_COLOURS = {"late": "background-color: #fde3b0", "missing": "background-color: #f6c9c4"}


def status_words() -> dict[str, str]:
    """A month's status (metrics.answers.quality's codes) as the table shows it."""
    return {"on time": pgettext("status of a month's return", "on time"),
            "late": pgettext("status of a month's return", "late"),
            "missing": pgettext("status of a month's return", "missing")}


def rows_tall(count: int) -> int:
    """A table height that shows every row without scrolling."""
    return 35 * (count + 1) + 3


def share_columns() -> dict:
    """The column of each optional field's share of blanks, headed in the run's language; its help says which
    field it is (the field's name, a code, and its description)."""
    return {name: st.column_config.TextColumn(
        _(SHORT[name]) if name in SHORT else name.removeprefix("outcome_").replace("_", " ").capitalize(),
        alignment="right", help=f"{name}: {_(CASES.column(name).description)}") for name in blank_fields()}
