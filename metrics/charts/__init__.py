"""Altair chart builders shared by the dashboard pages and the PDF pack (no Streamlit here).

Each builder takes a frame from metrics.answers and returns a finished chart: a title, axes labelled
with their units, tooltips, and the Okabe-Ito palette, which stays distinguishable with the common
kinds of colour blindness. Disclosure control survives charting: a value that is suppressed (or
missing) is never plotted, and the subtitle says how many were left out and why.
"""

from metrics.charts.base import GBP_LABEL, PALETTE
from metrics.charts.money import cumulative_spend, demand_mix, growth, spend_variance, support_mix
from metrics.charts.specs import unchecked, vega_lite
from metrics.charts.trends import activity, measure_lines, panels, referrals_breakdown, rolling_referrals

__all__ = ["GBP_LABEL", "PALETTE", "activity", "cumulative_spend", "demand_mix", "growth", "measure_lines", "panels",
           "referrals_breakdown", "rolling_referrals", "spend_variance", "support_mix", "unchecked",
           "vega_lite"]
