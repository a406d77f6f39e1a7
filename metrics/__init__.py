"""Measures, data contract, ingest and store of the MSHT advocate performance dashboard.

Importing this package does no work: no connection is opened and no file is read.
"""
