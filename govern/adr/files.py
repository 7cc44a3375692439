"""Where ADR files come from: a directory on disk (the CLI) or a facts Tree (a commit, the index)."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from govern.adr.model import AdrSet
from govern.errors import UsageError


def blob_id(data: bytes) -> str:
    """The git blob id of `data` (what `git hash-object` prints), computed without git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def load_adr_dir(path: str | Path, shown: str | None = None, defaults: Mapping[str, Any] | None = None) -> AdrSet:
    """Load the `*.md` files directly inside `path`; paths in diagnostics are `<shown>/<name>`
    (`shown` defaults to `path`; the CLI passes the repository-relative ADR directory);
    `defaults`: the rule keys `[tool.govern]` sets (Config.rule_defaults)."""
    from govern.adr.loader import load_adrs

    root = Path(path)
    if not root.is_dir():
        raise UsageError(f"ADR directory {str(shown or path)!r} not found (run `govern init`, or pass --adr-dir)")
    prefix = str(shown or path).rstrip("/")
    files = []
    for entry in sorted(root.iterdir()):
        if entry.suffix == ".md" and entry.is_file() and not entry.is_symlink():
            data = entry.read_bytes()
            files.append((f"{prefix}/{entry.name}", data, blob_id(data)))
    return load_adrs(files, defaults)


# ADR sets already loaded in this process, by their files' (path, blob id): the server hook
# judges every pushed commit against the same rules' tree, and parsing ADRs is the costly part
# (~5 ms an ADR). Only successful loads are kept; a few sets at most.
_LOADED: dict[tuple, AdrSet] = {}
_LOADED_MAX = 8


def load_adr_tree(tree, adr_dir: str, defaults: Mapping[str, Any] | None = None) -> AdrSet:
    """Load the `*.md` files directly inside `adr_dir` of a facts.tree.Tree (entries()/read_many()).

    Trees of a repository (with a `repo` attribute) go through the on-disk cache of
    compiled ADR sets (govern.adr.cache), so that a warm run imports no ADR parser.
    """
    prefix = adr_dir.strip("/") + "/"
    wanted = [e for e in tree.entries() if e.path.startswith(prefix) and "/" not in e.path[len(prefix):] and e.path.endswith(".md")]
    if not wanted:  # what load_adrs([]) gives, without importing the ADR parsers (~15 ms)
        return AdrSet()
    files = [(e.path, e.blob) for e in wanted]
    settings = sorted((defaults or {}).items())
    key = (tuple(files), tuple(settings))
    if key not in _LOADED:
        def load() -> AdrSet:
            from govern.adr.loader import load_adrs

            contents = tree.read_many([e.blob for e in wanted])
            return load_adrs([(e.path, contents[e.blob], e.blob) for e in wanted], defaults)

        repo = getattr(tree, "repo", None)
        directory = _cache_dir(os.fspath(repo)) if repo is not None else None
        if directory is not None:
            from govern.adr.cache import load_cached

            adrs = load_cached(directory, files, load, settings)
        else:
            adrs = load()
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = adrs
    return _LOADED[key]


@lru_cache(maxsize=8)
def _cache_dir(repo: str) -> Path | None:
    """`<git common dir>/govern/adrs`, next to the facts cache (None: not a repository).

    A working tree's own `.git` directory is recognised without running git (~5 ms a
    spawn); entries are keyed by content, so the directory is only ever a place, never a
    wrong answer. Anything else (a bare repository, a linked worktree) asks git.
    """
    from govern.facts.gitio import GitFailure, git_dir

    dot_git = Path(repo) / ".git"
    if (dot_git / "objects").is_dir() and (dot_git / "HEAD").is_file() and not (dot_git / "commondir").exists():
        return dot_git / "govern" / "adrs"
    try:
        return git_dir(repo) / "govern" / "adrs"
    except (GitFailure, OSError):
        return None
