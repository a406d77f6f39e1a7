"""The Voices sheet after its cells are checked: its case references against the Cases sheet, consent, and
the text that may identify someone (identifying.py), which the manager checks before it loads."""

from __future__ import annotations

from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from metrics.contract import VOICES, Problem
from metrics.i18n import _, ngettext
from metrics.returns.identifying import findings

CHECKED_COLUMNS = ("theme", "quote_or_summary")


class JudgedVoices(NamedTuple):
    """The consented voices to load, the problems of the sheet, a note on those not loaded, and what to check."""

    consented: pa.Table
    problems: list[Problem]
    notes: list[Problem]
    identifying: list[Problem]


def judge(voices: pa.Table, cases: pa.Table | None, file: str) -> JudgedVoices:
    """Check each voice's case_ref is a case of this return, keep the consented ones and list what may identify."""
    refs = [] if cases is None else [r for r in cases.column("case_ref").to_pylist() if r]
    known = {r.upper() for r in refs}
    problems, identifying = [], []
    rows = voices.to_pylist()
    for row in rows:
        ref = row["case_ref"]
        if cases is not None and ref is not None and ref.upper() not in known:
            problems.append(Problem(file, VOICES.name, row["_row"], "case_ref", ref,
                                    _("is not a case in this return's Cases sheet")))
        if row["consent_to_share"] != "Yes":
            continue
        others = tuple(r for r in refs if ref is None or r.upper() != ref.upper())
        for column in CHECKED_COLUMNS:
            for found in findings(row[column], others):
                identifying.append(Problem(file, VOICES.name, row["_row"], column, found.text,
                                           _("{finding}: check that it identifies no one, or edit the workbook "
                                             "and upload it again").format(finding=found.message)))
    consented = voices.filter(pc.equal(voices.column("consent_to_share"), "Yes"))
    withheld = len(rows) - consented.num_rows
    notes = [Problem.whole(file, VOICES.name, ngettext(
        "{n} voice without consent to share is not loaded", "{n} voices without consent to share are not loaded",
        withheld).format(n=withheld))] if withheld else []
    return JudgedVoices(consented, problems, notes, identifying)
