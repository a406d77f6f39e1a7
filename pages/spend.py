"""Placeholder until the page lands."""

from ui import shell

shell.page("Spend vs budget", needs_period=False)
