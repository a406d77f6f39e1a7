"""The Commentary and Voices sheets (issue 18): checked like every sheet, stored per upload, asked for by period."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics.admin import setup
from metrics.answers import commentary as answers
from metrics.contract import Rejected
from metrics.periods import Period
from metrics.returns import ingest
from metrics.store import loading
from tests import workbooks

MARCH, APRIL = dt.date(2019, 3, 1), dt.date(2019, 4, 1)


def with_sheets(month="2019-03", commentary=None, voices=None) -> dict:
    data = workbooks.valid_return(month)
    if commentary is not None:
        data["commentary"] = commentary
    if voices is not None:
        data["voices"] = voices
    return data


def problems_of(data: dict) -> list[str]:
    with pytest.raises(Rejected) as caught:
        ingest.check_return(workbooks.xlsx(data), "march.xlsx")
    return [str(p) for p in caught.value.problems]


def test_a_return_without_the_optional_sheets_still_loads_and_has_none():
    checked = ingest.check_return(workbooks.xlsx(workbooks.valid_return()), "march.xlsx")
    assert (checked.commentary, checked.voices, checked.identifying) == (None, None, [])


def test_every_problem_of_the_two_sheets_is_named_at_once():
    case = workbooks.valid_return()["cases"][0]["case_ref"]
    data = with_sheets(
        commentary=[{"topic": "Overall", "text": "Fine."}, {"topic": "Weather", "text": "Wet."},
                    {"topic": "overall", "text": "Again."}, {"topic": "closures", "text": "x" * 2001}],
        voices=[{"theme": "Housing", "quote_or_summary": "Safe now.", "consent_to_share": "Maybe"},
                {"theme": "Work", "quote_or_summary": "Paid.", "consent_to_share": "Yes", "case_ref": "CG-9999"},
                {"theme": "Work", "quote_or_summary": "Believed.", "consent_to_share": "yes", "case_ref": case.lower()},
                ],
    )
    assert problems_of(data) == [
        "march.xlsx: Commentary row 2, column topic: 'Overall' appears more than once: write the month's "
        "commentary on a topic in one row",
        "march.xlsx: Commentary row 3, column topic: 'Weather' is not a topic: use Overall, Risks and issues, "
        "Partnership work, Victims' voices or the name of a measure (the Notes sheet lists them)",
        "march.xlsx: Commentary row 4, column topic: 'overall' appears more than once: write the month's "
        "commentary on a topic in one row",
        "march.xlsx: Commentary row 5, column text: '" + "x" * 57 + "...' is longer than 2,000 characters",
        "march.xlsx: Voices row 2, column consent_to_share: 'Maybe' is not one of: Yes, No",
        "march.xlsx: Voices row 3, column case_ref: 'CG-9999' is not a case in this return's Cases sheet",
    ]


def test_a_topic_is_read_whatever_its_case_and_stored_as_the_code():
    data = with_sheets(commentary=[{"topic": "risks AND issues", "text": "None new."},
                                   {"topic": "TIMELY_CONTACT_RATE", "text": "All contacted in time."}])
    checked = ingest.check_return(workbooks.xlsx(data), "march.xlsx")
    assert checked.commentary.select(["topic", "text"]).to_pylist() == [
        {"topic": "Risks and issues", "text": "None new."},
        {"topic": "timely_contact_rate", "text": "All contacted in time."}]


@pytest.fixture
def con(empty_db):
    """An empty database, open."""
    con = setup.open_database(empty_db)
    yield con
    con.close()


def _load(con, data, name="march.xlsx", voices_checked=False):
    return ingest.load_checked(con, ingest.check_return(workbooks.xlsx(data), name, con), "manager",
                               voices_checked)


VOICES = [
    {"theme": "Being believed", "quote_or_summary": "For the first time someone believed me.",
     "consent_to_share": "Yes"},
    {"theme": "Housing", "quote_or_summary": "Not to be shared.", "consent_to_share": "No"},
    {"theme": "Work", "quote_or_summary": "The Job Centre finally listened.", "consent_to_share": "Yes"},
]


def test_voices_with_text_to_check_load_only_once_checked_and_only_with_consent(con):
    data = with_sheets(voices=VOICES)
    before = workbooks.database_state(con)
    with pytest.raises(ingest.VoicesToCheck) as caught:
        _load(con, data)
    assert [str(p) for p in caught.value.problems] == [
        "march.xlsx: Voices row 4, column quote_or_summary: 'Job Centre' looks like a name (two capitalised words "
        "that are not a known term): check that it identifies no one, or edit the workbook and upload it again"]
    assert workbooks.database_state(con) == before
    loaded = _load(con, data, voices_checked=True)
    assert loaded["notes"] == ["march.xlsx: Voices: 1 voice without consent to share is not loaded"]
    assert answers.voices(con, Period("2019-03", "2019-03")) == [
        {"month": MARCH, "theme": "Being believed", "quote_or_summary": "For the first time someone believed me."},
        {"month": MARCH, "theme": "Work", "quote_or_summary": "The Job Centre finally listened."}]


def test_a_period_gives_its_months_commentary_latest_first_replaced_on_reupload_back_on_rollback(con):
    _load(con, with_sheets(commentary=[{"topic": "Overall", "text": "March: steady."},
                                       {"topic": "closures", "text": "Two planned closures."}]))
    _load(con, with_sheets("2019-04", commentary=[{"topic": "Overall", "text": "April: busier."}]), "april.xlsx")
    both = Period("2019-03", "2019-04")
    assert answers.commentary(con, both) == [
        {"month": APRIL, "topic": "Overall", "text": "April: busier."},
        {"month": MARCH, "topic": "Overall", "text": "March: steady."},
        {"month": MARCH, "topic": "closures", "text": "Two planned closures."}]
    _load(con, with_sheets(commentary=[{"topic": "Partnership work", "text": "March, corrected."}]), "march-v2.xlsx")
    assert answers.commentary(con, Period("2019-03", "2019-03")) == [
        {"month": MARCH, "topic": "Partnership work", "text": "March, corrected."}]
    _load(con, with_sheets(), "march-v3.xlsx")  # a re-upload with no Commentary sheet has none
    assert answers.commentary(con, Period("2019-03", "2019-03")) == []
    loading.rollback(con, "2019-03", user="manager")
    assert answers.by_topic(con, both, topics=("Partnership work",)) == {
        "Partnership work": [{"month": MARCH, "topic": "Partnership work", "text": "March, corrected."}]}
    assert answers.topic_label("closures") == "Cases closed"


def test_the_partnership_is_refused_both(con):
    _load(con, with_sheets(commentary=[{"topic": "Overall", "text": "Steady."}], voices=VOICES[:1]))
    for ask in (answers.commentary, answers.voices):
        with pytest.raises(PermissionError):
            ask(con, Period("2019-03", "2019-03"), audience="partnership")


def test_the_command_line_loads_voices_to_check_only_with_voices_checked(empty_db, tmp_path, capsys):
    from metrics.cli import run

    path = tmp_path / "march.xlsx"
    path.write_bytes(workbooks.xlsx(with_sheets(voices=VOICES)))
    assert run(["ingest", str(path), "--db", str(empty_db), "--user", "manager"]) == 1
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == (
        "Not loaded: the voices below may identify someone. Read them, edit the workbook if they do, and run ingest "
        "again with --voices-checked once they do not.\n"
        "  Check: march.xlsx: Voices row 4, column quote_or_summary: 'Job Centre' looks like a name (two capitalised "
        "words that are not a known term): check that it identifies no one, or edit the workbook and upload it again\n")
    assert run(["ingest", str(path), "--db", str(empty_db), "--user", "manager", "--voices-checked"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Loaded march.xlsx: Connect Gwent MSHT Advocate 2019-03, 3 cases, 2 spend lines (upload 1)",
        "  Note: march.xlsx: Voices: 1 voice without consent to share is not loaded"]
