"""Placeholder until the page lands."""

from ui import shell

shell.page("Referral growth", needs_period=False)
