"""Entrypoint and router: page config, then the pages this user may see (ui.shell)."""

import streamlit as st

from ui import shell

PAGES = {  # title (as in metrics.access) -> page module
    "Summary": "pages/summary.py",
    "Advocate KPIs": "pages/kpis.py",
    "Referral growth": "pages/growth.py",
    "Spend vs budget": "pages/spend.py",
    "Trends": "pages/trends.py",
    "Demand and value": "pages/demand.py",
    "Data quality": "pages/data_quality.py",
    "Upload returns": "pages/upload.py",
    "Settings": "pages/settings.py",
}

st.set_page_config(page_title="MSHT advocate performance", page_icon="🧭", layout="wide")
shell.route(PAGES)
