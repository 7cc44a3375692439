"""Persistent scan results keyed by (extractor name, version, variant, blob id).

Stored under `<git common dir>/govern/cache/` (bare repositories and pre-receive
quarantines included: the quarantine only diverts new objects, the git dir stays
writable). Entries live in 16 shards by the blob id's first digit (a cold run of 2,000
modules wrote 256 small files, ~0.1 s of its 0.7 s), in `marshal` format (a warm
extraction of 10,000 modules decodes 6 MB of them: 0.09 s as JSON, ~0.03 s so), each
string stored once per shard so that the loaded scans share them (a module name imported
by thousands of files is one object, hashed once by every later set and dict). A shard
is written to a temporary file and moved into place with `os.replace`, so a reader sees
a whole old shard or a whole new one, never a partial one; unreadable shards count as
empty.
Two processes flushing the same shard at once may drop each other's new entries;
that costs a later re-scan, never a wrong answer.
"""
from __future__ import annotations

import marshal
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .gitio import git_dir

SHARD = 1  # hex digits of the blob id naming its shard
FORMAT = "v3"  # v3: 16 shards (v2: 256 shards, marshal, strings shared; v1: JSON)
MARSHAL = 4  # marshal format: repeated objects stored once (since 3), short strings compact


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
        self._dirty.setdefault(blob[:SHARD], {})[f"{key}:{blob}"] = value

    def flush(self) -> None:
        """Write every shard that got new entries (merged with what is on disk now)."""
        for prefix, new in sorted(self._dirty.items()):
            merged = {**_load(self._path(prefix)), **new}
            atomic_write(self._path(prefix), marshal.dumps(_shared(dict(sorted(merged.items())), {}), MARSHAL))
            self.stats.writes += 1
        self._dirty.clear()

    def _path(self, prefix: str) -> Path:
        return self.directory / f"{prefix}.marshal"

    def _shard(self, blob: str) -> dict:
        prefix = blob[:SHARD]
        if prefix not in self._shards:
            self._shards[prefix] = _load(self._path(prefix))
        return self._shards[prefix]


def _load(path: Path) -> dict:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}  # missing or corrupt: start afresh
    return data if isinstance(data, dict) else {}


def _shared(value, strings: dict[str, str]):
    """`value` (JSON-like: dict, list, str, int...) with equal strings made one object:
    marshal then stores each once and the reader gets them shared."""
    kind = type(value)
    if kind is str:
        return strings.setdefault(value, value)
    if kind is list:
        return [_shared(v, strings) for v in value]
    if kind is dict:
        return {_shared(k, strings): _shared(v, strings) for k, v in value.items()}
    return value


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file next to `path`, then move it into place: a reader sees
    the whole old file or the whole new one (govern's ADR cache writes the same way)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
