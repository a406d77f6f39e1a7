"""Measures: the registry, the SQL of their facts, their computation, grades, formats and disclosure control.

registry (every measure once: SQL or a formula, label, unit, format, people, additive, target
direction, reading, report key), facts (the SQL of each source for any number of periods, one
query), compute (Figures for periods, breakdowns of cases), grading (targets, grades, readings),
formatting (how every value is written), disclosure (what the partnership may see), growth.

May import: metrics.store, metrics.contract, metrics.periods.
"""
