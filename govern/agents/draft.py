"""A Draft: the working tree seen through pending edits, never written to disk.

Edits apply in order (a later edit sees what an earlier one made). Reads fall through
to the file on disk; `changes()` compares the final state with the working tree listing.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from govern.errors import UsageError
from govern.facts.tree import WorkTree

MAX_FILE_BYTES = 8 * 1024 * 1024  # a proposed file larger than this is refused, not judged


class EditError(UsageError):
    """A pending edit that cannot apply to the working tree (what the harness itself would refuse)."""


@dataclass(frozen=True)
class Change:
    """One path the Draft changes: kind A/M/D/R (as `changed(Path, Kind)` facts say)."""

    path: str
    kind: str


class Draft:
    """Pending contents by repository path (None: deleted), over the working tree `base`."""

    def __init__(self, base: WorkTree) -> None:
        self.base = base
        self.root = base.repo
        self.files: dict[str, bytes | None] = {}
        self.moves: dict[str, str] = {}  # new path -> old path

    def exists(self, path: str) -> bool:
        return self.read(path) is not None

    def read(self, path: str) -> bytes | None:
        """The content the path would have (None: it would not exist)."""
        return self.files[path] if path in self.files else self.on_disk(path)

    def on_disk(self, path: str) -> bytes | None:
        """The regular file's content in the working tree (None: absent, a symlink, a directory)."""
        full = os.path.join(self.root, path)
        if os.path.islink(full) or not os.path.isfile(full):
            return None
        if os.path.getsize(full) > MAX_FILE_BYTES:
            raise EditError(f"{path}: larger than {MAX_FILE_BYTES} bytes, not judged")
        with open(full, "rb") as handle:
            return handle.read()

    def write(self, path: str, data: bytes) -> None:
        if len(data) > MAX_FILE_BYTES:
            raise EditError(f"{path}: the proposed content is larger than {MAX_FILE_BYTES} bytes")
        self.files[path] = data

    def delete(self, path: str) -> None:
        if not self.exists(path):
            raise EditError(f"{path}: cannot delete a file that does not exist")
        self.files[path] = None

    def move(self, old: str, new: str) -> None:
        data = self.read(old)
        if data is None:
            raise EditError(f"{old}: cannot move a file that does not exist")
        self.files[old] = None
        self.files[new] = data
        self.moves[new] = self.moves.pop(old, old)

    def changes(self) -> list[Change]:
        """The net changes against the working tree, sorted by path (unchanged contents dropped)."""
        out = []
        for path, data in self.files.items():
            before = self.on_disk(path)
            if data == before:
                continue
            if data is None:
                kind = "D"
            elif before is not None:
                kind = "M"
            else:
                kind = "R" if self.moves.get(path, path) != path else "A"
            out.append(Change(path, kind))
        return sorted(out, key=lambda c: c.path)
