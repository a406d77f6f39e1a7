"""Placeholder until the page lands."""

from ui import shell

shell.page("Demand and value", needs_period=False)
