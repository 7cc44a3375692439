"""`govern record REV…`, `govern why REV`, `govern audit`: verdict notes and the audit log."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from govern.cli.app import app
from govern.cli.options import REPO_OPTION, check_format

FORMATS = ("text", "json")


def _format(value: str) -> str:
    return check_format(value, FORMATS)


FORMAT = typer.Option("text", "--format", "-f", metavar="FORMAT", callback=_format, help="Output format: text, json.")


@app.command("record")
def record_cmd(
    revs: list[str] = typer.Argument(..., metavar="REV...", help="Commits to judge and record."),
    repo: Path = REPO_OPTION,
) -> None:
    """Judge commits like the server hook does and write their verdict notes (CI mode)."""
    from govern.notes.record import record

    for commit, verdict in record(repo, revs, dict(os.environ)):
        typer.echo(f"{commit[:12]} {verdict.outcome}: {len(verdict.blocking)} blocking, "
                   f"{len(verdict.violations)} violation(s), {len(verdict.exemptions)} exemption(s)")


@app.command("why")
def why_cmd(
    rev: str = typer.Argument(..., metavar="REV", help="The commit whose verdict to show."),
    fmt: str = FORMAT,
    verify: bool = typer.Option(False, "--verify", help="Judge REV again from the note's recorded inputs: "
                                "report every difference from the note and check every proof."),
    repo: Path = REPO_OPTION,
) -> None:
    """Show which rules allowed or blocked REV, with the proof of every violation and exemption."""
    from govern.errors import UsageError
    from govern.notes.why import load_note, render_note, verify as verify_note

    commit, _, note = load_note(repo, rev)
    problems = []
    if fmt == "json":  # the verdict as `govern check --format json` prints it (the note unpacked)
        from govern.verdict.render_json import iter_canonical

        for piece in iter_canonical(note, 2):
            sys.stdout.write(piece)
        sys.stdout.write("\n")
        sys.stdout.flush()
    else:
        try:
            typer.echo(render_note(note), nl=False)
        except UsageError as err:
            if not verify:
                raise
            problems.append(str(err))  # a note that is not a verdict fails verification
    if verify:
        problems += verify_note(repo, commit, note)
        for problem in problems:
            typer.echo(f"govern: verification failed: {problem}", err=True)
        if problems:
            raise typer.Exit(1)
        typer.echo(f"govern: verified: the note of {commit[:12]} is the verdict its facts and rules give, "
                   f"and every proof holds", err=True)


@app.command("audit")
def audit_cmd(
    since: str = typer.Option(None, "--since", metavar="WHEN",
                              help="Only decisions at or after WHEN: an ISO date or date-time, today, yesterday, "
                                   "or an age such as 3d, 12h, 2w, '10 minutes ago'."),
    fmt: str = FORMAT,
    repo: Path = REPO_OPTION,
) -> None:
    """Show the server hook's decisions from <git dir>/govern/audit.log (rejected pushes included).

    The log is written by the pre-receive hook in the server's repository: run this there
    (-C /srv/git/project.git); a clone has none, and says so.
    """
    from govern.hook import audit
    from govern.notes.codec import encode
    from govern.notes.git_plumbing import git_dir

    where = git_dir(repo)
    start = audit.parse_when(since) if since else None
    entries = list(audit.read(where, start))
    if not audit.has_log(where):
        typer.echo(f"govern: no audit log in {where} (the server's pre-receive hook writes it in the "
                   f"repository that receives pushes; run `govern audit -C <that repository>`)", err=True)
    elif not entries:
        typer.echo(f"govern: no decisions{f' since {start.isoformat()}' if start else ''} in the audit log", err=True)
    if fmt == "json":
        sys.stdout.buffer.write(encode(entries))
        return
    for entry in entries:
        typer.echo(audit.format_line(entry))
