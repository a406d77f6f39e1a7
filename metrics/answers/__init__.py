"""Answers to the pages' questions, each a small frame or dict ready to show: no SQL here.

summary (scorecard, cards, key messages), report (`report --json` and its text), series (measures
over months or quarters), referrals (by field, rolling), growth, spend, demand, quality, choices
(what the pickers offer), commentary (the provider's commentary and victims' voices: internal only).
Every function takes the connection, the period(s), the service and the audience, and asks the
measures layer; for the partnership what it returns is disclosure-controlled.

May import: metrics.measures, metrics.store, metrics.contract, metrics.periods.
"""
