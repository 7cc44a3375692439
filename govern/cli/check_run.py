"""What `govern check` does, without typer: shared by its typer command and the fast path."""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from govern.errors import EXIT_OK, EXIT_VIOLATIONS, UsageError

FORMATS = ("text", "json", "sarif")  # govern.verdict.render.RENDERERS, imported lazily (startup time)


@dataclass(frozen=True)
class CheckOptions:
    """The options of `govern check` (see its --help), with their defaults."""

    rev: str | None = None
    staged: bool = False
    new_since: str | None = None
    fmt: str = "text"
    output: Path | None = None
    engine: str | None = None
    verify: bool = False
    adr_dir: str | None = None
    repo: Path = Path(".")


def run_check(options: CheckOptions) -> int:
    """Judge, print the verdict, return the exit code (0 allow, 1 block); GovernError on bad input."""
    from govern.verdict.judge import judge_in_full
    from govern.verdict.render import render
    from govern.verdict.targets import judge_request, open_repo

    o = options
    if o.fmt not in FORMATS:
        raise UsageError(f"unknown format {o.fmt!r} (known: {', '.join(FORMATS)})")
    top = open_repo(o.repo)
    request = judge_request(top, rev=o.rev, staged=o.staged, new_since=o.new_since, engine=o.engine, adr_dir=o.adr_dir)
    with _progress("govern: judging…"):
        judgement = judge_in_full(request)
    verdict = judgement.verdict
    if o.verify:
        from govern.verdict.verify import verify_proofs

        problems = verify_proofs(verdict.to_json(), judgement.evaluation.rules, judgement.evaluation.store)
        if problems:
            raise UsageError("proof verification failed:\n  " + "\n  ".join(problems))
    color = o.output is None and o.fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    _emit(render(o.fmt, verdict, color=color), o.output)
    return EXIT_VIOLATIONS if verdict.blocking else EXIT_OK


def _progress(message: str):
    """A spinner on stderr while judging, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def _emit(chunks: Iterable[str], output: Path | None) -> None:
    """Write the pieces as UTF-8 whatever the locale (the bytes are the contract)."""
    if output is None:
        sys.stdout.flush()
        _write(chunks, sys.stdout.buffer)
        return
    try:
        with open(output, "wb") as out:
            _write(chunks, out)
    except OSError as err:
        raise UsageError(f"cannot write {output}: {err.strerror}") from None


def _write(chunks: Iterable[str], out) -> None:
    for chunk in chunks:
        out.write(chunk.encode("utf-8"))
    out.flush()
