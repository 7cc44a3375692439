"""`govern record REV…`, `govern why REV`, `govern audit`: verdict notes and the audit log."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from govern.cli.app import app

FORMATS = ("text", "json")


def _format(value: str) -> str:
    if value not in FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(FORMATS)}")
    return value


REPO = typer.Option(Path("."), "--repo", help="The repository (default: the current directory; GIT_DIR is respected).")
FORMAT = typer.Option("text", "--format", callback=_format, help="text or json.")


@app.command("record")
def record_cmd(
    revs: list[str] = typer.Argument(..., help="Commits to judge and record."),
    repo: Path = REPO,
) -> None:
    """Judge commits like the server hook does and write their verdict notes (CI mode)."""
    from govern.notes.record import record

    for commit, verdict in record(repo, revs, dict(os.environ)):
        typer.echo(f"{commit[:12]} {verdict.outcome}: {len(verdict.blocking)} blocking, "
                   f"{len(verdict.violations)} violation(s), {len(verdict.exemptions)} exemption(s)")


@app.command("why")
def why_cmd(
    rev: str = typer.Argument(..., help="The commit whose verdict to show."),
    fmt: str = FORMAT,
    verify: bool = typer.Option(False, "--verify", help="Recompute the facts of REV and check every proof."),
    repo: Path = REPO,
) -> None:
    """Show which rules allowed or blocked REV, with the proof of every violation and exemption."""
    from govern.notes.why import load_note, render_note, verify as verify_note

    commit, raw, note = load_note(repo, rev)
    if fmt == "json":
        sys.stdout.buffer.write(raw)  # the note, byte for byte
        sys.stdout.flush()
    else:
        typer.echo(render_note(note), nl=False)
    if verify:
        problems = verify_note(repo, commit, note)
        for problem in problems:
            typer.echo(f"govern: verification failed: {problem}", err=True)
        if problems:
            raise typer.Exit(1)
        typer.echo(f"govern: verified: every proof of the note of {commit[:12]} holds against its facts", err=True)


@app.command("audit")
def audit_cmd(
    since: str = typer.Option(None, "--since", help="Only decisions at or after this ISO date/date-time."),
    fmt: str = FORMAT,
    repo: Path = REPO,
) -> None:
    """Show the server hook's decisions from <git dir>/govern/audit.log (rejected pushes included)."""
    from govern.hook import audit
    from govern.notes.codec import encode
    from govern.notes.git_plumbing import git_dir

    entries = list(audit.read(git_dir(repo), audit.parse_since(since) if since else None))
    if fmt == "json":
        sys.stdout.buffer.write(encode(entries))
        return
    for entry in entries:
        typer.echo(audit.format_line(entry))
