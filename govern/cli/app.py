"""The typer application and the one place that maps errors to exit codes."""
from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from functools import lru_cache

from govern import __version__
from govern.errors import EXIT_INTERNAL, EXIT_USAGE, GovernError


def __getattr__(name: str):
    """PEP 562: `app`, the typer application, built on first use (see govern.cli.fast)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _typer_app()


@lru_cache(maxsize=1)
def _typer_app():
    import typer

    _classic_help()
    app = typer.Typer(
        name="govern",
        help="Should this change land? Enforce the architecture decisions in adr/.",
        no_args_is_help=True,
        add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help: "[tool.govern]" in a help text is text, not rich markup
    )

    def _version(value: bool) -> None:
        if value:
            typer.echo(f"govern {__version__}")
            raise typer.Exit(0)

    @app.callback()
    def _root(
        version: bool = typer.Option(False, "-V", "--version", callback=_version, is_eager=True, help="Print the version and exit."),
        debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors."),
    ) -> None:
        if debug:
            os.environ["GOVERN_DEBUG"] = "1"

    return app


def _classic_help() -> None:
    """Help spells values as click does (`GOAL`, `[PATH]...`, `--rev REV`), not typer 0.2x's
    `{goal}`, `<str>` and `<bool>`: an option's value is its metavar (or its name in capitals),
    an argument is its metavar or name. tests/e2e/test_cli_finish.py reads every --help."""
    from typer.core import TyperArgument, TyperOption

    def usage_name(self) -> str:
        name = self.display_name_raw.upper() if self.metavar is None else self.metavar
        if self.metavar is None:
            name = name if self.required else f"[{name}]"
            name += "..." if self.nargs != 1 else ""
        return name

    TyperArgument._usage_display_name = usage_name
    TyperArgument._rich_display_name = usage_name
    TyperArgument.display_type_rich = lambda self, ctx: None
    TyperOption.display_type_rich = lambda self, ctx: self.metavar or self.name.upper()


def _register_commands() -> None:
    # Each command group lives in its own module and adds itself to `app`.
    from govern.cli import commands  # noqa: F401  (import registers the commands)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the CLI, never show a traceback unless --debug."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("GOVERN_DEBUG") == "1"
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 path (lone surrogates) prints escaped
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        from govern.cli.fast import fast_command

        run = fast_command(args)
        if run is not None:
            return _direct(run)
        _register_commands()
        _typer_app()(args=args, prog_name="govern")  # standalone: click handles usage errors (exit 2)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else EXIT_USAGE)
    except GovernError as err:
        _echo_error(str(err) if "\n" in str(err) else f"govern: {err}")
        return err.exit_code
    except (BrokenPipeError, KeyboardInterrupt):
        return EXIT_USAGE
    except Exception:  # a bug: say so, exit 3, traceback only when asked
        if debug:
            raise
        exc = sys.exc_info()[1]
        _echo_error(f"govern: internal error: {type(exc).__name__}: {exc} (rerun as `govern --debug …` or with GOVERN_DEBUG=1 for a traceback)")
        return EXIT_INTERNAL
    return 0


def _direct(run: Callable[[], int]) -> int:
    """`run()` with the exit codes the command would give under typer (see typer.core._main)."""
    try:
        return run()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1


def _echo_error(message: str) -> None:
    import typer  # its echo: ANSI sequences stripped when stderr is not a terminal

    typer.echo(message, err=True)


def entry() -> None:
    """The `govern` console script: one command per process, run without the cyclic GC.

    A command is a short batch job that allocates hundreds of thousands of long-lived
    objects (facts, sources, indexes) and frees almost none: the collector would only
    rescan them, again and again (a warm check of 10,000 modules spent ~0.5 s there).
    Reference counting still frees everything else, and the process ends with the
    command. In-process callers (tests, tools) use `main`, which leaves the GC alone.

    It also leaves with `os._exit` once the standard streams are flushed: freeing those
    objects one by one at interpreter exit cost ~0.2 s at 10,000 modules, and every file
    the commands write is closed (and fsync'd where it matters) before they return.
    """
    gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            code = code or EXIT_USAGE
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
