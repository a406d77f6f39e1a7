"""Placeholder until the page lands."""

from ui import shell

shell.page("Settings", needs_period=False)
