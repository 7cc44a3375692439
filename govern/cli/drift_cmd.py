"""`govern drift [REV-RANGE]`: findings, exemptions and no-growth metrics commit by commit."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from govern.cli.app import app

FORMATS = ("text", "json", "csv", "html")


def _format(value: str) -> str:
    if value not in FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(FORMATS)}")
    return value


@app.command("drift")
def drift_cmd(
    revs: Optional[str] = typer.Argument(None, metavar="[REV-RANGE]", help="A..B or REV (default: HEAD), along first parents."),
    rules_from: Optional[str] = typer.Option(None, "--rules-from", metavar="REV", help="Take the ADRs from REV (default: the range's last commit)."),
    fmt: str = typer.Option("text", "--format", callback=_format, help="text, json, csv or html."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the report to FILE."),
    engine: Optional[str] = typer.Option(None, "--engine", help="auto, pydatalog or clingo."),
    repo: Path = typer.Option(Path("."), "--repo", help="The repository (default: the current directory)."),
) -> None:
    """Per commit: findings, exemptions and no-growth metrics under one set of ADRs."""
    from govern.drift.collect import collect
    from govern.drift.history import first_parent_history
    from govern.drift import render
    from govern.notes.record import commit_of

    commits = first_parent_history(repo, revs)
    rules_rev = commit_of(repo, rules_from) if rules_from else commits[-1].id
    report = collect(repo, commits, rules_rev, engine)
    if fmt == "html":
        from govern.drift.html import render_html

        text = render_html(report)
    else:
        text = {"text": render.render_text, "json": render.render_json, "csv": render.render_csv}[fmt](report)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
