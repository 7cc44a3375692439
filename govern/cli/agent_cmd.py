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


@agent_app.command("install")
def install_cmd(
    harnesses: List[str] = typer.Argument(..., help=f"One or more of: {', '.join(HARNESSES)}."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the changes as a diff; write nothing."),
    command: str = typer.Option("govern", "--command", help="How the harness runs govern (e.g. .venv/bin/govern)."),
    repo: Path = typer.Option(Path("."), "--repo", "-C", help="The repository (default: the current directory)."),
) -> None:
    """Register govern's hooks and MCP server in each harness's project settings and write the
    decisions block into AGENTS.md (and CLAUDE.md when present); every other setting is kept."""
    from govern.agents.install import plan, write
    from govern.verdict.targets import open_repo

    top = open_repo(repo)
    changes = plan(top, list(harnesses), command)
    for change in changes:
        if dry_run:
            typer.echo(change.diff(), nl=False)
        elif change.changed:
            typer.echo(f"wrote {change.path}")
        else:
            typer.echo(f"unchanged {change.path}")
    if not dry_run:
        write(top, changes)
