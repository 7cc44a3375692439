"""Imports every command module so that each registers itself on the app."""
from govern.cli import adr_cmd, agent_cmd, check_cmd, drift_cmd, facts_cmd, hook_cmd, mcp_cmd, notes_cmd  # noqa: F401
