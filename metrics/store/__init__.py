"""The store: the DuckDB file and everything that reads or writes it as stored.

connection (the only code that opens DuckDB; `write` owns the lock and the transaction), version
(the data version beside the file), schema (migrations), marts (staged SQL: staging views and named
marts), loading (a return, a rollback), logs (uploads and audit), settings (settings and reference
tables), accounts (the users table), backup (and restore), commentary (the commentary and voices of a
period's current returns).

May import: metrics.contract and metrics.periods only. Every layer above reads and writes through here.
"""
