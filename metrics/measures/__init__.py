"""Measures: the registry, the SQL of their facts, their computation, grades, formats and disclosure control.

registry (every measure once: SQL or a formula, label, unit, format, people, additive, target
direction, reading, report key), facts (the SQL of each source for any number of periods, one
query), compute (Figures for periods, breakdowns of cases), grading (targets, grades, readings),
formatting (how every value is written), growth; the partnership's publication: disclosure (the rules
on one figure), protect (builds the publication of every offered period), identities and audit (what a
reader can work out from it, checked before anything is shown), publication (serves it, cached).

May import: metrics.store, metrics.contract, metrics.periods.
"""
