"""Entrypoint and router: page config, then the pages this user may see (ui.shell)."""

import streamlit as st

from ui import shell
from ui.navigation import PAGE_FILES

st.set_page_config(page_title=shell.APP_TITLE, page_icon=shell.APP_ICON, layout="wide")
shell.route(PAGE_FILES)
