"""The page files of the app, by the titles that metrics.access grants."""

PAGE_FILES = {
    "Summary": "views/summary.py",
    "Advocate KPIs": "views/kpis.py",
    "Referral growth": "views/growth.py",
    "Spend vs budget": "views/spend.py",
    "Trends": "views/trends.py",
    "Demand and value": "views/demand.py",
    "Data quality": "views/data_quality.py",
    "Upload returns": "views/upload.py",
    "Settings": "views/settings.py",
}
