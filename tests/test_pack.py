"""The scrutiny pack: PDF and Excel for the sample year, the partnership's disclosure control,
formula injection, an empty period, the command and the Summary page's buttons and presenting mode."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile

import pypdf
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from metrics import cli, safe_text
from metrics.admin import setup
from metrics.answers.report import report
from metrics.measures.registry import MEASURES
from metrics.pack import contents as pack_contents
from metrics.pack import model, pdf_layout, tables
from metrics.pack import pdf as pack_pdf
from metrics.pack import xlsx as pack_xlsx
from metrics.periods import Period
from tests.conftest import ROOT

YEAR = Period("2018-06", "2019-06")
QUARTER = Period("2019-04", "2019-06")
PEOPLE = {m.label for m in MEASURES.values() if m.people}
SMALL = {"1", "2", "3", "4"}
PAYLOADS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"]


def _pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _page(pages: list[str], heading: str) -> list[str]:
    """The lines of the page whose heading (the line after the running header) is `heading`."""
    found = [p.splitlines() for p in pages if p.splitlines()[2] == heading]
    assert len(found) == 1, heading
    return found[0]


def _cells(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [[c for c in row] for row in ws.iter_rows()] for ws in book}


def _values(data: bytes) -> dict[str, list[list]]:
    return {name: [[c.value for c in row] for row in rows] for name, rows in _cells(data).items()}


def _built(con, period, audience="internal", service=None) -> tuple[bytes, bytes, float]:
    started = time.perf_counter()
    contents = pack_contents.contents(con, period, service, audience)
    built = pack_pdf.render(contents), pack_xlsx.render(contents)
    return *built, time.perf_counter() - started


@pytest.fixture(scope="module")
def year(sample_db_file):
    """The internal pack for the whole sample year, and the report it must agree with."""
    con = setup.open_database(sample_db_file)
    try:
        pdf, xlsx, seconds = _built(con, YEAR)
        print(f"\nWhole-year internal pack (PDF and Excel): {seconds:.1f} s")
        return {"pdf": pdf, "xlsx": xlsx, "seconds": seconds, "report": report(con, YEAR),
                "case_refs": {r[0] for r in con.execute("SELECT DISTINCT case_ref FROM raw_cases").fetchall()}}
    finally:
        con.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Internal and partnership packs for Apr-Jun 2019 of the sample returns less three May referrals (May: 2)."""
    from metrics.returns import ingest
    from sample_data import generate

    con = setup.open_database(tmp_path_factory.mktemp("small") / "small.duckdb")
    try:
        for month, data in generate.returns().items():
            data["cases"] = [c for c in data["cases"] if c["case_ref"] not in ("CG-1905-001", "CG-1905-002",
                                                                              "CG-1905-003")]
            ingest.ingest_bytes(con, generate.workbook_bytes(data), f"{month}.xlsx", "test", voices_checked=True)
        out = {"case_refs": {r[0] for r in con.execute("SELECT DISTINCT case_ref FROM raw_cases").fetchall()}}
        for audience in ("internal", "partnership"):
            out[audience] = pack_contents.contents(con, QUARTER, None, audience)
            out[audience + "_pdf"] = pack_pdf.render(out[audience])
            out[audience + "_xlsx"] = pack_xlsx.render(out[audience])
        return out
    finally:
        con.close()


# --- the PDF and the workbook for the whole year -----------------------------------------------


def test_whole_year_pack_builds_well_under_a_minute(year):
    assert year["seconds"] < 60


def test_pdf_carries_the_report_figures(year):
    result, pages = year["report"], _pdf_pages(year["pdf"])
    # worked out from the sample returns (and equal to `report --json`)
    assert (result["referrals_received"], round(result["timely_contact_rate"], 4)) == (107, 0.7757)
    assert (result["spend"]["actual"], result["closures"]) == (34072.77, 76)
    figures = _page(pages, "Figures for the period")
    # The previous period (May 2017 to May 2018) has no return at all: no figures, not 0 and "+107" (#6).
    assert "Referrals received 107 n/a n/a" in figures
    assert "Timely first contact 78% n/a n/a" in figures
    assert "Cases closed 76 n/a n/a" in figures
    spend = _page(pages, "Spend against budget")
    assert "Total £34,000 £34,000 £34,073 £72.77 0.2% £34,073 £72.77" in spend
    summary = _page(pages, "Summary: Jun 2018 to Jun 2019")
    assert ("Timely first contact 78% n/a 90% Red 83 of 107 referrals (78%) were contacted within 2 working days; "
            "target 90% or more: red") in " ".join(summary)  # 10 pt type: the reading wraps in its cell


def _font_sizes(data: bytes) -> set[float]:
    """Every size of type the PDF sets text in (fpdf2 writes text with an unscaled matrix)."""
    sizes = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: sizes.add(round(size * tm[0] * cm[0], 2))
                          if text.strip() else None)
    return sizes


def _outline_titles(outline) -> list[str]:
    return [t for item in outline for t in (_outline_titles(item) if isinstance(item, list) else [item.title])]


def _figures_alt(node) -> list[str]:
    """The /Alt of every /Figure in a structure tree."""
    node = node.get_object()
    found = [str(node["/Alt"])] if node.get("/S") == "/Figure" and "/Alt" in node else []
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        if isinstance(kid, pypdf.generic.IndirectObject) or isinstance(kid, pypdf.generic.DictionaryObject):
            found += _figures_alt(kid)
    return found


def test_the_pdf_is_tagged_with_its_language_bookmarks_and_chart_alt_text(year):
    """Issue 17 #6: no structure tree, no language, no bookmarks, no alt text on its 6 charts; 7.2-9.5 pt type."""
    reader = pypdf.PdfReader(io.BytesIO(year["pdf"]))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert _outline_titles(reader.outline) == [
        "Performance scrutiny pack", "Summary: Jun 2018 to Jun 2019", "The provider's commentary",
        "Victims' voices", "Figures for the period",
        "Referral growth against the reference areas", "Spend against budget", "Trends", "Month by month",
        "Actions", "Data quality", "Appendix: definitions"]
    alts = _figures_alt(root["/StructTreeRoot"])
    assert len(alts) == 6 and all(len(a) > 40 for a in alts), alts
    assert alts[0] == ("Line chart of total spend to date against the expected profile, Jun 2018 to Jun 2019. By "
                       "Jun 2019: £34,073 spent against £34,000 expected. Every figure is in the table with the chart.")
    assert min(_font_sizes(year["pdf"])) >= 10


def test_every_pdf_page_is_marked_and_numbered(year):
    pages = _pdf_pages(year["pdf"])
    for number, text in enumerate(pages, 1):
        lines = text.splitlines()
        assert lines[0] == "OFFICIAL-SENSITIVE", number
        assert lines[-1] == f"Figures as at 30 June 2019 OFFICIAL-SENSITIVE Page {number} of {len(pages)}"
    cover = pages[0].splitlines()
    for line in ("Connect Gwent MSHT Advocate", "Period Jun 2018 to Jun 2019 (compared with May 2017 to May 2018)",
                 "Figures as at 30 June 2019", "Audience PCC's office and Connect Gwent (internal)",
                 "Protective marking OFFICIAL-SENSITIVE"):
        assert line in cover


def test_pdf_has_the_data_quality_notes_and_every_definition(year):
    pages = _pdf_pages(year["pdf"])
    quality = _page(pages, "Data quality")
    assert "• Late returns: Jan 2019 arrived more than 15 days after the month ended." in quality
    assert "Jan 2019 Late 27 Feb 2019 27 1" in quality
    appendix = " ".join(" ".join(p.splitlines()[2:-1]) for p in pages if "Appendix: definitions" in p or
                        "Measure Unit Definition Target" in p)
    for m in MEASURES.values():
        assert m.label.split()[0] in appendix
    assert "Of referrals received in the period, the share first contacted by the second working day" in appendix


def test_workbook_has_real_numbers_formats_and_frozen_headers(year):
    book = load_workbook(io.BytesIO(year["xlsx"]))
    assert book.sheetnames == ["About", "Summary", "Commentary", "Voices", "Figures", "Growth", "Spend", "Monthly",
                               "Actions before", "Actions raised", "Returns", "Definitions"]
    for ws in book:
        assert ws.freeze_panes in ("A2", "B2"), ws.title
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    timely = book["Summary"]["B2"]
    assert (book["Summary"]["A2"].value, timely.number_format) == ("Timely first contact", "0.0%")
    assert timely.value == pytest.approx(83 / 107)
    total = [row for row in book["Spend"].iter_rows(values_only=True) if row[0] == "Total"][0]
    assert total[1:4] == (34000.0, 34000.0, 34072.77)
    assert book["Spend"]["D4"].number_format == '"£"#,##0.00'
    first_month = book["Monthly"]["A2"]
    assert (first_month.value.date().isoformat(), first_month.number_format) == ("2018-06-01", "mmm yyyy")
    assert [c.value for c in book["Monthly"][2]][1:3] == [6, 6]  # referrals and victims supported, Jun 2018
    definitions = {row[0]: row[2] for row in book["Definitions"].iter_rows(min_row=2, values_only=True) if row[2]}
    assert definitions == {m.label: m.description for m in MEASURES.values()}


def test_no_case_reference_anywhere_in_the_pack(year):
    text = "\n".join(_pdf_pages(year["pdf"]))
    cells = [str(v) for rows in _values(year["xlsx"]).values() for row in rows for v in row if v is not None]
    # the scan must see the pack's text for its silence to mean anything
    assert "Connect Gwent MSHT Advocate" in text and "Connect Gwent MSHT Advocate" in cells
    assert len(year["case_refs"]) > 100
    everything = text + "\n" + "\n".join(cells)
    assert [ref for ref in year["case_refs"] if ref in everything] == []
    assert re.findall(r"CG-\d{4}-\d{3}", everything) == []


# --- the partnership pack ---------------------------------------------------------------------


MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"


def _small_counts_in_count_positions(pdf: bytes, xlsx: bytes, slices: int = 12) -> list[str]:
    """Every count of people from 1 to 4 where the pack shows a count of people, PDF and workbook."""
    found = []
    pages = _pdf_pages(pdf)
    for line in _page(pages, "Figures for the period"):
        label = next((name for name in PEOPLE if line.startswith(name + " ")), None)
        if label:
            found += [f"figures {label}: {v}" for v in line[len(label):].split()[:2] if v in SMALL]
    monthly = _page(pages, "Month by month" if slices == 12 else "Quarter by quarter")
    month_rows = 0
    for line in monthly:
        if label := re.match(rf"({MONTH}(-{MONTH})? \d{{4}}) [\d<*n]", line):
            cells = line.replace("not shown", "not-shown").split()[2:]
            assert len(cells) == len(tables.MONTHLY_HEADINGS), line  # one token a column, or the positions below drift
            people = [cells[i] for i in (0, 1, 2, 3, 5, 6)]  # all but the rate and the two amounts
            found += [f"monthly {label[1]}: {v}" for v in people if v in SMALL]
            month_rows += 1
    assert month_rows == slices  # the twelve months (or four quarters) to Jun 2019 were all read
    growth = _page(pages, "Referral growth against the reference areas")
    found += [f"growth: {m}" for m in re.findall(r"\(this\s+service\)\s+(\d+) (\d+)", "\n".join(growth))
              if SMALL & set(m)]
    text = "\n".join(pages)
    found += [f"reading: {m}" for m in re.findall(r"(?<!Page )\b([1-4]) of \d", text)]
    found += [f"reading: {m}" for m in re.findall(r"(?<!Page )\b\d+ of ([1-4])\b", text)]
    sheets = _values(xlsx)
    for row in sheets["Figures"][1:]:
        if row[0] in PEOPLE:
            found += [f"xlsx figures {row[0]}: {v}" for v in row[1:3] if v in (1, 2, 3, 4)]
    header, *rows = sheets["Monthly"]
    people_columns = [i for i, h in enumerate(header) if h in tables.MONTHLY_HEADINGS.values()
                      and MEASURES[[k for k, v in tables.MONTHLY_HEADINGS.items() if v == h][0]].people]
    for row in rows:
        found += [f"xlsx monthly {row[0]}: {row[i]}" for i in people_columns if row[i] in (1, 2, 3, 4)]
    for row in sheets["Growth"][1:]:
        if "this service" in str(row[0]):
            found += [f"xlsx growth: {v}" for v in row[1:3] if v in (1, 2, 3, 4)]
    return found


def test_internal_pack_does_show_small_counts_so_the_partnership_check_means_something(small):
    found = _small_counts_in_count_positions(small["internal_pdf"], small["internal_xlsx"])
    assert "monthly May 2019: 2" in found  # the two May referrals
    assert "figures MS1 notifications (duty to notify): 2" in found
    assert "xlsx monthly 2019-05-01 00:00:00: 2" in found


def test_partnership_pack_has_no_count_from_1_to_4(small):
    assert _small_counts_in_count_positions(small["partnership_pdf"], small["partnership_xlsx"], slices=4) == []
    pages = _pdf_pages(small["partnership_pdf"])
    assert all(p.splitlines()[0] == "OFFICIAL" for p in pages)
    assert "OFFICIAL-SENSITIVE" not in "\n".join(pages)


def test_the_partnership_pack_has_whole_quarters_as_published(small):
    """Referrals 8, 2, 5 in Apr-Jun: the partnership sees the quarter's 15, as published, and no month."""
    rows = {r["slice"]: r for r in small["partnership"].monthly.rows}
    assert list(rows) == ["Jul-Sep 2018", "Oct-Dec 2018", "Jan-Mar 2019", "Apr-Jun 2019"]
    assert rows["Apr-Jun 2019"]["referrals_received"] == 15
    figures = {r["label"]: r["value"] for r in small["partnership"].headline.rows}
    assert figures["Referrals received"] == 15
    internal = {r["month"]: r for r in small["internal"].monthly.rows}
    assert [internal[m]["referrals_received"] for m in QUARTER.months] == [8, 2, 5]


def test_partnership_charts_plot_no_small_count(small):
    def plotted(contents, field: str) -> list:
        values = []
        for chart in contents.charts:
            if chart.chart is None:  # nothing left to plot once small numbers are hidden
                continue
            for rows in chart.chart.to_dict()["datasets"].values():
                values += [r[field] for r in rows if r.get(field) is not None and r.get("series", "In the month")
                           == "In the month" and MEASURES[r.get("measure", "referrals_received")].people]
        return values

    assert 2 in plotted(small["internal"], "count")  # May's two referrals
    partnership = plotted(small["partnership"], "value")
    assert [v for v in partnership if 1 <= v <= 4] == [] and 15 in partnership  # Apr-Jun's referrals, as published


def test_the_internal_pack_carries_the_providers_commentary_and_the_voices(year):
    """Issue 18: topic by topic, each topic's months latest first, in the PDF and as sheets."""
    pages = _pdf_pages(year["pdf"])
    commentary = " ".join(" ".join(p.splitlines()[2:-1]) for p in pages)  # the lines of every page's body
    assert commentary.count("The provider's commentary") == 2  # its heading, and in the contents
    assert ("Victims' voices Shared with the victim's consent, for the PCC's office and Connect Gwent only: never in "
            "the partnership's pack.") in commentary
    assert ("Overall Jun 2019: The pilot year closes with every case reviewed. The end-of-grant evaluation will go to "
            "the PCC's office in July. May 2019: We supported victims") in commentary
    assert "Outcome: feels safer Jun 2019: Over the pilot year four in five victims" in commentary
    sheets = _values(year["xlsx"])
    assert sheets["Commentary"][:3] == [
        ["Topic", "Month", "Commentary"],
        ["Overall", dt.datetime(2019, 6, 1), "The pilot year closes with every case reviewed. The end-of-grant "
                                             "evaluation will go to the PCC's office in July."],
        ["Overall", dt.datetime(2019, 5, 1), "We supported victims through two court hearings this month, which took "
                                             "much of the advocate's time."]]
    assert [row[0] for row in sheets["Commentary"][1:]].count("Risks and issues") == 7
    assert sheets["Voices"][:2] == [["Month", "Theme", "Voice"], [dt.datetime(2019, 6, 1), "Work and money",
                                    "The Job Centre finally listened when my advocate came with me."]]
    assert [row[1] for row in sheets["Voices"][1:]] == ["Work and money", "Feeling safe", "Having one person",
                                                         "Being believed", None, None]  # consented, latest first
    assert sheets["Voices"][-1][0].startswith("Shared with the victim's consent")


def test_the_partnership_pack_has_no_commentary_and_no_voice(small):
    text = "\n".join(_pdf_pages(small["partnership_pdf"]))
    assert "The provider's commentary" not in text and "Job Centre" not in text and "knocks" not in text
    assert "Job Centre" in "\n".join(_pdf_pages(small["internal_pdf"]))  # the internal one does hold it
    assert load_workbook(io.BytesIO(small["partnership_xlsx"])).sheetnames == [
        "About", "Summary", "Figures", "Growth", "Spend", "Monthly", "Returns", "Definitions"]


def test_partnership_pack_holds_no_case_reference(small):
    text = "\n".join(_pdf_pages(small["partnership_pdf"]))
    cells = "\n".join(str(v) for rows in _values(small["partnership_xlsx"]).values() for row in rows for v in row)
    assert "Apr-Jun 2019 15" in text  # the extraction sees the tables
    assert [ref for ref in small["case_refs"] if ref in text or ref in cells] == []


def test_injection_payloads_read_back_as_plain_text(sample_db):
    """NRM reference areas named with formula payloads: each reads back as the same text, never a formula."""
    con = setup.open_database(sample_db)
    try:
        for i, payload in enumerate(PAYLOADS):
            con.execute("INSERT INTO nrm_referrals VALUES (?, DATE '2019-01-01', DATE '2019-12-31', 40)", [payload])
            # ... and the provider's commentary, free text from the return (issue 18)
            con.execute("INSERT INTO raw_commentary SELECT upload_id, 100 + ?, 'Overall', ? FROM current_uploads "
                        "WHERE reporting_month = '2019-06'", [i, payload])
        contents = pack_contents.contents(con, QUARTER)
        contents.charts = []  # the areas' names are in the tables; rendering charts would only take time
        xlsx, pdf = pack_xlsx.render(contents), pack_pdf.render(contents)
    finally:
        con.close()
    cells = _cells(xlsx)
    assert [c.coordinate for rows in cells.values() for row in rows for c in row if c.data_type == "f"] == []
    parts = zipfile.ZipFile(io.BytesIO(xlsx))
    assert [n for n in parts.namelist() if n.endswith(".xml") and re.search(rb"<f[ >]", parts.read(n))] == []
    areas = [row[0] for row in cells["Growth"][1:] if row[0].value in PAYLOADS]
    assert sorted(c.value for c in areas) == sorted(PAYLOADS)  # tab and carriage return kept
    assert all(c.data_type == "s" and c.quotePrefix for c in areas)
    said = [row[2] for row in cells["Commentary"][1:] if row[2].value in PAYLOADS]
    assert sorted(c.value for c in said) == sorted(PAYLOADS)
    assert all(c.data_type == "s" and c.quotePrefix for c in said)
    text = "\n".join(_pdf_pages(pdf))
    assert "=1+1" in text and "+SUM(A1)" in text and "@cmd" in text


def test_a_period_with_no_data_says_so(sample_db_file):
    con = setup.open_database(sample_db_file)
    try:
        pdf, xlsx, _ = _built(con, Period("2020-01", "2020-03"))
    finally:
        con.close()
    pages = _pdf_pages(pdf)
    firsts = [p.splitlines()[2] for p in pages[1:]]
    # The actions still open carry on into a pack with no figures.
    assert firsts[:4] == ["No data for this period", "Actions", "Data quality", "Appendix: definitions"]
    assert set(firsts[4:]) == {"Measure Unit Definition Target"}  # the definitions go on, at 10 pt
    assert "No monthly return is loaded for Jan 2020 to Mar 2020, so this pack has no figures to report." in \
        " ".join(pages[1].splitlines())
    assert ("• Missing months: no return is loaded for Jan 2020, Feb 2020 and Mar 2020; the figures leave those "
            "months out.") in " ".join(_page(pages, "Data quality"))
    about = {row[0]: row[1] for row in _values(xlsx)["About"][1:]}
    assert about["Data"] == "No monthly return is loaded for Jan 2020 to Mar 2020: there are no figures to report."
    assert load_workbook(io.BytesIO(xlsx)).sheetnames == ["About", "Actions before", "Actions raised",
                                                           "Returns", "Definitions"]


def test_an_empty_database_gives_a_pack_that_says_so(empty_db):
    con = setup.open_database(empty_db)
    try:
        pdf, _, _ = _built(con, Period("2019-01", "2019-01"))
    finally:
        con.close()
    text = "\n".join(_pdf_pages(pdf))
    assert "No service loaded yet" in text and "No data for this period" in text


def test_pack_command_writes_pdf_and_excel(sample_db, tmp_path, capsys):
    out = tmp_path / "pack.xlsx"
    args = ["pack", "--from", "2019-04", "--to", "2019-06", "--db", str(sample_db), "--audience", "partnership"]
    assert cli.run([*args, "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"Wrote the partnership scrutiny pack to {out} in ")
    assert load_workbook(out)["About"]["B9"].value == "OFFICIAL"
    con = setup.open_database(sample_db)
    try:
        from metrics.store.logs import audit_entries

        latest = audit_entries(con, 1).iloc[0]
    finally:
        con.close()
    assert (latest.action, latest.detail) == ("pack exported", "partnership pack (xlsx) for Apr 2019 to Jun 2019, the "
                                                                "only service")
    assert cli.run([*args, "--out", str(tmp_path / "pack.docx")]) == 1
    assert "must end in .pdf or .xlsx" in capsys.readouterr().err


# --- the Summary page ---------------------------------------------------------------------------


@pytest.fixture
def summary_page(tmp_path, sample_db, monkeypatch):
    """The app in demo mode on a private copy of the sample database (a download writes the audit log)."""
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "none.duckdb"))
    monkeypatch.setattr("metrics.store.connection.SAMPLE_DB", sample_db)

    def as_role(role: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        at.session_state["kept_role"] = role
        at.run()
        assert not at.exception
        return at

    return as_role


def test_partnership_download_is_the_partnership_pack(summary_page, monkeypatch):
    from streamlit.runtime.media_file_manager import MediaFileManager

    registered = {}
    add_deferred = MediaFileManager.add_deferred

    def keep(self, data, mimetype, coordinates, file_name=None, **kwargs):
        registered[file_name] = data  # what the button serves when clicked
        return add_deferred(self, data, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    at = summary_page("partnership")
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["Scrutiny pack (PDF)", "Scrutiny pack (Excel)",
                                          "Published figures (figures.csv)"]
    # the demo's period is Jun 2019, which the partnership is not offered: it sees the latest whole quarter
    assert all(b.help.startswith("The OFFICIAL pack for Apr 2019 to Jun 2019") for b in buttons[:2])
    assert sorted(registered) == ["figures.csv", "scrutiny-pack-2019-04-to-2019-06-partnership.pdf",
                                  "scrutiny-pack-2019-04-to-2019-06-partnership.xlsx"]
    workbook = registered["scrutiny-pack-2019-04-to-2019-06-partnership.xlsx"]()
    about = {row[0]: row[1] for row in _values(workbook)["About"][1:]}
    assert (about["Audience"], about["Protective marking"], about["Period"]) == (
        model.AUDIENCE_LABELS["partnership"], "OFFICIAL", "Apr 2019 to Jun 2019")
    from ui import state

    with state.using() as con:
        logged = con.execute("SELECT actor, action FROM audit_log ORDER BY logged_at DESC LIMIT 1").fetchall()
    assert logged == [("demo partnership", "pack exported")]


def test_presenting_mode_moves_between_sections(summary_page):
    at = summary_page("commissioner")
    assert at.get("download_button")[0].help.startswith("The OFFICIAL-SENSITIVE pack")
    at.toggle(key="presenting").set_value(True).run()
    assert not at.get("download_button")
    assert any('section[data-testid="stSidebar"]' in m.value for m in at.markdown)  # the sidebar is hidden
    seen = [at.header[0].value]
    assert at.button(key="present_previous").disabled
    for _ in range(6):
        at.button(key="present_next").click().run()
        seen.append(at.header[0].value)
    # Four cards or fewer a section, so that each fits a 1280×720 screen (issue 17 #3).
    assert seen == ["Referrals and first contact", "Caseload, closures and outcomes", "Voice and the NRM",
                    "Spend against budget", "Forecast and value for money", "Key messages", "Referral growth"]
    assert at.button(key="present_next").disabled
    row = f'<th scope="row">{safe_text.html("Connect Gwent MSHT Advocate (this service)")}</th>'
    assert row in " ".join(m.value for m in at.markdown)
    at.button(key="present_previous").click().run()
    assert at.header[0].value == "Key messages"
    at.toggle(key="presenting").set_value(False).run()
    assert len(at.get("download_button")) == 4  # the packs, the grant's evaluation and figures.csv
    assert [h.value for h in at.header] == ["Spend against budget", "Key messages", "The provider's commentary",
                                            "Victims' voices"]  # H2 under the H1 (#5)


def test_pdf_falls_back_to_a_core_font_without_dejavu(sample_db_file, tmp_path, monkeypatch):
    con = setup.open_database(sample_db_file)
    try:
        contents = pack_contents.contents(con, Period("2020-01", "2020-01"))
    finally:
        con.close()
    contents.service = "Connect Gwent – MSHT −£5"
    monkeypatch.setattr(pdf_layout, "FONT_DIR", tmp_path)  # no DejaVu here
    text = "\n".join(_pdf_pages(pack_pdf.render(contents)))
    assert "Connect Gwent - MSHT -£5" in text
    assert "pounds (£)" in text
