"""Blob ids of working-tree files, remembered by their stat data (an optimisation).

What a file's blob id is never changes: the id `git hash-object --no-filters` gives its bytes
(facts.tree.WorkTree). Git vouches for most ids from its index (facts.indexstat), but not for
files under a conversion attribute (`* text=auto eol=lf` is common: sqlfluff's 6,000 files
were all hashed on every run) nor for untracked ones. This cache does for govern what the
index does for git: it records, per path, the stat data (device, inode, mode, size, mtime,
ctime) a file had when its id was computed, and a later run that finds the same stat data
takes the id from here instead of reading the file.

Why this is exact: any write to a file sets its ctime to the current time, and no user call
can set a ctime. An entry is recorded only when the file's ctime is at least MARGIN_NS older
than the moment the run began looking at files (`since`): the id was then computed from
bytes that stopped changing before `since`, and any later write gives the file a ctime past
`since - MARGIN_NS`, so its stat data can never equal the recorded one again. (Git's "racily
clean" entries are the files this margin leaves out; they are hashed on every run until
they age.) MARGIN_NS covers timestamp granularity (coarse kernel clocks, 1-2 s on some file
systems).

One file per git dir (a linked worktree has its own), `<git dir>/govern/stat-v1`: a SHA-256
of the payload, then the payload (marshal). A file that is missing, damaged (checksum),
of another format or for another working tree counts as empty: every file is then hashed
or vouched for by git as before. It is rewritten (whole, atomically) only when an entry
was added or a listed path disappeared.
"""
from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path

from .cache import atomic_write

FORMAT = "stat-v1"
MARGIN_NS = 2_000_000_000
Stat = tuple[int, int, int, int, int, int]  # st_dev, st_ino, st_mode, st_size, st_mtime_ns, st_ctime_ns


def stat_key(info: os.stat_result) -> Stat:
    return (info.st_dev, info.st_ino, info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


class StatCache:
    """{raw path: (stat data, blob id)} of one working tree."""

    def __init__(self, path: Path, top: str) -> None:
        self.path, self.top = path, top
        self._entries = _load(path, top)
        self._seen: dict[bytes, tuple[Stat, str]] = {}
        self._changed = False

    def get(self, raw: bytes, key: Stat) -> str | None:
        """The blob id recorded for `raw` with exactly this stat data, else None."""
        found = self._entries.get(raw)
        if found is not None and found[0] == key:
            self._seen[raw] = found
            return found[1]
        return None

    def put(self, raw: bytes, key: Stat, blob: str, since_ns: int) -> None:
        """Record `blob` for `raw` if its ctime and mtime are old enough (module docstring)."""
        if key[5] < since_ns - MARGIN_NS and key[4] < since_ns - MARGIN_NS:
            self._seen[raw] = (key, blob)
            self._changed = True

    def save(self) -> None:
        """Write the entries seen in this run (paths no longer listed are dropped)."""
        if not self._changed and len(self._seen) == len(self._entries):
            return
        payload = marshal.dumps([FORMAT, self.top, {raw: [list(k), b] for raw, (k, b) in self._seen.items()}])
        try:
            atomic_write(self.path, hashlib.sha256(payload).digest() + payload)
        except OSError:
            pass  # a read-only git dir: the next run hashes again, nothing is wrong


def _load(path: Path, top: str) -> dict[bytes, tuple[Stat, str]]:
    try:
        data = path.read_bytes()
        if hashlib.sha256(data[32:]).digest() != data[:32]:
            return {}
        fmt, owner, entries = marshal.loads(data[32:])
        if fmt != FORMAT or owner != top or not isinstance(entries, dict):
            return {}
        return {raw: (tuple(key), blob) for raw, (key, blob) in entries.items()
                if type(raw) is bytes and type(blob) is str and len(key) == 6}
    except (OSError, ValueError, EOFError, TypeError):
        return {}
