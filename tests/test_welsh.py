"""Cymraeg (issue 19): complete catalogues in step with the code, Welsh formats and plural forms, and every
page for every role, the pack, the template and the command line in Welsh."""

from __future__ import annotations

import datetime as dt
import io
import re
import string

import openpyxl
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from metrics import i18n
from metrics.admin import access
from metrics.measures import formatting
from metrics.periods import Period
from tests.conftest import ROOT
from ui.navigation import PAGE_FILES


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def marked() -> dict[tuple[str | None, str], tuple]:
    """Every message marked in the code, as Babel extracts it (babel.cfg): (context, msgid) -> ids."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS):
        ids = message if isinstance(message, tuple) else (message,)
        found[(context, ids[0])] = ids
    return found


def _catalogue(code: str):
    with i18n.catalogue_path(code).open("rb") as source:
        return read_po(source, locale=code)


def test_the_code_marks_the_text_of_every_layer(marked):
    # Not a handful of strings: the pages, the checks, the registry, the pack and the command line.
    assert len(marked) > 800
    texts = {ids[0] for ids in marked.values()}
    for sample in ("Summary", "Advocate KPIs", "Upload returns", "{n} day", "n/a", "{first} to {last}"):
        assert sample in texts


def test_every_message_has_a_confirmed_welsh_translation(marked):
    welsh = _catalogue("cy")
    missing, fuzzy, broken = [], [], []
    for (context, msgid), ids in sorted(marked.items(), key=lambda item: item[0][1]):
        entry = welsh.get(msgid, context)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or not all(s.strip() for s in strings) or len(strings) != (5 if len(ids) > 1 else 1):
            missing.append(msgid)
        elif entry.fuzzy:
            fuzzy.append(msgid)
        elif any(_placeholders(s) != _placeholders(ids[-1 if i else 0]) for i, s in enumerate(strings)):
            broken.append(msgid)
    assert not missing, f"{len(missing)} messages have no Welsh: {missing[:15]}"
    assert not fuzzy, f"{len(fuzzy)} Welsh translations are marked fuzzy: {fuzzy[:15]}"
    assert not broken, f"{len(broken)} Welsh translations change the placeholders: {broken[:15]}"


def test_the_english_catalogue_lists_the_same_messages_for_review(marked):
    english = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _catalogue("en") if m.id}
    assert english == set(marked), (sorted(set(marked) - english)[:10], sorted(english - set(marked))[:10])


def test_the_welsh_catalogue_holds_nothing_the_code_no_longer_marks(marked):
    welsh = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _catalogue("cy") if m.id}
    assert welsh - set(marked) == set()


def test_welsh_dates_months_and_periods():
    day = dt.date(2019, 6, 13)
    with i18n.use("cy"):
        assert formatting.text("date", day) == "13 Mehefin 2019"
        assert formatting.text("month", "2019-06") == "Meh 2019"
        assert Period("2019-01", "2019-03").label == "Ion 2019 i Maw 2019"
        assert formatting.month_list(["2019-01", "2019-02", "2019-03"]) == "Ion 2019, Chwef 2019 a Maw 2019"
        assert formatting.text("money", 34000) == "£34,000"
        assert formatting.text("percent", 0.9) == "90%"
        assert formatting.text("whole", None) == "amh."
    assert formatting.text("date", day) == "13 Jun 2019"
    assert Period("2019-01", "2019-03").label == "Jan 2019 to Mar 2019"


@pytest.mark.parametrize(("count", "welsh", "english"), [
    (0, "0 diwrnod", "0 days"), (1, "1 diwrnod", "1 day"), (2, "2 ddiwrnod", "2 days"),
    (3, "3 diwrnod", "3 days"), (6, "6 diwrnod", "6 days"), (11, "11 diwrnod", "11 days"),
    (2.5, "2.5 diwrnod", "2.5 days")])
def test_welsh_plural_forms_of_days(count, welsh, english):
    # Welsh has five gettext forms here (Babel's cy): 'dau' softens the noun after it, 2 ddiwrnod.
    with i18n.use("cy"):
        assert formatting.text("days", count) == welsh
    assert formatting.text("days", count) == english


def test_the_language_follows_the_setting_and_refuses_others(monkeypatch):
    monkeypatch.setenv("DASHBOARD_LANGUAGE", "cy")
    assert i18n.language() == "cy"
    monkeypatch.setenv("DASHBOARD_LANGUAGE", "fr")
    assert i18n.language() == "en"
    with pytest.raises(ValueError, match="not a language"):
        i18n.set_language("fr")
    assert i18n.from_locale("cy-GB") == "cy" and i18n.from_locale("en-US") == "en" and i18n.from_locale("fr") is None


# --- every page for every role, in Welsh ---------------------------------------------------------------

# Text that people typed, which stays as they typed it: the sample actions' owner.
_TYPED = {"Connect Gwent manager"}


def _english_left(marked) -> list[tuple[str, re.Pattern]]:
    """The English messages whose Welsh differs, as patterns of their words (placeholders match anything),
    long enough that finding one on a Welsh page means an untranslated message."""
    welsh = _catalogue("cy")
    patterns = []
    for (context, msgid), _ids in marked.items():
        entry = welsh.get(msgid, context)
        translated = entry.string[0] if entry and isinstance(entry.string, tuple) else (entry.string if entry else "")
        words = re.sub(r"\{[^}]*\}", " ", msgid).strip()
        if translated == msgid or msgid in _TYPED or len(words) < 14 or len(words.split()) < 3:
            continue
        literal = max(re.split(r"\{[^}]*\}", msgid), key=len).strip(" .,:;*_`")
        if len(literal) >= 14 and len(literal.split()) >= 3:
            patterns.append((msgid, re.compile(re.escape(literal))))
    return patterns


def _page_text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success",
                 "button", "selectbox", "radio", "checkbox", "text_input", "metric", "expander", "tabs"):
        for element in getattr(at, kind, []):
            for attribute in ("value", "label", "body", "help"):
                value = getattr(element, attribute, None)
                if isinstance(value, str):
                    parts.append(value)
    for frame in at.dataframe:
        parts.extend(str(c) for c in frame.value.columns)
    return "\n".join(parts)


# English words that are no Welsh word: one in a heading, a label or a button is an untranslated text.
_ENGLISH_ONLY = re.compile(r"\b(the|and|of|with|from|this|that|are|not|your|which|per)\b", re.IGNORECASE)


@pytest.mark.parametrize(("role", "title"), [(r, t) for r in access.ROLES for t in PAGE_FILES
                                             if access.allowed(r, t)])
def test_every_page_for_every_role_reads_in_welsh(demo_env, marked, monkeypatch, role, title):
    # Welsh by the setting: AppTest formats a widget's options in the test's own thread, so that thread
    # must be in Welsh too.
    monkeypatch.setenv("DASHBOARD_LANGUAGE", "cy")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["kept_role"] = role
    at.run()
    at.switch_page(PAGE_FILES[title]).run()
    assert not at.exception, at.exception
    with i18n.use("cy"):
        assert [t.value for t in at.title][:1] == [i18n._(title)]
    text = _page_text(at)
    left = [msgid for msgid, pattern in _english_left(marked) if pattern.search(text)]
    assert not left, f"English on the Welsh {title} page: {left[:10]}"
    labels = [e.label for kind in ("button", "selectbox", "radio", "checkbox", "text_input", "expander")
              for e in getattr(at, kind, []) if getattr(e, "label", None)]
    headings = [e.value for kind in ("title", "header", "subheader") for e in getattr(at, kind, [])]
    english = [t for t in labels + headings if _ENGLISH_ONLY.search(t) and t != "Language · Iaith"]
    assert not english, f"English labels or headings on the Welsh {title} page: {english[:10]}"


def test_the_switch_turns_the_app_welsh_and_back(demo_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["kept_role"] = "commissioner"
    at.run()
    assert at.title[0].value == "Summary"
    switch = next(r for r in at.radio if r.label == "Language · Iaith")
    assert switch.options == ["English", "Cymraeg"]
    switch.set_value("cy").run()
    assert at.title[0].value == "Crynodeb"
    with i18n.use("cy"):  # AppTest formats the Welsh widgets' options in this thread
        next(r for r in at.radio if r.label == "Language · Iaith").set_value("en").run()
    assert at.title[0].value == "Summary"


# --- the pack, the template and the command line -------------------------------------------------------

def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_the_welsh_pack_pdf_has_the_translated_headings(sample_db_file, tmp_path):
    from metrics.admin import setup
    from metrics.pack import contents

    con = setup.open_database(sample_db_file)
    try:
        welsh = contents.write(con, Period("2019-04", "2019-06"), tmp_path / "pecyn.pdf", languages=("cy",))
        both = contents.write(con, Period("2019-04", "2019-06"), tmp_path / "both.pdf", languages=("en", "cy"))
    finally:
        con.close()
    text = _pdf_text(welsh)
    with i18n.use("cy"):
        for heading in ("Summary", "Spend vs budget"):
            assert i18n._(heading) in text
    assert "SWYDDOGOL-SENSITIF" in text
    assert "Ebr 2019 i Meh 2019" in text
    assert "Apr 2019 to Jun 2019" not in text
    bilingual = _pdf_text(both)
    assert "Apr 2019 to Jun 2019" in bilingual and "Ebr 2019 i Meh 2019" in bilingual


def test_the_welsh_pack_workbook(sample_db_file, tmp_path):
    from metrics.admin import setup
    from metrics.pack import contents

    con = setup.open_database(sample_db_file)
    try:
        path = contents.write(con, Period("2019-04", "2019-06"), tmp_path / "pecyn.xlsx", languages=("cy",))
    finally:
        con.close()
    book = openpyxl.load_workbook(path)
    cells = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "Ebr 2019 i Meh 2019" in cells
    assert "SWYDDOGOL-SENSITIF" in cells
    assert "Apr 2019 to Jun 2019" not in cells


def test_the_template_notes_are_in_both_languages(tmp_path):
    from metrics.returns.template import build_template

    book = openpyxl.load_workbook(io.BytesIO(build_template("2019-03")))
    notes = " ".join(str(c.value) for row in book["Notes"].iter_rows() for c in row if c.value)
    with i18n.use("cy"):
        assert i18n._("Declined support") in notes or "Gwrthod" in notes or "gwrthod" in notes
    assert "Declined support" in notes
    # the headers stay the contract's keys, so that the checks match them
    assert [c.value for c in book["Cases"][1]][:2] == ["case_id", "referral_date"] or book["Cases"]["A1"].value


def test_the_command_line_speaks_welsh(sample_db_file, tmp_path):
    import subprocess
    import sys

    command = [sys.executable, "-m", "metrics", "report", "--db", str(sample_db_file), "--from", "2019-04",
               "--to", "2019-06"]
    english = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    welsh = subprocess.run([*command, "--lang", "cy"], capture_output=True, text=True, cwd=ROOT)
    assert english.returncode == welsh.returncode == 0, welsh.stderr
    assert "Referrals received" in english.stdout
    with i18n.use("cy"):
        assert i18n._("Referrals received") in welsh.stdout
    assert "Referrals received" not in welsh.stdout and "Victims supported" not in welsh.stdout


def test_the_written_out_measure_texts_say_what_the_contract_says():
    from metrics.measures import wording

    wording.check()  # raises on a changed wording
    assert wording.OUTCOME_TEXTS["safer"][0] == "Outcome: feels safer"
