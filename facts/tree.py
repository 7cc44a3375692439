"""The Tree seam: paths with blob ids and bytes, from a commit, the index, the work tree or memory.

Paths are git's raw bytes decoded as UTF-8 with `surrogateescape`: valid UTF-8 reads
as usual, any other byte becomes a lone surrogate (U+DC80-U+DCFF), so the name is
never lost and `os.fsencode(path)` gives the original bytes back.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Protocol

from .gitio import CatFile, repo_layout, resolve, run_git
from .indexstat import CONVERSIONS, eol_listing
from .statcache import FORMAT as STAT_CACHE, StatCache, StatPass, stat_pass

REGULAR = ("100644", "100755")
SYMLINK, GITLINK = "120000", "160000"  # never followed: listed by Tree.links() so they can be reported


def decode_path(raw: bytes) -> str:
    """Decode a path exactly as every Tree does (UTF-8, surrogateescape)."""
    return raw.decode("utf-8", "surrogateescape")


@dataclass(frozen=True, order=True)
class Entry:
    """A regular file of a tree: its path, blob id, git mode and size in bytes."""

    path: str
    blob: str
    mode: str
    size: int


class Tree(Protocol):
    """What extractors read: the files of a tree and their contents by blob id."""

    def entries(self) -> list[Entry]:
        """Regular files only, sorted by path."""

    def links(self) -> list[Entry]:
        """Symlinks (mode 120000, blob = the link's target) and gitlinks (160000, blob = the
        submodule's commit, size 0), sorted by path: never followed, only reported."""

    def read_many(self, blobs: list[str]) -> dict[str, bytes]:
        """Contents by blob id."""


_ORDER = attrgetter("path", "blob", "mode", "size")  # Entry's order, compared in C


def _sorted(entries) -> list[Entry]:
    return sorted(entries, key=_ORDER)


class _Snapshot:
    """entries() listed once per tree object: one command asks several times (config,
    ADRs, extraction) and must see one snapshot (a working tree can change meanwhile)."""

    _listed: tuple[list[Entry], list[Entry]] | None = None

    def entries(self) -> list[Entry]:
        return list(self._snapshot()[0])

    def links(self) -> list[Entry]:
        return list(self._snapshot()[1])

    def _snapshot(self) -> tuple[list[Entry], list[Entry]]:
        if self._listed is None:
            listed = self._list()
            self._listed = ([e for e in listed if e.mode in REGULAR], [e for e in listed if e.mode not in REGULAR])
        return self._listed

    def _list(self) -> list[Entry]:
        """Every entry, sorted: regular files, symlinks and gitlinks."""
        raise NotImplementedError


class _GitObjects(_Snapshot):
    """Shared by the git-backed trees: a lazily started cat-file reader."""

    def __init__(self, repo: str | os.PathLike) -> None:
        self.repo = os.fspath(repo)
        self._catfile: CatFile | None = None

    def read_many(self, blobs: list[str]) -> dict[str, bytes]:
        if not blobs:
            return {}
        if self._catfile is None:
            self._catfile = CatFile(self.repo)
        return self._catfile.read_many(blobs)

    def close(self) -> None:
        if self._catfile is not None:
            self._catfile.close()
            self._catfile = None


class CommitTree(_GitObjects):
    """The tree of a commit (or any tree-ish); works in bare repositories."""

    def __init__(self, repo: str | os.PathLike, rev: str, tree: str | None = None) -> None:
        super().__init__(repo)
        self.rev = rev
        # rejects unknown revisions, peels tags; `tree`: the caller read it already (a batch)
        self.tree = tree or resolve(repo, rev, "tree")

    def _list(self) -> list[Entry]:
        return _sorted(list_blobs(self.repo, self.tree, gitlinks=True))


def list_blobs(repo: str | os.PathLike, tree: str, paths: tuple[str, ...] = (), sizes: bool = True,
               gitlinks: bool = False) -> list[Entry]:
    """The blobs of a tree object (`git ls-tree -r`; regular files and symlinks, and
    submodules when `gitlinks`), in git's order; only those under `paths` (literal pathspecs)
    when given. `sizes=False` skips reading every blob's size (`-l`): the entries then say 0."""
    literal = ("--literal-pathspecs",) if paths else ()
    spec = ("--", *paths) if paths else ()
    out = run_git(repo, *literal, "ls-tree", "-r", "-z", *(("-l",) if sizes else ()), "--full-tree", tree, *spec)
    entries = []
    for record in out.split(b"\0"):
        meta, _, path = record.partition(b"\t")
        if not meta:
            continue
        fields = meta.split()
        if fields[1] == b"blob":
            size = int(fields[3]) if sizes else 0
            entries.append(Entry(decode_path(path), fields[2].decode(), fields[0].decode(), size))
        elif gitlinks and fields[1] == b"commit":
            entries.append(Entry(decode_path(path), fields[2].decode(), GITLINK, 0))
    return entries


class IndexTree(_GitObjects):
    """The staged tree (`git ls-files -s`): what the next commit would hold."""

    def _list(self) -> list[Entry]:
        out = run_git(self.repo, "ls-files", "-s", "-z")
        staged = []
        for record in out.split(b"\0"):
            meta, _, path = record.partition(b"\t")
            if not meta:
                continue
            mode, blob, stage = meta.split()
            # Unmerged paths (stages 1-3) have no single staged content: left out.
            if stage == b"0":
                staged.append((decode_path(path), blob.decode(), mode.decode()))
        sizes = _sizes(self.repo, [blob for _, blob, mode in staged if mode != GITLINK])
        return _sorted(Entry(path, blob, mode, sizes.get(blob, 0)) for path, blob, mode in staged)


def _sizes(repo: str, blobs: list[str]) -> dict[str, int]:
    if not blobs:
        return {}
    request = "".join(f"{b}\n" for b in dict.fromkeys(blobs)).encode()
    out = run_git(repo, "cat-file", "--batch-check=%(objectname) %(objectsize)", input=request)
    return {oid.decode(): int(size) for oid, size in (line.split() for line in out.splitlines())}


class WorkTree(_Snapshot):
    """Tracked plus untracked-but-not-ignored files on disk.

    Blob ids are those `git hash-object --no-filters` would compute (no clean/LFS
    filters): taken from govern's stat cache for files whose stat data has not changed
    since an earlier run computed their id (facts.statcache), else from the index for the
    files git reports unchanged on disk (facts.indexstat), else hashed. Symlinks are never
    followed; files deleted from disk are left out.
    """

    # Optimisation: up to this many files the stat cache does not know are hashed directly;
    # above it git's index vouches for what it can first (one more `git ls-files` pass over
    # every file and a `git check-attr`, ~30-60 ms on 6,000 files).
    HASH_DIRECTLY = 200
    # Optimisation: the index is not asked either when a .gitattributes file of the tree sets a
    # conversion (`* text=auto eol=lf`) and the files are small (on average at most this many
    # bytes): git then vouches for almost nothing without a read of every file (the CR check of
    # indexstat.eol_listing), and hashing them directly costs less than those two git passes
    # (~6 us a file) plus the reads (sqlfluff, 5,956 files of 4 KB on average: 71 -> 44 ms;
    # napari, 8 KB: 19 -> 13 ms). Larger files (assets git vouches for as `binary`) and plain
    # trees keep the index (10,000 plain files: 35 ms against 63 hashing). Both ways give the
    # same ids; INDEX_UNDER_CONVERSIONS True asks the index whatever (tests of that route).
    HASH_AVERAGE_BYTES = 8192
    INDEX_UNDER_CONVERSIONS = False

    def __init__(self, repo: str | os.PathLike, listed: StatPass | None = None) -> None:
        """`listed`: a stat_pass of this working tree taken a moment ago (govern check's warm
        path took one and found no stored verdict): the listing starts from it."""
        layout = repo_layout(repo)
        if layout.top is None:
            run_git(repo, "rev-parse", "--show-toplevel")  # git's own error: no working tree here
        self.repo, self._algo, self._git_dir = layout.top, layout.algo, layout.git_dir
        self._paths: dict[str, bytes] = {}
        self._stats = listed if listed is not None and listed.repo == self.repo else None

    def state(self) -> tuple[str, bool]:
        """(digest, settled): a digest of the paths git lists, the stat data of each and the
        staged commits of the directories among them (submodules), and whether it is old
        enough to stand for the files' bytes (facts.statcache.stat_pass). Two trees with
        the same settled digest have the same entries() and links(). Taken by the one pass
        over the files that entries() lists, before any file is read (an optimisation:
        govern.verdict.cache keys stored verdicts by it without listing any further)."""
        done = self._stat_pass()
        return done.digest, done.settled

    def _stat_pass(self) -> StatPass:
        if self._stats is None:
            self._stats = stat_pass(self.repo)
        return self._stats

    def _list(self) -> list[Entry]:
        root = os.path.join(os.fsencode(self.repo), b"")
        regular, algo, paths = stat.S_ISREG, self._algo, self._paths
        done = self._stat_pass()
        since = done.since
        known = StatCache(Path(self._git_dir) / "govern" / STAT_CACHE, self.repo)
        result, missed = [], []
        for raw, key in zip(done.raws, done.keys):  # ~10,000 files: the loop is kept lean
            if key is None:
                continue  # deleted from disk
            full, mode = root + raw, key[2]
            if not regular(mode):
                if stat.S_ISLNK(mode):  # reported, never followed
                    target = os.readlink(full)
                    result.append(Entry(decode_path(raw), blob_id(target, algo), SYMLINK, len(target)))
                continue  # a directory (gitlinks, from the pass), fifo, socket...
            blob = known.get(raw, key)
            if blob is None:
                missed.append((raw, full, key))
                continue
            paths[blob] = full
            result.append(Entry(decode_path(raw), blob, "100755" if mode & stat.S_IXUSR else "100644", key[3]))
        ask = len(missed) > self.HASH_DIRECTLY and (
            self.INDEX_UNDER_CONVERSIONS or sum(key[3] for _, _, key in missed) > self.HASH_AVERAGE_BYTES * len(missed)
            or not _converting(root, done))
        vouched, eol = eol_listing(self.repo) if ask else ({}, {})
        for raw, full, key in missed:
            blob = vouched.get(raw) or _eol_blob(full, key[3], eol.get(raw)) or _hash_file(full, key[3], algo)
            known.put(raw, key, blob, since)
            paths[blob] = full
            result.append(Entry(decode_path(raw), blob, "100755" if key[2] & stat.S_IXUSR else "100644", key[3]))
        known.save()
        gitlinks = [Entry(decode_path(raw), commit, GITLINK, 0) for raw, commit in done.gitlinks]
        return _sorted(result + gitlinks)

    def read_many(self, blobs: list[str]) -> dict[str, bytes]:
        return {blob: read_file(os.fsdecode(self._paths[blob])) for blob in blobs}


def _converting(root: bytes, listed: StatPass) -> bool:
    """Whether a .gitattributes file among the listed paths (a regular file: never a link)
    sets a conversion attribute (text, eol, crlf, filter, ident, working-tree-encoding) on some
    pattern: a guess at whether git's index can vouch for files without their being read, which
    only chooses the faster of two exact ways to the same blob ids (INDEX_UNDER_CONVERSIONS)."""
    for raw, key in zip(listed.raws, listed.keys):
        if (raw == b".gitattributes" or raw.endswith(b"/.gitattributes")) and key is not None and stat.S_ISREG(key[2]):
            try:
                text = read_file(root + raw, _ATTRIBUTES_READ)
            except OSError:
                continue
            for line in text.splitlines():
                words = line.split()
                if words and not words[0].startswith(b"#") and any(
                        w.partition(b"=")[0] in CONVERSIONS for w in words[1:]):
                    return True
    return False


_ATTRIBUTES_READ = 1 << 20  # a larger .gitattributes is read in part: only a guess depends on it


def _eol_blob(full: bytes, size: int, staged: str | None) -> str | None:
    """The staged blob of a file git reports unchanged whose only conversions are line
    endings, when its bytes hold no CR (facts.indexstat.eol_listing); else None (hash it)."""
    if staged is None or size > _EOL_READ:
        return None
    data = read_file(full, size + 1)
    return staged if len(data) == size and b"\r" not in data else None


_EOL_READ = 1 << 24  # larger files are hashed in chunks instead of read whole
_HASH_WHOLE = 1 << 20  # larger files are hashed in chunks of this size


def read_file(full: bytes | str, limit: int | None = None) -> bytes:
    """The file's bytes (the first `limit` when it has more): what `open(full, "rb").read(limit)`
    returns. An optimisation: one descriptor and unbuffered reads instead of a buffered file
    object, ~2x faster on the thousands of small files a listing reads (sqlfluff: 5,956 files,
    32 -> 14 ms). Whatever goes wrong is left to the buffered read, so the errors stay its own."""
    try:
        fd = os.open(full, os.O_RDONLY)
    except OSError:
        return _buffered(full, limit)
    try:
        want = os.fstat(fd).st_size + 1 if limit is None else limit
        parts = [os.read(fd, want)]
        got = len(parts[0])
        while parts[-1] and (limit is None or got < limit):  # to the limit or the end, as read(limit)
            parts.append(os.read(fd, (1 << 16) if limit is None else limit - got))
            got += len(parts[-1])
    except OSError:  # a directory swapped in meanwhile...: the buffered read says what it says
        return _buffered(full, limit)
    finally:
        os.close(fd)
    return parts[0] if len(parts) <= 2 else b"".join(parts)


def _buffered(full: bytes, limit: int | None) -> bytes:
    with open(full, "rb") as handle:
        return handle.read(limit)


def _hash_file(full: bytes, size: int, algo: str) -> str:
    digest = hashlib.new(algo, b"blob %d\0" % size)
    if size <= _HASH_WHOLE:  # most files: read whole, unbuffered (read_file), ~20% faster
        digest.update(read_file(full))
        return digest.hexdigest()
    with open(full, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def blob_id(data: bytes, algo: str = "sha1") -> str:
    """The git blob id of `data`."""
    return hashlib.new(algo, b"blob %d\0" % len(data) + data).hexdigest()


class MemoryTree:
    """An in-memory tree for tests and callers without git: {path: bytes}, and links
    {path: (mode, target or commit)} (SYMLINK: the link's target; GITLINK: a commit id)."""

    def __init__(self, files: dict[str, bytes], links: dict[str, tuple[str, str]] | None = None) -> None:
        self._blobs = {blob_id(data): data for data in files.values()}
        self._entries = _sorted(Entry(p, blob_id(d), "100644", len(d)) for p, d in files.items())
        self._links = _sorted(Entry(p, blob_id(t.encode()) if m == SYMLINK else t, m, len(t) if m == SYMLINK else 0)
                              for p, (m, t) in (links or {}).items())

    def entries(self) -> list[Entry]:
        return list(self._entries)

    def links(self) -> list[Entry]:
        return list(self._links)

    def read_many(self, blobs: list[str]) -> dict[str, bytes]:
        return {blob: self._blobs[blob] for blob in blobs}


class OverlayTree:
    """A tree with pending changes laid over it (`{path: bytes}`, None deletes the path):
    what the tree would be if the changes were written. Unchanged files keep the base's
    blob ids (and so its cache entries); changed ones get the ids of their new bytes."""

    def __init__(self, base: Tree, files: dict[str, bytes | None]) -> None:
        self.base = base
        listed = {e.path: e for e in base.entries()}
        self._blobs = {blob_id(data): data for data in files.values() if data is not None}
        for path, data in files.items():
            if data is None:
                listed.pop(path, None)
            else:
                mode = listed[path].mode if path in listed else "100644"
                listed[path] = Entry(path, blob_id(data), mode, len(data))
        self._entries = _sorted(listed.values())
        self._changed = frozenset(files)

    def entries(self) -> list[Entry]:
        return list(self._entries)

    def links(self) -> list[Entry]:
        """The base's links, but for the paths the changes write or delete."""
        return [e for e in self.base.links() if e.path not in self._changed]

    def read_many(self, blobs: list[str]) -> dict[str, bytes]:
        out = {blob: self._blobs[blob] for blob in blobs if blob in self._blobs}
        rest = [blob for blob in blobs if blob not in self._blobs]
        return out | (self.base.read_many(rest) if rest else {})
