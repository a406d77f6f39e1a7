"""The monthly return: its template, reading a workbook, checking it against the contract, loading it.

template (the blank return, made from the contract), file_checks (size, type, zip bombs), reading (its
sheets, their headers, as text), workbook_xml (what fastexcel cannot be trusted with: far cells, error
cells), checks (typing and every rule, in DuckDB), ingest (check a whole return, load it), preview (what
loading would change); topics (the Commentary sheet's topics, the measures' names among them), voices and
identifying (the Voices sheet: consent, its case references, and text that may identify someone).

One import reaches sideways, declared in pyproject.toml: topics reads metrics.measures.registry.

May import: metrics.store, metrics.contract, metrics.periods, metrics.i18n (its text is marked for translation).
"""
