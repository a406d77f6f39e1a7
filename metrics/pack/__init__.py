"""The scrutiny pack circulated before a meeting: its model (tables, charts, notes), its contents for
one audience, and its renderings as a PDF (pdf) and an Excel workbook (xlsx).

May import: metrics.charts, metrics.answers, metrics.measures, metrics.store, metrics.contract, metrics.periods.
"""
