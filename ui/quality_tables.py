"""The Data quality page's tables: the optional fields' column headings, a month's status in words and
colour, and a height that shows every row."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics.contract import CASES
from metrics.i18n import N_, _, pgettext
from metrics.store.marts import blank_fields
from ui import components

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


def months_shown(months: pd.DataFrame) -> pd.DataFrame:
    """Every month (answers: quality.months) as text, its status in words: made once per answer (ui.state.derived)."""
    shown = components.as_text(months, {
        "submitted_on": lambda d: f"{d:%Y-%m-%d}", "days_after_month_end": "number", "upload_id": "number",
        "uploaded_at": components.when_text})  # a missing month has none of these: '—'
    words = status_words()
    shown["status"] = [words.get(status, status) for status in shown["status"]]
    return shown


def blanks_shown(blanks: pd.DataFrame) -> pa.Table:
    """Each month's share of blanks in each optional field (answers: quality.optional_blanks) as text, as Arrow."""
    return pa.Table.from_pandas(components.as_text(blanks, dict.fromkeys(blank_fields(), "percent")),
                                preserve_index=False)


def rows_tall(count: int) -> int:
    """A table height that shows every row without scrolling."""
    return 35 * (count + 1) + 3


def share_columns() -> dict:
    """The column of each optional field's share of blanks, headed in the run's language; its help says which
    field it is (the field's name, a code, and its description)."""
    return {name: st.column_config.TextColumn(
        _(SHORT[name]) if name in SHORT else name.removeprefix("outcome_").replace("_", " ").capitalize(),
        alignment="right", help=f"{name}: {_(CASES.column(name).description)}") for name in blank_fields()}
