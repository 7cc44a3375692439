"""One error hierarchy; the CLI maps it to exit codes (see govern.cli.app)."""
from __future__ import annotations

from collections import namedtuple

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


# Plain classes, no dataclasses: every command imports this module, and `dataclasses` (with
# `inspect`) costs a warm `govern check` ~7 ms (govern.cli.check_stored).
class Diagnostic(namedtuple("Diagnostic", ("path", "line", "col", "message"))):
    """A located problem in user input: `path:line:col: message` (ordered by path, line, col, message)."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class GovernError(Exception):
    """Base of every error a user can cause; `exit_code` tells the CLI what to return."""

    exit_code = EXIT_USAGE


class UsageError(GovernError):
    """Bad command-line arguments, bad configuration, unknown revision."""


class AdrError(GovernError):
    """One or more ADRs are invalid. All diagnostics of all ADRs, sorted."""

    def __init__(self, diagnostics: list[Diagnostic] | None = None) -> None:
        self.diagnostics = sorted(set(diagnostics or ()))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self.diagnostics)


class GitError(GovernError):
    """A git command failed (unknown revision, not a repository, ...)."""


def did_you_mean(word: object, choices) -> str:
    """`; did you mean 'x'?` when one of `choices` is close to `word` (difflib), else ""."""
    from difflib import get_close_matches

    close = get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
