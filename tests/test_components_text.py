"""ui.components.as_text: every cell as people read it, blanks as a dash, whatever the column's type."""

import datetime as dt

import pandas as pd

from ui import components


def test_as_text_writes_each_format_and_every_kind_of_blank_as_a_dash():
    frame = pd.DataFrame({
        "upload_id": pd.Series([7, 12], dtype="int64"),
        "replaced": pd.Series([3, pd.NA], dtype="Int64"),
        "share": [0.3333, float("nan")],
        "who": pd.Series(["mary.manager", pd.NA], dtype="string"),
        "note": [None, "late"],
        "at": pd.to_datetime([dt.datetime(2019, 6, 5, 14, 30), None]),
    })
    text = components.as_text(frame, {"upload_id": "number", "replaced": "number", "share": "percent",
                                      "at": lambda t: f"{t:%d %b %Y, %H:%M}"})
    assert list(text.columns) == list(frame.columns)
    assert text.to_dict("records") == [
        {"upload_id": "7", "replaced": "3", "share": "33%", "who": "mary.manager", "note": "—",
         "at": "05 Jun 2019, 14:30"},
        {"upload_id": "12", "replaced": "—", "share": "—", "who": "—", "note": "late", "at": "—"},
    ]
    assert set(text.dtypes) == {pd.api.types.pandas_dtype(object)}
    assert components.as_text(frame[["note"]], {}, blank="")["note"].tolist() == ["", "late"]
