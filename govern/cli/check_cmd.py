"""Placeholder: commands are added by their issue."""
from govern.cli.app import app  # noqa: F401
