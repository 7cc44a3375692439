"""Persistent scan results keyed by (extractor name, version, variant, blob id).

Stored under `<git common dir>/govern/cache/` (bare repositories and pre-receive
quarantines included: the quarantine only diverts new objects, the git dir stays
writable). Entries live in 256 JSON shards by blob-id prefix. A shard is written to
a temporary file and moved into place with `os.replace`, so a reader sees a whole
old shard or a whole new one, never a partial one; unreadable shards count as empty.
Two processes flushing the same shard at once may drop each other's new entries;
that costs a later re-scan, never a wrong answer.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from facts.gitio import git_dir

FORMAT = "v1"


@dataclass
class CacheStats:
    """Counters of one Cache object: `misses` is the number of blobs actually scanned."""

    hits: int = 0
    misses: int = 0
    writes: int = 0


class Cache:
    """A directory of scan results; `get`/`put` in memory, `flush` to disk."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory) / FORMAT
        self.stats = CacheStats()
        self._shards: dict[str, dict] = {}
        self._dirty: dict[str, dict] = {}

    @classmethod
    def for_repo(cls, repo: str | os.PathLike) -> "Cache":
        """The cache of a repository: `<git common dir>/govern/cache`."""
        return cls(git_dir(repo) / "govern" / "cache")

    def get(self, key: str, blob: str) -> object | None:
        value = self._shard(blob).get(f"{key}:{blob}")
        if value is None:
            self.stats.misses += 1
        else:
            self.stats.hits += 1
        return value

    def put(self, key: str, blob: str, value: object) -> None:
        self._shard(blob)[f"{key}:{blob}"] = value
        self._dirty.setdefault(blob[:2], {})[f"{key}:{blob}"] = value

    def flush(self) -> None:
        """Write every shard that got new entries (merged with what is on disk now)."""
        for prefix, new in sorted(self._dirty.items()):
            merged = {**_load(self._path(prefix)), **new}
            _atomic_write(self._path(prefix), json.dumps(merged, sort_keys=True, separators=(",", ":")).encode())
            self.stats.writes += 1
        self._dirty.clear()

    def _path(self, prefix: str) -> Path:
        return self.directory / f"{prefix}.json"

    def _shard(self, blob: str) -> dict:
        prefix = blob[:2]
        if prefix not in self._shards:
            self._shards[prefix] = _load(self._path(prefix))
        return self._shards[prefix]


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}  # missing or corrupt: start afresh
    return data if isinstance(data, dict) else {}


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
