"""Placeholder until the page lands."""

from ui import shell

shell.page("Trends", needs_period=False)
