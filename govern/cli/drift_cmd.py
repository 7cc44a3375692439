"""`govern drift [REV-RANGE]`: findings, exemptions and no-growth metrics commit by commit."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from govern.cli.app import app
from govern.cli.options import ENGINE_OPTION, REPO_OPTION, check_format, format_option, project_root

FORMATS = ("text", "json", "csv", "html")


@app.command("drift")
def drift_cmd(
    revs: Optional[str] = typer.Argument(None, metavar="[REV-RANGE]", help="A..B or REV (default: HEAD), along first parents."),
    rules_from: Optional[str] = typer.Option(None, "--rules-from", metavar="REV", help="Take the ADRs from REV (default: the range's last commit)."),
    fmt: str = format_option(FORMATS),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", help="Write the report to FILE."),
    engine: Optional[str] = ENGINE_OPTION,
    repo: Path = REPO_OPTION,
) -> None:
    """Per commit: findings, exemptions and no-growth metrics under one set of ADRs."""
    from govern.drift.collect import collect
    from govern.drift.history import first_parent_history
    from govern.drift import render
    from govern.notes.record import commit_of

    check_format(fmt, FORMATS)
    repo = project_root(repo)
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
