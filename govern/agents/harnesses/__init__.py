"""One module per coding agent's hook protocol, listed in REGISTRY (name -> module).

Each module has `answer(payload: dict) -> govern.agents.hook.Answer` and `install(...)`
data in govern.agents.install; see docs/agents.md for the formats and exit codes.
"""
from __future__ import annotations

from govern.agents.harnesses import claude_code, codex, cursor, gemini

REGISTRY = {"claude-code": claude_code, "codex": codex, "gemini": gemini, "cursor": cursor}
