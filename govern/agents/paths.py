"""Paths named in agent payloads are hostile: resolve them inside the repository or refuse them."""
from __future__ import annotations

import os
import stat

from govern.errors import UsageError


class PathOutside(UsageError):
    """An absolute path outside the repository (hooks leave those to the harness)."""


def repo_path(root: str, raw: object) -> str:
    """The repository-relative POSIX path of `raw` (relative to `root`, or absolute inside it).

    Refused (UsageError): not a non-empty string, NUL bytes, `..` components, the `.git`
    directory, a path through a symlink (it would write outside what git tracks), or the
    repository root itself. An absolute path elsewhere raises PathOutside.
    """
    if not isinstance(raw, str) or not raw or "\0" in raw:
        raise UsageError(f"invalid path {raw!r}: a non-empty string without NUL bytes expected")
    if os.path.isabs(raw):
        relative = _inside(root, raw)
    else:
        relative = raw
    parts = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in relative.replace("\\", "/").split("/"):
        raise UsageError(f"path {raw!r} leaves the repository ('..' is not allowed)")
    if not parts:
        raise UsageError(f"path {raw!r} names the repository itself, not a file")
    if parts[0] == ".git":
        raise UsageError(f"path {raw!r} is inside .git, not the working tree")
    _no_symlink(root, parts, raw)
    return "/".join(parts)


def _inside(root: str, raw: str) -> str:
    norm = os.path.normpath(raw)
    for top in dict.fromkeys((root, os.path.realpath(root))):
        if norm == top or norm.startswith(os.path.join(top, "")):
            return os.path.relpath(norm, top)
    raise PathOutside(f"path {raw!r} is outside the repository {root}")


def _no_symlink(root: str, parts: list[str], raw: str) -> None:
    """No existing component of the path may be a symlink (or a non-directory before the last)."""
    here = root
    for i, part in enumerate(parts):
        here = os.path.join(here, part)
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            return  # the rest does not exist yet: nothing to follow
        except OSError as err:
            raise UsageError(f"path {raw!r}: {err.strerror}") from None
        if stat.S_ISLNK(mode):
            raise UsageError(f"path {raw!r} goes through the symlink {'/'.join(parts[:i + 1])!r}")
        if i < len(parts) - 1 and not stat.S_ISDIR(mode):
            raise UsageError(f"path {raw!r}: {'/'.join(parts[:i + 1])!r} is not a directory")
