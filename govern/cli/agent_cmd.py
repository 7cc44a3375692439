"""`govern agent-hook HARNESS` and `govern agent install HARNESS…` (see docs/agents.md)."""
from __future__ import annotations

from pathlib import Path
from typing import List

import typer

from govern.cli.app import app
from govern.errors import UsageError

HARNESSES = ("claude-code", "codex", "gemini", "cursor")

agent_app = typer.Typer(help="Set coding agents up to ask govern before they write (see docs/agents.md).",
                        no_args_is_help=True)
app.add_typer(agent_app, name="agent")


@app.command("agent-hook")
def agent_hook(harness: str = typer.Argument(..., help=f"One of: {', '.join(HARNESSES)}.")) -> None:
    """Answer a coding agent's hook: its JSON on stdin, its own answer format and exit codes."""
    if harness not in HARNESSES:
        raise UsageError(f"unknown harness {harness!r} (known: {', '.join(HARNESSES)})")
    from govern.agents.hook import main

    raise typer.Exit(main(harness))
