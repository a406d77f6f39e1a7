"""The monthly return: its template, reading a workbook, checking it against the contract, loading it.

template (the blank return, made from the contract), file_checks (size, type, zip bombs), reading (its
sheets, their headers, as text), workbook_xml (what fastexcel cannot be trusted with: far cells, error
cells), checks (typing and every rule, in DuckDB), ingest (check a whole return, load it), preview (what
loading would change).

May import: metrics.store, metrics.contract, metrics.periods.
"""
