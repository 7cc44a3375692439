"""Small helpers over facts.gitio (the one place that runs git) for notes and hooks.

facts.gitio keeps the discipline: never a shell, the environment inherited untouched — inside
pre-receive the quarantine variables must survive or pushed objects are invisible. Extra
variables may be *added* (a private GIT_INDEX_FILE), never removed. Here git failures become
govern's GitError (a clear message, exit 2) and "absent" answers become None.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from govern.facts import gitio
from govern.errors import GitError

ZERO = "0" * 40


def run_git(repo: str | Path, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None) -> bytes:
    """Run `git ARGS` in `repo` and return stdout; a failure raises GitError with git's message."""
    try:
        return gitio.run_git(repo, *args, input=input, env=dict(env) if env is not None else None)
    except gitio.GitFailure as err:
        raise GitError(f"git {args[0]}: {err.stderr or f'exit {err.returncode}'}") from None
    except OSError as err:  # git missing, or `repo` is not a directory
        raise GitError(f"cannot run git in {repo}: {err}") from None


def try_git(repo: str | Path, *args: str, input: bytes | None = None) -> bytes | None:
    """Like run_git, but None when git fails (an absent ref, a missing note)."""
    try:
        return run_git(repo, *args, input=input)
    except GitError:
        return None


def resolve(repo: str | Path, rev: str) -> str | None:
    """The object id `rev` names, or None (`--verify --quiet`: no guessing, no pathspecs)."""
    out = try_git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", rev)
    return out.decode().strip() if out else None


def git_dir(repo: str | Path) -> Path:
    """The absolute git directory of `repo` (bare or not); GitError if it is not a repository."""
    return Path(run_git(repo, "rev-parse", "--absolute-git-dir").decode().strip())
