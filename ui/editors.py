"""Settings editors: each reference table in a data editor, checked exactly like an upload before saving.

The edited table is turned back into text cells, as a CSV or a workbook would give them, and checked
by the same contract code (metrics.returns.reading.text_table and admin.reference.check_reference_table); nothing
is saved unless every row passes. Rows are numbered as the editor numbers them, from 1. Columns are headed
in words ('Amount (£)', not amount_gbp), and a percentage target is typed as a percentage (80 for 80%, as
every page shows it), stored as the fraction the CSV file and the report hold (0.8).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics.admin import reference
from metrics.contract import Problem, Rejected, Sheet
from metrics.i18n import N_, _, ngettext
from metrics.measures.registry import MEASURES, graded
from metrics.returns.reading import text_table
from metrics.safe_text import markdown as md
from metrics.store import settings
from ui import components, state

PROBLEM_COLUMNS = {"row": N_("Row"), "column": N_("Column"), "value": N_("Value"), "problem": N_("Problem")}  # N_


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


PERCENT_COLUMNS = ("target", "amber_band")  # of kpi_targets: for a rate measure, typed as percentages
UNIT_SHOWN = {"rate": N_("% (points for the band)"), "days": N_("days"), "gbp": "£", "count": N_("people")}  # N_


# Every reference column's heading as label() makes it, marked here for translation (label translates it).
COLUMN_HEADINGS = (N_("Amber band"), N_("Amount (£)"), N_("Area"), N_("Better"), N_("Budget line"), N_("Date"),
                   N_("End date"), N_("Grant"), N_("Measure"), N_("Name"), N_("Period end"), N_("Period start"),
                   N_("Referrals"), N_("Start date"), N_("Target"))


def label(name: str) -> str:
    """A column's name in words: amount_gbp -> 'Amount (£)', start_date -> 'Start date' (in Welsh, the
    heading's translation: its English words are the msgid)."""
    return _(name.replace("_gbp", " (£)").replace("_", " ").capitalize())


def _percentages(sheet: Sheet, frame: pd.DataFrame, factor: float) -> pd.DataFrame:
    """The KPI targets with a rate measure's target and amber band scaled by `factor` (100: to percentages)."""
    if sheet.name != "kpi_targets" or frame.empty:
        return frame
    out = frame.copy()
    rates = out["measure"].map(lambda name: name in MEASURES and MEASURES[name].unit == "rate").astype(bool)
    for column in PERCENT_COLUMNS:
        values = pd.to_numeric(out[column], errors="coerce")
        out[column] = values.where(~rates, (values * factor).round(9))
    if factor > 1:  # the unit beside the figures, so that 80 reads as 80% and 2 as 2 days
        out.insert(2, "unit", out["measure"].map(lambda name: _(UNIT_SHOWN.get(MEASURES[name].unit, ""))
                                                 if name in MEASURES else ""))
    return out


def as_percentages(sheet: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    return _percentages(sheet, frame, 100)


def as_fractions(sheet: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    return _percentages(sheet, frame, 0.01)


def as_typed(sheet: Sheet, problems: list[Problem], edited: pd.DataFrame) -> list[Problem]:
    """Problems naming a percentage as it was typed (-10, not the -0.1 it was checked as)."""
    if sheet.name != "kpi_targets":
        return problems
    out = []
    for p in problems:
        if p.column in PERCENT_COLUMNS and p.row in edited.index:
            p = dataclasses.replace(p, value=_text(edited.at[p.row, p.column]) or "")
        out.append(p)
    return out


def _column_config(sheet: Sheet) -> dict:
    config = {"_index": st.column_config.NumberColumn(_("Row"), format="%d", disabled=True),
              "unit": st.column_config.TextColumn(_("Unit"), disabled=True,
                                                  help=_("Worked out from the measure when saved"))}
    for column in sheet.columns:
        heading, required = label(column.name), column.required
        if sheet.name == "kpi_targets" and column.name == "measure":
            options = [m.name for m in graded()]
            config[column.name] = st.column_config.SelectboxColumn(
                heading, options=options, required=required, help=_(column.description), width="large",
                format_func=lambda name: _(MEASURES[name].label) if name in MEASURES else name)
        elif sheet.name == "kpi_targets" and column.name in PERCENT_COLUMNS:
            config[column.name] = st.column_config.NumberColumn(
                heading, required=required, format="%g",
                help=_("{description}: a percentage for a percentage measure (80 for 80%), else days").format(
                    description=_(column.description)))
        elif column.type == "code":
            config[column.name] = st.column_config.SelectboxColumn(heading, options=list(column.codes),
                                                                   required=required, help=_(column.description))
        elif column.type == "date":
            config[column.name] = st.column_config.DateColumn(heading, format="YYYY-MM-DD", required=required,
                                                              help=_(column.description))
        elif column.type == "int":
            config[column.name] = st.column_config.NumberColumn(heading, format="%d", step=1, min_value=0,
                                                                required=required, help=_(column.description))
        elif column.type == "number":
            money = column.name.endswith("_gbp")
            config[column.name] = st.column_config.NumberColumn(heading, format="£%,.2f" if money else None,
                                                                required=required, help=_(column.description))
        else:
            config[column.name] = st.column_config.TextColumn(heading, required=required, help=_(column.description))
    return config


def show_problems(problems: list[Problem], what: str, in_words: bool = False) -> None:
    """Every problem in a table; `in_words` names columns as the editor heads them (a CSV's by its headers)."""
    count = len(problems)
    st.error(ngettext("**Not saved.** {n} problem in {what}: fix it and try again. Nothing has changed.",
                      "**Not saved.** {n} problems in {what}: fix them and try again. Nothing has changed.",
                      count).format(n=count, what=what))
    frame = pd.DataFrame([p.as_dict() for p in problems])[list(PROBLEM_COLUMNS)]
    if in_words:
        frame["column"] = frame["column"].map(lambda name: label(name) if isinstance(name, str) and name else name)
    headings = [_(heading) for heading in PROBLEM_COLUMNS.values()]
    components.table(components.as_text(frame, {"row": "number"}).set_axis(headings, axis=1),
                     _("Every problem found"), numeric=(headings[0],), row_headers=False)


def _round(sheet: Sheet) -> int:
    return st.session_state.get(f"settings_round_{sheet.name}", 0)


def saved(sheet: Sheet, typed: pa.Table, source: str, shown: str | None = None) -> None:
    """Replace the table, then start the editor and the importer afresh on the saved rows. `source` goes to the
    audit log in English; `shown` is how the message names it (default: `source` translated)."""
    with state.writing():
        count = reference.replace_table(state.con(), sheet, typed, state.user_name(), source)
    st.session_state[f"settings_round_{sheet.name}"] = _round(sheet) + 1
    warning = reference.spend_without_grant(state.con())
    st.session_state["settings_done"] = (
        ngettext("Saved {sheet}: {n} row ({source}).", "Saved {sheet}: {n} rows ({source}).", count).format(
            sheet=sheet.name, n=count, source=md(shown or _(source)))
        + (" " + _("Warning: {warning}.").format(warning=warning) if warning else ""))
    st.rerun()


def table_editor(sheet: Sheet, title: str, noun: str) -> None:
    """The table in an editor with a Save button, then CSV import and export."""
    frame = as_percentages(sheet, state.ask(settings.table_frame, sheet)).copy()  # the cached frame stays as it is
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    edited = st.data_editor(frame, num_rows="dynamic", key=f"edit-{sheet.name}-{_round(sheet)}", width="stretch",
                            column_config=_column_config(sheet), hide_index=False)
    if st.button(_("Save {noun}").format(noun=_(noun)), key=f"save-{sheet.name}", type="primary"):
        typed, problems = check_edited(sheet, as_fractions(sheet, edited), title)
        if problems:
            problems = as_typed(sheet, problems, edited)
            show_problems(problems, _("the {noun} table").format(noun=_(noun)), in_words=True)
        else:
            saved(sheet, typed, N_("edited on the Settings page"))
    left, right = st.columns(2)
    with left:
        upload = st.file_uploader(_("Replace with a CSV file ({file})").format(file=f"{sheet.name}.csv"), type=["csv"],
                                  key=f"csv-{sheet.name}-{_round(sheet)}", max_upload_size=1,
                                  help=_("Headers: {headers}. ISO dates, amounts in pounds.").format(
                                      headers=", ".join(sheet.names)))
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
                if st.button(ngettext("Replace the {noun} with {file} ({n} row)",
                                      "Replace the {noun} with {file} ({n} rows)", typed.num_rows).format(
                                          noun=_(noun), file=md(upload.name), n=typed.num_rows),
                             key=f"import-{sheet.name}", type="primary"):
                    saved(sheet, typed, f"imported from {upload.name}",
                          _("imported from {file}").format(file=upload.name))
    with right:
        st.download_button(_("Export {file}").format(file=f"{sheet.name}.csv"),
                           data=state.audited(f"{sheet.name}.csv", state.later(reference.to_csv, sheet)),
                           file_name=f"{sheet.name}.csv", mime="text/csv", on_click="ignore",
                           icon=":material/download:", key=f"export-{sheet.name}")
