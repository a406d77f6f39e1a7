"""Administration: who may see what (access), local accounts (users) and their signed session tokens
(sessions), the reference data and settings the manager keeps (reference), and making a database
ready, the demo's included (setup).

May import: metrics.returns (a settings CSV is checked like a return), metrics.measures (a KPI
target names a graded measure), metrics.store, metrics.contract, metrics.periods, metrics.i18n (its
text is marked for translation).
"""
