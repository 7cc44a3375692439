"""Read and write notes under refs/notes/govern with plumbing and compare-and-swap.

Why not `git notes add`: concurrent `git notes add` lost 36 of 40 notes in a measurement on
git 2.39 (each run reads the notes ref, builds a commit and moves the ref without checking
that it did not move meanwhile). Here every write builds the new notes tree from the notes
commit it read, commits it with that commit as parent, and moves the ref with
`git update-ref REF NEW OLD`, which fails if another writer got there first; then it retries
from the new tip after a random pause. Writing the same bytes again gives the same tree, and
no commit is made.
"""
from __future__ import annotations

import os
import random
import re
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from govern.errors import GitError
from govern.notes.git_plumbing import ZERO, resolve, run_git, try_git

NOTES_REF = "refs/notes/govern"
_HEX = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_MESSAGE = b"Notes added by 'govern'\n"
# The notes commit needs an identity; a server hook often has none configured. `-c` only
# fills in what neither the environment nor the repository config provide.
_IDENT = ("-c", "user.name=govern", "-c", "user.email=govern@localhost")


def read_note(repo: str | Path, commit: str, ref: str = NOTES_REF) -> bytes | None:
    """The note of `commit` under `ref`, byte-exact, or None if there is none."""
    return try_git(repo, "notes", f"--ref={ref}", "show", "--end-of-options", commit)


def write_notes(repo: str | Path, notes: Mapping[str, bytes], ref: str = NOTES_REF, attempts: int = 60) -> str | None:
    """Add or replace the notes {commit id: body} in one notes commit; return it (None: nothing changed).

    Safe against concurrent writers: compare-and-swap on the ref, retried with jitter.
    """
    if not notes:
        return None
    ordered = sorted(notes.items())
    blobs = dict(zip((commit for commit, _ in ordered), _hash_blobs(repo, [body for _, body in ordered])))
    for attempt in range(attempts):
        old = resolve(repo, ref) or ""
        new = _commit_with(repo, old, blobs)
        if new is None:
            return None
        if try_git(repo, "update-ref", "-m", "govern: notes", "--", ref, new, old or ZERO) is not None:
            return new
        time.sleep(random.uniform(0.005, 0.02) * (1 + min(attempt, 10)))  # another writer won: retry
    raise GitError(f"could not update {ref}: {attempts} concurrent-update retries exhausted")


def _hash_blobs(repo: str | Path, bodies: list[bytes]) -> list[str]:
    """Write the bodies as blobs with one `git hash-object` (a push of 1,000 commits has 1,000
    notes); their ids in order."""
    if len(bodies) == 1:
        return [run_git(repo, "hash-object", "-w", "--stdin", input=bodies[0]).decode().strip()]
    with tempfile.TemporaryDirectory(prefix="govern-notes-") as tmp:
        names = []
        for i, body in enumerate(bodies):
            names.append(os.path.join(tmp, str(i)))
            with open(names[-1], "wb") as out:
                out.write(body)
        out = run_git(repo, "hash-object", "-w", "--no-filters", "--stdin-paths",
                      input="".join(f"{name}\n" for name in names).encode())
    return out.decode().split()


def _commit_with(repo: str | Path, old: str, blobs: Mapping[str, str]) -> str | None:
    """A notes commit on top of `old` holding `blobs`, or None when `old` already holds them."""
    paths = _note_paths(repo, old) if old else {}
    depth = _fanout_depth(paths)
    lines = []
    for commit, blob in blobs.items():
        current = paths.get(commit)
        if current is not None and current[1] == blob:
            continue
        if current is not None and current[0] != _fanout(commit, depth):
            lines.append(f"0 {ZERO}\t{current[0]}")  # drop it where it was, re-add below
        lines.append(f"100644 {blob}\t{_fanout(commit, depth)}")
    if not lines:
        return None
    tree = _tree_with(repo, old, "\n".join(lines) + "\n")
    parents = ("-p", old) if old else ()
    return run_git(repo, *_IDENT, "commit-tree", *parents, tree, input=_MESSAGE).decode().strip()


def _note_paths(repo: str | Path, notes_commit: str) -> dict[str, tuple[str, str]]:
    """{annotated object id: (path in the notes tree, blob id)}; fanout dirs (ab/cd…) flattened."""
    out = run_git(repo, "ls-tree", "-r", "-z", "--full-tree", notes_commit)
    paths = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, path = record.decode().split("\t", 1)
        name = path.replace("/", "")
        if _HEX.match(name):
            paths[name] = (path, meta.split()[2])
    return paths


def _fanout_depth(paths: Mapping[str, tuple[str, str]]) -> int:
    """Keep the fanout git chose (it splits `ab/cdef…` once a notes tree grows); flat when empty."""
    return max((path.count("/") for path, _ in paths.values()), default=0)


def _fanout(commit: str, depth: int) -> str:
    parts = [commit[2 * i : 2 * i + 2] for i in range(depth)]
    return "/".join([*parts, commit[2 * depth :]])


def _tree_with(repo: str | Path, old: str, index_info: str) -> str:
    """The notes tree of `old` with `index_info` applied, built in a private index file."""
    with tempfile.TemporaryDirectory(prefix="govern-notes-") as tmp:
        env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}  # added, never replacing quarantine vars
        if old:
            run_git(repo, "read-tree", old, env=env)
        run_git(repo, "update-index", "--index-info", input=index_info.encode(), env=env)
        return run_git(repo, "write-tree", env=env).decode().strip()
