"""`govern hook install --server BARE_REPO`, `govern hook pre-receive`, `govern hook post-receive`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from govern.cli.app import app

hook_app = typer.Typer(help="Install and run the git server hooks (see docs/hooks.md).", no_args_is_help=True)
app.add_typer(hook_app, name="hook")


@hook_app.command("install")
def install_cmd(
    server: Path = typer.Option(..., "--server", help="The bare repository that receives pushes."),
    force: bool = typer.Option(False, "--force", help="Replace pre-receive/post-receive hooks govern did not write."),
    hooks_dir: Path = typer.Option(None, "--hooks-dir", help="Write the hook scripts here instead of the repository's "
                                   "hooks directory (GitLab: <repo>.git/custom_hooks)."),
    dispatch: bool = typer.Option(False, "--dispatch", help="Write each hook as <hooks-dir>/<hook>.d/govern, for forges "
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
) -> None:
    """Write the hooks, the receive settings and the server policy (idempotent); print the policy."""
    from govern.hook.install import configure_policy, install
    from govern.hook.pre_receive import server_policy
    from govern.hook.refs import default_branch

    repo = server.absolute()
    report = install(repo, force=force, hooks_dir=hooks_dir.absolute() if hooks_dir else None, dispatch=dispatch)
    policy = configure_policy(repo, {"govern.hookBudget": budget, "govern.failOpen": fail_open, "govern.refs": refs,
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
    for line in server_policy(repo, default_branch(repo)).lines():
        typer.echo(f"  {line}")


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
