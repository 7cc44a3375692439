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

The same argument makes stat_pass's digest of a whole listing (paths, stat data, submodule
commits) stand for the tree's bytes once it has settled: govern.verdict.cache remembers a
stored verdict's key by it, so that a repeated check reads no file at all.

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
import struct
import time
from collections.abc import Callable
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path
from stat import S_ISDIR

from .gitio import run_git
from .indexstat import files

FORMAT = "stat-v1"
MARGIN_NS = 2_000_000_000
Stat = tuple[int, int, int, int, int, int]  # st_dev, st_ino, st_mode, st_size, st_mtime_ns, st_ctime_ns


stat_key: Callable[[os.stat_result], Stat] = attrgetter("st_dev", "st_ino", "st_mode", "st_size", "st_mtime_ns",
                                                        "st_ctime_ns")


class StatPass:
    """One pass over a working tree's files (stat_pass): what git lists, in its order."""

    __slots__ = ("repo", "raws", "keys", "gitlinks", "since", "digest", "settled")

    def __init__(self, repo: str, raws: list[bytes], keys: list[Stat | None], gitlinks: list[tuple[bytes, str]],
                 since: int, digest: str, settled: bool) -> None:
        self.repo, self.raws, self.keys, self.gitlinks, self.since = repo, raws, keys, gitlinks, since
        self.digest, self.settled = digest, settled


def stat_pass(repo: str) -> StatPass:
    """The raw paths git lists (facts.indexstat.files), the stat data of each (stat_key;
    None: gone from disk), the directories among them with their staged commit ("" for a
    nested repository that is not a submodule), `since` (taken before any file is looked
    at), and a digest of all of them with whether it is `settled`: every path's ctime and
    mtime are MARGIN_NS older than `since`. A settled digest stands for the bytes as put()
    does (module docstring): a later write to any listed path gives it other stat data, so
    a tree whose digest equals a settled one holds the same files, bytes, links and
    submodule commits."""
    since = time.time_ns()
    root = os.path.join(os.fsencode(repo), b"")
    raws = files(repo)
    fulls = [root + raw for raw in raws]
    try:  # ~10,000 files: stat_result objects are the cost, the loop runs in C
        keys: list[Stat | None] = list(map(stat_key, map(os.lstat, fulls)))
    except OSError:  # a listed file is gone from disk
        keys = [_lstat_key(full) for full in fulls]
    gitlinks = _gitlinks(repo, [raw for raw, key in zip(raws, keys) if key is not None and S_ISDIR(key[2])])
    digest = hashlib.sha256(b"\0".join([FORMAT.encode(), os.fsencode(repo), *raws]) + b"\0\0")
    digest.update(_packed(keys) + marshal.dumps(gitlinks))
    present = [key for key in keys if key is not None]
    latest = max(max(map(itemgetter(4), present), default=0), max(map(itemgetter(5), present), default=0))
    return StatPass(repo, raws, keys, gitlinks, since, digest.hexdigest(), latest < since - MARGIN_NS)


def _lstat_key(full: bytes) -> Stat | None:
    try:
        return stat_key(os.lstat(full))
    except OSError:
        return None


_GONE = (-1,) * 6  # no stat data has a negative mode


def _packed(keys: list[Stat | None]) -> bytes:
    """The stat data as bytes: six 64-bit integers each (marshal's bytes when one does not fit)."""
    try:
        return b"q" + struct.pack(f"<{6 * len(keys)}q", *chain.from_iterable(_GONE if k is None else k for k in keys))
    except struct.error:
        return b"m" + marshal.dumps(keys)


def _gitlinks(repo: str, directories: list[bytes]) -> list[tuple[bytes, str]]:
    """(path, staged commit) of the directories git lists: submodules, and nested
    repositories that are not submodules (no commit: "")."""
    if not directories:
        return []
    directories = [d.rstrip(b"/") for d in directories]
    staged = {}
    out = run_git(repo, "--literal-pathspecs", "ls-files", "-s", "-z", "--", *[os.fsdecode(d) for d in directories])
    for record in out.split(b"\0"):
        meta, _, path = record.partition(b"\t")
        if meta.startswith(b"160000 "):
            staged[path] = meta.split()[1].decode()
    return [(d, staged.get(d, "")) for d in directories]


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
        from .cache import atomic_write

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
