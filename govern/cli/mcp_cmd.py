"""`govern mcp`: serve govern's tools to a coding agent over MCP (stdio)."""
from __future__ import annotations

from pathlib import Path

import typer

from govern.cli.app import app

REPO_OPTION = typer.Option(Path("."), "--repo", "-C", help="The repository to serve (default: the current directory).")


@app.command("mcp")
def mcp_cmd(repo: Path = REPO_OPTION) -> None:
    """Run the MCP server on stdin/stdout: tools decisions_for, check_change, check, why, query; ADRs as resources."""
    from govern.mcp.server import main
    from govern.verdict.targets import open_repo

    raise typer.Exit(main(open_repo(repo)))
