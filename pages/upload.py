"""Placeholder until the page lands."""

from ui import shell

shell.page("Upload returns", needs_period=False)
