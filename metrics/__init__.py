"""All the logic and all the SQL of the MSHT advocate performance dashboard, in layers.

Each layer imports only the layers below it (declared for import-linter in pyproject.toml, checked
in CI by `lint-imports`), so a rule has one home and a change to it has one place to look:

    cli                          the command line
    pack                         the scrutiny pack: contents, PDF, Excel
    answers | admin | charts     the pages' questions | access, users, reference data, setup | charts
    measures | returns           the registry and its computation | the monthly return
    store                        DuckDB: connections, schema, staged SQL and marts, loading, logs, backup
    contract | periods           the data contract | runs of calendar months
    isolation | safe_text        untrusted files read in a worker with limits | text safe for cells and Markdown
    i18n                         the language of a run and the translation of every message (locale/)

Importing any of it does no work: no connection is opened and no file is read. Nothing here
imports Streamlit: the app (`dashboard.py`, `ui/`, `pages/`) is built on top.
"""
