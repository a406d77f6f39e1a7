"""The end-of-grant evaluation of the sample year: its headings and figures (pdftotext), the command, and
the Summary download for internal audiences only."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from metrics import cli
from metrics.admin import setup
from metrics.pack import evaluation
from metrics.periods import Period
from tests.conftest import ROOT

GRANT = "Pilot 2018-19"


def _text(pdf: bytes) -> str:
    """The PDF's words in drawing order, on one line."""
    raw = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return " ".join(raw.decode().split())


@pytest.fixture(scope="module")
def paper(sample_db_file):
    """The evaluation of the pilot grant, prepared on the day of the July 2019 meeting."""
    con = setup.open_database(sample_db_file)
    try:
        pdf = evaluation.build(con, GRANT, today=dt.date(2019, 7, 11))
        return {"pdf": pdf, "text": _text(pdf), "grants": evaluation.grants_for(con, Period("2019-06", "2019-06"))}
    finally:
        con.close()


def test_it_reads_as_a_decision_paper_in_this_order(paper):
    text = paper["text"]
    headings = ["End-of-grant evaluation: Pilot 2018-19", "The decision", "The evidence in brief",
                "Purpose 1: Building processes to identify and support victims, through partnerships and direct "
                "delivery",
                "Purpose 2: Supporting individual victims and others affected",
                "Purpose 3: Making sure victims' voices inform service and policy development",
                "Purpose 4: Complementing the National Referral Mechanism: serving those outside its threshold",
                "Purpose 5: Ad-hoc advice and support to the Gwent Anti-Slavery Group",
                "Outcomes over the whole grant", "Spend against budget and value for money", "Data quality",
                "The actions' history"]
    after_contents = text.find("The actions' history") + 1  # the cover's contents list ends with it
    places = [text.find(h, after_contents if i > 2 else 0) for i, h in enumerate(headings)]
    assert -1 not in places, dict(zip(headings, places))
    assert places == sorted(places)


def test_its_figures_over_the_whole_grant(paper):
    text = paper["text"]
    # Worked out from the sample returns (the same figures as `report --from 2018-06 --to 2019-06`).
    assert ("Over the grant (13 June 2018 to 13 June 2019) the service received 107 referrals and supported 102 "
            "victims; 37% of those supported were outside the NRM, the gap the post was created to fill.") in text
    assert ("Spend was £34,073 against a budget of £34,000; the estimated public-money saving is £114,144 (actual "
            "spend × 3.35; source: Thames Valley PCC") in text
    assert "Timely first contact 78% 90% Red 83 of 107 referrals (78%) were contacted within 2 working days" in text
    assert ("Outcome: feels safer 80% 80% Green 56 of 70 closed cases (80%) felt safer; target 80% or more: green"
            in text)
    assert "Total £34,000 £34,000 £34,073 £72.77 0.2% £34,073 £72.77" in text
    assert "13 of 13 monthly returns are loaded" in text


def test_its_evidence_carries_commentary_voices_and_actions(paper):
    text = paper["text"]
    voices = text.rpartition("Purpose 3:")[2].partition("Purpose 4:")[0]
    assert "Victims' voices (shared with consent)" in voices
    assert "Action 7 (open): Bring a case study to the next meeting" in voices
    assert ("11 actions were raised at the meetings of the grant: 6 done, 1 dropped and 4 still open, 1 of them "
            "overdue.") in text
    history = text.rpartition("The actions' history")[2]
    assert "8 Set out the options for continuing the post after June 2019 Jan 2019 to Mar 2019 Overdue" in history
    assert "The provider's commentary" in text.rpartition("Purpose 1:")[2].partition("Purpose 2:")[0]


def test_the_command_and_a_grant_that_is_not_there(sample_db, tmp_path, capsys):
    out = tmp_path / "evaluation.pdf"
    assert cli.run(["pack", "--evaluation", "--grant", GRANT, "--out", str(out), "--db", str(sample_db)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert capsys.readouterr().out == f"Wrote the end-of-grant evaluation of {GRANT} to {out}\n"
    assert cli.run(["pack", "--evaluation", "--grant", "Extension", "--out", str(out), "--db", str(sample_db)]) == 1
    assert capsys.readouterr().err == "Error: no grant 'Extension' in the budget: use one of Pilot 2018-19\n"
    with pytest.raises(SystemExit) as usage:
        cli.run(["pack", "--evaluation", "--grant", GRANT, "--audience", "partnership", "--out", str(out)])
    assert usage.value.code == 2


def test_summary_offers_it_to_internal_audiences_only(demo_env, paper):
    assert paper["grants"] == [GRANT]
    labels = {}
    for role in ("commissioner", "partnership"):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        at.session_state["kept_role"] = role
        at.run()
        assert not at.exception, at.exception
        labels[role] = [b.label for b in at.get("download_button")]
    assert "End-of-grant evaluation: Pilot 2018-19 (PDF)" in labels["commissioner"]
    assert not [label for label in labels["partnership"] if "evaluation" in label]
