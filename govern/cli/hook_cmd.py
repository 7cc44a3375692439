"""`govern hook install --server BARE_REPO`, `govern hook pre-receive`, `govern hook post-receive`."""
from __future__ import annotations

from pathlib import Path

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
) -> None:
    """Write the pre-receive and post-receive hooks and the receive settings (idempotent)."""
    from govern.hook.install import install

    report = install(server.absolute(), force=force, hooks_dir=hooks_dir.absolute() if hooks_dir else None,
                     dispatch=dispatch)
    for path in report.written:
        typer.echo(f"wrote {path}")
    for setting in report.configured:
        typer.echo(f"set {setting}")
    if not report.written and not report.configured:
        typer.echo(f"already installed in {report.hooks_dir}")
    if report.warmed:
        typer.echo(report.warmed)


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
