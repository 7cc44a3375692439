"""The git calls of notes and hooks, until `facts.gitio` (the one place that runs git) lands.

Same discipline as facts.gitio: never a shell, `--` before paths, the environment inherited
untouched — inside pre-receive the quarantine variables (GIT_QUARANTINE_PATH,
GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES) must survive, or pushed objects are
invisible. Extra variables may be *added* (e.g. a private GIT_INDEX_FILE), never removed.
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from govern.errors import GitError

ZERO = "0" * 40


def run_git(repo: str | Path, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None) -> bytes:
    """Run `git -C repo ARGS` and return stdout; a failure raises GitError with git's message."""
    full_env = None if env is None else {**os.environ, **env}
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], input=input, capture_output=True, env=full_env, check=False
        )
    except OSError as err:  # git missing from PATH
        raise GitError(f"cannot run git: {err}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        raise GitError(f"git {args[0]}: {message}")
    return done.stdout


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
    """The absolute git directory of `repo` (bare or not)."""
    out = run_git(repo, "rev-parse", "--absolute-git-dir")
    return Path(out.decode().strip())
