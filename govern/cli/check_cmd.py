"""`govern check` (judge the working tree, the index or a revision) and `govern query`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from govern.cli.app import app
from govern.cli.check_run import FORMATS, CheckOptions, run_check
from govern.cli.options import ADR_DIR_OPTION, ENGINE_OPTION, REPO_OPTION, check_format, format_option
from govern.errors import EXIT_OK, EXIT_VIOLATIONS, UsageError



@app.command("check")
def check(
    paths: Optional[list[str]] = typer.Argument(None, metavar="[PATH]...", show_default=False,
                                                help="Only report findings about these files or directories."),
    rev: Optional[str] = typer.Option(None, "--rev", metavar="REV", help="Judge this commit (and its change against its first parent)."),
    staged: bool = typer.Option(False, "--staged", help="Judge the index (what the next commit would hold)."),
    new_since: Optional[str] = typer.Option(None, "--new-since", metavar="REV", help="Only violations not already present in REV block."),
    fmt: str = format_option(FORMATS),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the report to FILE instead of stdout."),
    engine: Optional[str] = ENGINE_OPTION,
    verify: bool = typer.Option(False, "--verify", help="Re-check every proof against the facts, without the engine."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Text: only the blocking findings, without proofs, and the warnings; only the warnings when allowed."),
    no_proof: bool = typer.Option(False, "--no-proof", help="Text and JUnit: leave out the proof trees."),
    only_new: bool = typer.Option(False, "--only-new", help="Report only new violations (no legacy ones, no exemptions)."),
    max_findings: Optional[int] = typer.Option(None, "--max-findings", metavar="N", help="Text: show at most N findings (the summary counts all)."),
    adr_dir: Optional[str] = ADR_DIR_OPTION,
    repo: Path = REPO_OPTION,
    rules_from: Optional[str] = typer.Option(None, "--rules-from", help="Judge by the ADRs and [tool.govern] of this commit, as the server hook judges a push by the old tip's (with --rev: the whole push onto --new-since, exactly as the hook does)."),
    patch: Optional[str] = typer.Option(None, "--patch", help="Judge the working tree plus this patch (unified diff or apply_patch; FILE or - for stdin) without writing it; only what it adds blocks."),
) -> None:
    """Judge the working tree (or --staged, or --rev REV) against the ADRs; exit 0 allow, 1 block, 2 error."""
    options = CheckOptions(rev=rev, staged=staged, new_since=new_since, fmt=fmt, output=output, engine=engine,
                           verify=verify, adr_dir=adr_dir, repo=repo, quiet=quiet, no_proof=no_proof,
                           only_new=only_new, max_findings=max_findings, paths=tuple(paths or ()), patch=patch,
                           rules_from=rules_from)
    raise typer.Exit(run_check(options))


@app.command("query")
def query(
    goal: str = typer.Argument(..., metavar="GOAL", help='A rule body, e.g. \'imports(M, "stripe"), not under(M, "app.billing")\'.'),
    rev: Optional[str] = typer.Option(None, "--rev", metavar="REV", help="Ask about this commit instead of the working tree."),
    fmt: str = format_option(("text", "json")),
    engine: Optional[str] = ENGINE_OPTION,
    adr_dir: Optional[str] = ADR_DIR_OPTION,
    repo: Path = REPO_OPTION,
) -> None:
    """Ask an ad-hoc question over the facts and the active rules; print the sorted bindings.

    Exit 0 when there is at least one answer, 1 when there is none, 2 on a bad query.
    """
    from govern.verdict.query import format_answers, run_query
    from govern.verdict.targets import judge_request, open_repo

    check_format(fmt, ("text", "json"))
    top = open_repo(repo)
    request = judge_request(top, rev=rev, staged=False, new_since=None, engine=engine, adr_dir=adr_dir)
    answers = run_query(request, goal)
    typer.echo(format_answers(answers, fmt), nl=False)
    raise typer.Exit(EXIT_OK if answers.rows else EXIT_VIOLATIONS)

