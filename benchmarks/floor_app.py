"""The floor for the load run: an empty app of the dashboard's shape, no data, no sign-in.

Ten pages with the dashboard's titles in `st.navigation`, a sidebar radio, and a title per page:
what any click in Streamlit costs here before the app does anything (`benchmarks/loadrun.py --app floor`).
"""

import streamlit as st

TITLES = (
    "Summary",
    "Advocate KPIs",
    "Referral growth",
    "Spend vs budget",
    "Trends",
    "Demand and value",
    "Data quality",
    "Actions",
    "Upload returns",
    "Settings",
)


def page_drawing(title: str):
    def draw() -> None:
        st.title(title)

    draw.__name__ = "page_" + "".join(c if c.isalnum() else "_" for c in title.lower())  # its URL path
    return draw


st.set_page_config(page_title="Floor", layout="wide")
st.sidebar.radio("Period", ["Latest month", "Latest quarter", "Grant to date", "Financial year", "Custom range"])
st.navigation([st.Page(page_drawing(title), title=title, default=title == "Summary") for title in TITLES]).run()
