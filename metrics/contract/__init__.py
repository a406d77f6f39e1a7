"""The data contract of the monthly return and of the reference data, written once.

The Excel template, the checks of uploads and CSVs, and the DuckDB tables are all derived from
these definitions; no other module lists columns or codes. This is the bottom layer: it imports
nothing from the rest of `metrics`, and every other layer may import it.
"""

from metrics.contract.columns import Column, Sheet, header_key
from metrics.contract.problems import Problem, Rejected
from metrics.contract.sheets import (
    ABOUT,
    ACTIVITY,
    ACTIVITY_MEASURES,
    BANK_HOLIDAYS,
    BUDGET,
    CASE_REF_PATTERN,
    CASES,
    COMMENTARY,
    COMMENTARY_TOPICS,
    DEFAULT_COST_BENEFIT_RATIO,
    DEFAULT_COST_BENEFIT_SOURCE,
    EARLIEST_DATE,
    KPI_TARGETS,
    MAX_COMMENTARY_CHARACTERS,
    MAX_DATA_ROWS,
    MAX_UPLOAD_BYTES,
    NRM_REFERRALS,
    OUTCOME_AREAS,
    OUTCOME_CODES,
    REFERENCE_SHEETS,
    RETURN_SHEETS,
    SPEND,
    VOICES,
    YES_NO,
)
from metrics.contract.texts import code_meanings, code_text, column_help, help_text, sheet_help

__all__ = [
    "ABOUT", "ACTIVITY", "ACTIVITY_MEASURES", "BANK_HOLIDAYS", "BUDGET", "CASE_REF_PATTERN", "CASES", "COMMENTARY",
    "COMMENTARY_TOPICS", "Column", "DEFAULT_COST_BENEFIT_RATIO", "DEFAULT_COST_BENEFIT_SOURCE", "EARLIEST_DATE",
    "KPI_TARGETS", "MAX_COMMENTARY_CHARACTERS", "MAX_DATA_ROWS", "MAX_UPLOAD_BYTES", "NRM_REFERRALS", "OUTCOME_AREAS",
    "OUTCOME_CODES", "Problem", "REFERENCE_SHEETS", "Rejected", "RETURN_SHEETS", "SPEND", "Sheet", "VOICES", "YES_NO",
    "code_meanings", "code_text", "column_help", "header_key", "help_text", "sheet_help",
]
