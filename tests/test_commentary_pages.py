"""The commentary and the voices on the pages (issue 18): beside the measures for the manager and the commissioner,
never for the partnership (nor in its publication), and a voice that may identify someone loaded only once checked."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from metrics.cli import run
from metrics.contract import ACTIVITY_MEASURES
from sample_data import narrative
from sample_data.generate import SERVICE, workbook_bytes
from tests.test_pages import app_as
from tests.test_upload_page import XLSX, case, open_page, paths, signed_in_manager  # noqa: F401 (a fixture)

D = dt.date
# Words of the sample's voices and of its commentary that no figure, label or heading uses.
VOICE_WORDS = ("judge me", "even at night", "about the house", "Job Centre", "afraid when someone knocks")
COMMENTARY_WORDS = ("pilot year closes", "partnership meetings attended", "Continuation after the pilot")


def _texts(at) -> str:
    """Every text the page holds, as its elements' messages."""
    out = []

    def walk(node):
        if getattr(node, "proto", None) is not None:
            out.append(str(node.proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


@pytest.fixture(scope="module")
def summary_pages(demo_env):
    """The Summary and Advocate KPIs pages of the demo (June 2019), as the manager and as the commissioner."""
    pages = {}
    for role in ("manager", "commissioner"):
        at = app_as(role)
        for page in ("summary", "kpis"):
            at.switch_page(f"pages/{page}.py")
            at.run()
            assert not at.exception
            pages[role, page] = [m.value for m in at.markdown], [h.value for h in (*at.header, *at.subheader)]
    return pages


@pytest.mark.parametrize("role", ["manager", "commissioner"])
def test_summary_shows_the_months_commentary_beside_its_measure_and_the_voices(summary_pages, role):
    markdown, headings = summary_pages[role, "summary"]
    assert [h for h in headings if h in ("The provider's commentary", "Victims' voices")] == [
        "The provider's commentary", "Victims' voices"]
    topics = [m for m in markdown if m.startswith('<h3 class="commentary-topic">')]
    assert [t.split("</h3>")[0].removeprefix('<h3 class="commentary-topic">') for t in topics] == [
        "Overall", "Risks and issues", "Partnership work"]
    [referrals] = [m for m in markdown if 'card-label">Referrals received<' in m]
    assert ('<div class="provider-commentary"><strong>Provider\'s commentary</strong><p class="commentary">'
            '<span class="commentary-month">June 2019:</span> 5 new referrals this month; 3 came from the police, as '
            'many as from any other source&#46;</p></div>') in referrals
    assert ('<h3 class="commentary-topic">Risks and issues</h3><p class="commentary"><span class="commentary-month">'
            'June 2019:</span> Continuation after the pilot is not yet decided&#58; the post&#45;holder\'s contract '
            'ends with the grant&#46;</p>') in markdown
    assert ('<blockquote class="voice"><p>The Job Centre finally listened when my advocate came with me&#46;</p>'
            '<footer>Work and money · June 2019</footer></blockquote>') in markdown
    assert not [m for m in markdown if "afraid when someone knocks" in m]  # April's: not of June


@pytest.mark.parametrize("role", ["manager", "commissioner"])
def test_advocate_kpis_show_a_measures_commentary_under_its_name(summary_pages, role):
    markdown, _ = summary_pages[role, "kpis"]
    [table] = [m for m in markdown if "table class=\"figures kpis\"" in m]
    assert ('<th scope="row">Outcome: feels safer<div class="kpi-reading">4 of 5 closed cases (80%) felt safer; '
            'target 80% or more: green</div><div class="provider-commentary"><strong>Provider\'s commentary</strong>'
            '<p class="commentary"><span class="commentary-month">June 2019:</span> Over the pilot year four in '
            'five victims whose case closed said they felt safer; the feedback is collected at the closing '
            'visit&#46;</p></div></th>') in table


def test_the_partnership_sees_no_voice_and_no_commentary_on_any_of_its_pages(demo_env):
    at = app_as("partnership")
    for page in ("summary", "trends", "demand"):
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception
        text = _texts(at)
        assert [w for w in VOICE_WORDS + COMMENTARY_WORDS if w in text] == [], page
        assert "<strong>Provider" not in text and "<blockquote" not in text
        assert not {"The provider's commentary", "Victims' voices"} & {h.value for h in (*at.header, *at.subheader)}


def test_the_publication_and_its_figures_csv_hold_no_voice(sample_db_file, tmp_path, capsys):
    assert run(["publish", "--out", str(tmp_path), "--db", str(sample_db_file)]) == 0
    printed = capsys.readouterr()
    written = " ".join(p.read_text(encoding="utf-8") for p in sorted(tmp_path.iterdir()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "figures.csv"]
    said = printed.out + printed.err + written
    assert [w for w in VOICE_WORDS + COMMENTARY_WORDS if w in said] == []
    # ... though the sample database holds them (so that the test could fail).
    with duckdb.connect(str(sample_db_file), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM raw_voices").fetchall()[0][0]
    assert stored == len([v for v in narrative.VOICES if v[3] == "Yes"]) == 4


FLAGGED = "The Job Centre finally listened."


def _with_voices() -> bytes:
    about = {"service": SERVICE, "reporting_month": "2019-03", "prepared_by": "Test", "submitted_on": D(2019, 4, 5)}
    return workbook_bytes({
        "about": about, "cases": [case("R-1", D(2019, 3, 4), first_contact_date=D(2019, 3, 5))],
        "activity": {name: 2 for name, _ in ACTIVITY_MEASURES},
        "spend": [{"budget_line": "Salary", "detail": "Advocate salary", "amount_gbp": 2166.67}],
        "commentary": [{"topic": "Overall", "text": "A quiet month."}],
        "voices": [{"theme": "Work", "quote_or_summary": FLAGGED, "consent_to_share": "Yes", "case_ref": "R-1"},
                   {"theme": "Home", "quote_or_summary": "Kept private.", "consent_to_share": "No"}],
    })


def test_the_preview_lists_a_voice_that_may_identify_and_loads_only_once_it_is_checked(paths):  # noqa: F811
    _, real = paths
    at = open_page("pages/upload.py", signed_in_manager(real))
    at.file_uploader[0].set_value(("2019-03.xlsx", _with_voices(), XLSX)).run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning if "voices" in w.value] == [
        "**Check these voices before you confirm**: they may identify someone. If one does, edit it in the workbook "
        "and upload it again."]
    notes, checks = (d.value for d in at.dataframe if "problem" in d.value.columns)
    assert notes[["sheet", "row", "problem"]].to_dict("records") == [
        {"sheet": "Voices", "row": None, "problem": "1 voice without consent to share is not loaded"}]
    assert checks[["sheet", "row", "column", "value"]].to_dict("records") == [
        {"sheet": "Voices", "row": 2, "column": "quote_or_summary", "value": "Job Centre"}]
    assert "1 commentary topic and 1 voice with consent to share" in " ".join(m.value for m in at.markdown)
    [confirm] = [b for b in at.button if b.label.startswith("Confirm")]
    assert confirm.disabled
    [tick] = at.checkbox
    assert tick.label == "I have checked the voices above: they identify no one"
    assert "Nothing has been uploaded yet." in [c.value for c in at.caption]
    tick.check().run()
    [confirm] = [b for b in at.button if b.label.startswith("Confirm")]
    assert not confirm.disabled
    confirm.click().run()
    assert not at.exception
    assert [s.value for s in at.success][0] == "Loaded 2019-03 from 2019\\-03\\.xlsx as upload 1."
    at = open_page("pages/summary.py", at)
    markdown = " ".join(m.value for m in at.markdown)
    assert "The Job Centre finally listened&#46;" in markdown and "Kept private" not in markdown
