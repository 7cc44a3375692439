"""`govern hook install --server BARE_REPO | --client`, `govern hook pre-receive|post-receive|pre-push`."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from govern.cli.app import app
from govern.errors import UsageError

hook_app = typer.Typer(help="Install and run git hooks: the server's (docs/hooks.md) and local ones (docs/ci.md).", no_args_is_help=True)
app.add_typer(hook_app, name="hook")


@hook_app.command("install")
def install_cmd(
    server: Optional[Path] = typer.Option(None, "--server", metavar="BARE_REPO", help="Install the server hooks into this bare repository."),
    client: bool = typer.Option(False, "--client", help="Install local hooks into this repository (-C) instead."),
    pre_commit: bool = typer.Option(False, "--pre-commit", help="With --client: the pre-commit hook (the default)."),
    pre_push: bool = typer.Option(False, "--pre-push", help="With --client: the pre-push hook."),
    force: bool = typer.Option(False, "--force", help="--server: replace pre-receive/post-receive hooks govern did not write."),
    hooks_dir: Path = typer.Option(None, "--hooks-dir", help="--server: write the hook scripts here instead of the repository's "
                                   "hooks directory (GitLab: <repo>.git/custom_hooks)."),
    dispatch: bool = typer.Option(False, "--dispatch", help="--server: write each hook as <hooks-dir>/<hook>.d/govern, for forges "
                                  "that run every script there (Gitea, GitLab); see docs/install.md."),
    budget: Optional[float] = typer.Option(None, "--budget", help="govern.hookBudget: seconds the hook may judge."),
    fail_open: Optional[bool] = typer.Option(None, "--fail-open/--fail-closed",
                                             help="govern.failOpen: let refs govern could not judge through."),
    refs: Optional[list[str]] = typer.Option(None, "--refs", help="govern.refs: 'PATTERN block|warn|off' (repeat)."),
    adr_change_policy: Optional[str] = typer.Option(None, "--adr-change-policy",
                                                    help="govern.adrChangePolicy: humans, signed, owners or anyone."),
    agent_pushers: Optional[list[str]] = typer.Option(None, "--agent-pusher",
                                                      help="govern.agentPushers: a pusher account that is an agent (repeat)."),
    allow_rewrites: Optional[bool] = typer.Option(None, "--allow-rewrites/--refuse-rewrites",
                                                  help="govern.allowRewrites: non-fast-forward updates and deletions of blocking refs."),
    repo: Path = typer.Option(Path("."), "--repo", "-C", metavar="PATH", help="With --client: the repository (default: the current one)."),
) -> None:
    """Install git hooks: the server's hooks, receive settings and policy (--server; prints the
    policy) or local ones (--client). Idempotent.

    --client keeps a hook that was already there as HOOK.pre-govern and runs it first.
    """
    if (server is None) == (not client):
        raise UsageError("give either --server BARE_REPO or --client [--pre-commit] [--pre-push]")
    if client:
        _install_client(repo, ["pre-commit"] * (pre_commit or not pre_push) + ["pre-push"] * pre_push)
        return
    if pre_commit or pre_push:
        raise UsageError("--pre-commit and --pre-push go with --client")
    from govern.hook.install import configure_policy, install
    from govern.hook.pre_receive import server_policy
    from govern.hook.refs import default_branch

    bare = server.absolute()
    report = install(bare, force=force, hooks_dir=hooks_dir.absolute() if hooks_dir else None, dispatch=dispatch)
    policy = configure_policy(bare, {"govern.hookBudget": budget, "govern.failOpen": fail_open, "govern.refs": refs,
                                     "govern.adrChangePolicy": adr_change_policy, "govern.agentPushers": agent_pushers,
                                     "govern.allowRewrites": allow_rewrites})
    for path in report.written:
        typer.echo(f"wrote {path}")
    for setting in report.configured + policy:
        typer.echo(f"set {setting}")
    if not report.written and not report.configured and not policy:
        typer.echo(f"already installed in {report.hooks_dir}")
    if report.warmed:
        typer.echo(report.warmed)
    typer.echo("policy:")
    for line in server_policy(bare, default_branch(bare)).lines():
        typer.echo(f"  {line}")


def _install_client(repo: Path, hooks: list[str]) -> None:
    from govern.hook.client import install_client

    for done in install_client(repo, hooks):
        if done.kept:
            typer.echo(f"kept the existing {done.hook} hook as {done.kept} (it runs first)")
        typer.echo(f"wrote {done.path}" if done.written else f"already installed: {done.path}")


@hook_app.command("pre-push")
def pre_push_cmd(
    remote: Optional[str] = typer.Argument(None, help="The remote's name (git passes it)."),
    url: Optional[str] = typer.Argument(None, help="The remote's URL (git passes it; unused)."),
) -> None:
    """Run as git's pre-push hook: judge each pushed tip against what the remote has; exit 1 blocks."""
    from govern.hook.client import judge_pushes, read_pushes
    from govern.verdict.render_text import render_text
    from govern.verdict.targets import open_repo

    top = open_repo(Path("."))
    blocked = False
    for push, verdict in judge_pushes(top, read_pushes(sys.stdin), remote):
        blocked = blocked or bool(verdict.blocking)
        if verdict.blocking or verdict.violations:
            typer.echo(f"govern: {push.local_ref} → {push.remote_ref}:")
            typer.echo(render_text(verdict, proofs=False), nl=False)
    if blocked:
        typer.echo("govern: push blocked; `govern check --rev REV --new-since BASE` shows the proofs "
                   "(git push --no-verify skips this local check, not the server's).", err=True)
    raise typer.Exit(1 if blocked else 0)


@hook_app.command("pre-receive")
def pre_receive_cmd() -> None:
    """Run as git's pre-receive hook: reads `old new ref` lines, exits 1 to reject the push."""
    from govern.hook.pre_receive import main

    raise typer.Exit(main())


@hook_app.command("post-receive")
def post_receive_cmd() -> None:
    """Run as git's post-receive hook: writes the verdict notes of the accepted push."""
    from govern.hook.post_receive import main

    raise typer.Exit(main())
