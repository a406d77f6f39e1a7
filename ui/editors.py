"""Settings editors: each reference table in a data editor, checked exactly like an upload before saving.

The edited table is turned back into text cells, as a CSV or a workbook would give them, and checked
by the same contract code (metrics.returns.reading.text_table and admin.reference.check_reference_table); nothing
is saved unless every row passes. Rows are numbered as the editor numbers them, from 1.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics.admin import reference
from metrics.contract import Problem, Rejected, Sheet
from metrics.measures.registry import graded
from metrics.returns.reading import text_table
from metrics.safe_text import markdown as md
from metrics.store import settings
from ui import state

PROBLEM_COLUMNS = {
    "row": st.column_config.NumberColumn("Row", format="%d"), "column": "Column", "value": "Value",
    "problem": st.column_config.TextColumn("Problem", width="large"),
}


def _text(value) -> str | None:
    """A cell as the text a CSV would hold: ISO dates, 26000 rather than 26000.0, None for blank."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def check_edited(sheet: Sheet, frame: pd.DataFrame, title: str) -> tuple[pa.Table | None, list[Problem]]:
    """The edited rows typed and checked: (typed rows, []) or (None, every problem)."""
    rows = [[_text(v) for v in row] for row in frame[sheet.names].itertuples(index=False)]
    table, problems = text_table(sheet, sheet.names, rows, title, first_row=0)
    labels = [int(label) for label in frame.index]  # text_table numbered the rows 0, 1, ...: use the editor's
    table = table.set_column(0, "_row", pa.array([labels[i] for i in table.column("_row").to_pylist()], pa.int64()))
    typed, found = reference.check_reference_table(sheet, table, title, row_label=title)
    problems += found
    return (None, problems) if problems else (typed, [])


def _column_config(sheet: Sheet) -> dict:
    config = {"_index": st.column_config.NumberColumn("Row", format="%d", disabled=True)}
    for column in sheet.columns:
        label, required = column.name, column.required  # as the CSV headers and the problems name them
        if sheet.name == "kpi_targets" and column.name == "measure":
            options = [m.name for m in graded()]
            config[column.name] = st.column_config.SelectboxColumn(label, options=options, required=required,
                                                                   help=column.description, width="medium")
        elif column.type == "code":
            config[column.name] = st.column_config.SelectboxColumn(label, options=list(column.codes),
                                                                   required=required, help=column.description)
        elif column.type == "date":
            config[column.name] = st.column_config.DateColumn(label, format="YYYY-MM-DD", required=required,
                                                              help=column.description)
        elif column.type == "int":
            config[column.name] = st.column_config.NumberColumn(label, format="%d", step=1, min_value=0,
                                                                required=required, help=column.description)
        elif column.type == "number":
            money = column.name.endswith("_gbp")
            config[column.name] = st.column_config.NumberColumn(label, format="£%.2f" if money else None,
                                                                required=required, help=column.description)
        else:
            config[column.name] = st.column_config.TextColumn(label, required=required, help=column.description)
    return config


def show_problems(problems: list[Problem], what: str) -> None:
    st.error(f"**Not saved.** {len(problems)} problem{'s' * (len(problems) != 1)} in {what}: fix "
             f"{'them' if len(problems) != 1 else 'it'} and try again. Nothing has changed.")
    frame = pd.DataFrame([p.as_dict() for p in problems])
    st.dataframe(frame, column_order=list(PROBLEM_COLUMNS), column_config=PROBLEM_COLUMNS, hide_index=True,
                 width="stretch")


def _round(sheet: Sheet) -> int:
    return st.session_state.get(f"settings_round_{sheet.name}", 0)


def saved(sheet: Sheet, typed: pa.Table, source: str) -> None:
    """Replace the table, then start the editor and the importer afresh on the saved rows."""
    with state.writing():
        count = reference.replace_table(state.con(), sheet, typed, state.user_name(), source)
    st.session_state[f"settings_round_{sheet.name}"] = _round(sheet) + 1
    warning = reference.spend_without_grant(state.con())
    st.session_state["settings_done"] = (f"Saved {sheet.name}: {count} row{'s' * (count != 1)} ({md(source)})."
                                         + (f" Warning: {warning}." if warning else ""))
    st.rerun()


def table_editor(sheet: Sheet, title: str, noun: str) -> None:
    """The table in an editor with a Save button, then CSV import and export."""
    frame = state.ask(settings.table_frame, sheet)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    edited = st.data_editor(frame, num_rows="dynamic", key=f"edit-{sheet.name}-{_round(sheet)}", width="stretch",
                            column_config=_column_config(sheet), hide_index=False)
    if st.button(f"Save {noun}", key=f"save-{sheet.name}", type="primary"):
        typed, problems = check_edited(sheet, edited, title)
        if problems:
            show_problems(problems, f"the {noun} table")
        else:
            saved(sheet, typed, "edited on the Settings page")
    left, right = st.columns(2)
    with left:
        upload = st.file_uploader(f"Replace with a CSV file ({sheet.name}.csv)", type=["csv"],
                                  key=f"csv-{sheet.name}-{_round(sheet)}", max_upload_size=1,
                                  help="Headers: " + ", ".join(sheet.names) + ". ISO dates, amounts in pounds.")
        if upload is not None:
            try:
                typed = reference.read_uploaded(sheet, upload.getvalue(), upload.name)
            except Rejected as exc:
                show_problems(exc.problems, md(upload.name))
                audited = st.session_state.setdefault("settings_files_rejected", set())
                if upload.file_id not in audited:  # once a file, not on every rerun that still holds it
                    audited.add(upload.file_id)
                    reference.audit_rejection(state.con(), state.user_name(), exc.problems)
            else:
                if st.button(f"Replace the {noun} with {md(upload.name)} ({typed.num_rows} rows)",
                             key=f"import-{sheet.name}", type="primary"):
                    saved(sheet, typed, f"imported from {upload.name}")
    with right:
        st.download_button(f"Export {sheet.name}.csv",
                           data=state.audited(f"{sheet.name}.csv", state.later(reference.to_csv, sheet)),
                           file_name=f"{sheet.name}.csv", mime="text/csv", on_click="ignore",
                           icon=":material/download:", key=f"export-{sheet.name}")
