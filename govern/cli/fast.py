"""The hot commands, run without typer when their arguments have a plain, common shape.

typer (~33 ms of imports) builds a pydantic TypeAdapter for every parameter it processes,
its own --help included, so every command parsed by typer also imports pydantic (~60 ms):
about a fifth of a warm `govern check` at 2,000 modules. These skip it:

* `govern hook pre-receive` / `post-receive` exactly as git runs them (no arguments);
* `govern agent-hook HARNESS` exactly as the coding agents run it;
* `govern --version` / `govern -V` alone (the floor of a govern command: interpreter and
  govern.cli.app, benchmarks/README.md);
* `govern check` whose every argument is a PATH (not starting with `-`) or one of its options
  written `--opt VALUE`, `--opt=VALUE` or `-o VALUE` (each at most once, no value empty or
  starting with `-`).

Anything else (`--help`, a global option, a bundled short option, `--`, a repeated or
unknown option) returns None and goes through typer, which also owns every usage error.
tests/unit/test_startup_fast.py checks that both ways give the same bytes and exit code.
"""
from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

HOOKS = {
    ("hook", "pre-receive"): "govern.hook.pre_receive",
    ("hook", "post-receive"): "govern.hook.post_receive",
}

# `govern agent-hook HARNESS` as the harnesses run it (govern.cli.agent_cmd.HARNESSES)
AGENT_HARNESSES = ("claude-code", "codex", "gemini", "cursor")

# `govern check`'s options (govern.cli.check_cmd) → CheckOptions field
CHECK_VALUES = {"--rev": "rev", "--new-since": "new_since", "--format": "fmt", "-f": "fmt", "--output": "output",
                "-o": "output", "--engine": "engine", "--adr-dir": "adr_dir", "--repo": "repo", "-C": "repo",
                "--max-findings": "max_findings", "--patch": "patch", "--rules-from": "rules_from"}
CHECK_FLAGS = {"--staged": "staged", "--verify": "verify", "--quiet": "quiet", "-q": "quiet",
               "--no-proof": "no_proof", "--only-new": "only_new"}
CHECK_PATHS = frozenset({"output", "repo"})
CHECK_INTS = frozenset({"max_findings"})
CHECK_ARGUMENTS = "paths"  # the PATH arguments


def fast_command(args: list[str]) -> Callable[[], int] | None:
    """A function running the command of `args` without typer, or None (then typer runs it)."""
    if args in (["--version"], ["-V"]):
        return _version
    if tuple(args) in HOOKS:
        return import_module(HOOKS[tuple(args)]).main
    if len(args) == 2 and args[0] == "agent-hook" and args[1] in AGENT_HARNESSES:
        return lambda: import_module("govern.agents.hook").main(args[1])
    if args[:1] == ["check"]:
        fields = check_fields(args[1:])
        if fields is not None:
            return lambda: _check(fields)
    return None


def _version() -> int:
    """What typer's eager --version option prints (govern.cli.app)."""
    from govern import __version__

    print(f"govern {__version__}", flush=True)
    return 0


def _check(fields: dict) -> int:
    """A stored verdict printed by govern.cli.check_stored (lean), else the check in full
    (from the working tree's stat pass the former took, if it took one)."""
    from govern.cli.check_stored import printed_if_stored

    code, listed = printed_if_stored(fields)
    if code is not None:
        return code
    from govern.cli.check_run import CheckOptions, run_check

    return run_check(CheckOptions(**fields), listed)


def check_fields(args: list[str]) -> dict | None:
    """CheckOptions fields of `govern check ARGS` when they have the plain shape above, else None."""
    fields: dict = {}
    paths: list[str] = []
    rest = iter(args)
    for token in rest:
        name, eq, attached = token.partition("=")
        if token in CHECK_FLAGS:
            key, value = CHECK_FLAGS[token], True
        elif eq and name.startswith("--") and name in CHECK_VALUES:
            key, value = CHECK_VALUES[name], attached
        elif token in CHECK_VALUES:
            key, value = CHECK_VALUES[token], next(rest, None)
        elif token and not token.startswith("-"):
            paths.append(token)
            continue
        else:
            return None
        if key in fields or value is None or value == "" or (value is not True and value.startswith("-")):
            return None
        if key in CHECK_INTS and not (value.isascii() and value.isdigit()):
            return None  # typer owns the error message (and int()'s other spellings)
        fields[key] = Path(value) if key in CHECK_PATHS else int(value) if key in CHECK_INTS else value
    if paths:
        fields[CHECK_ARGUMENTS] = tuple(paths)
    return fields
