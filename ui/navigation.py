"""The page files of the app, by the titles that metrics.access grants."""

PAGE_FILES = {
    "Summary": "pages/summary.py",
    "Advocate KPIs": "pages/kpis.py",
    "Referral growth": "pages/growth.py",
    "Spend vs budget": "pages/spend.py",
    "Trends": "pages/trends.py",
    "Demand and value": "pages/demand.py",
    "Data quality": "pages/data_quality.py",
    "Actions": "pages/actions.py",
    "Upload returns": "pages/upload.py",
    "Settings": "pages/settings.py",
}
