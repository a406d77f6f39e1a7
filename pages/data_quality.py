"""Placeholder until the page lands."""

from ui import shell

shell.page("Data quality", needs_period=False)
