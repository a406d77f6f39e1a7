"""The page files of the app, by the titles that metrics.access grants.

The titles are identifiers (the access rules grant them, and they stay English); they are marked here to be
translated where they are shown: `_(title)` in the menu, the page's heading and the browser tab.
"""

from metrics.i18n import N_

PAGE_FILES = {
    N_("Summary"): "pages/summary.py",
    N_("Advocate KPIs"): "pages/kpis.py",
    N_("Referral growth"): "pages/growth.py",
    N_("Spend vs budget"): "pages/spend.py",
    N_("Trends"): "pages/trends.py",
    N_("Demand and value"): "pages/demand.py",
    N_("Data quality"): "pages/data_quality.py",
    N_("Actions"): "pages/actions.py",
    N_("Upload returns"): "pages/upload.py",
    N_("Settings"): "pages/settings.py",
}
