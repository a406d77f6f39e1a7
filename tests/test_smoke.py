"""The sample database builds and reports."""

from metrics.admin import setup
from metrics.answers.report import report
from metrics.periods import Period


def test_sample_database_reports_the_whole_year(sample_db_file):
    con = setup.open_database(sample_db_file)
    try:
        result = report(con, Period("2018-06", "2019-06"))
    finally:
        con.close()
    assert result["as_at"] == "2019-06-30"
    assert result["spend"]["budget"] == 34000.0
