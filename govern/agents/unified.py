"""Unified diffs (`git diff`, `diff -u`) applied to a Draft, parsed by the `unidiff` library.

Each hunk's old lines must match the file, at the stated line or, as `patch` does, at the
nearest offset; a mismatch is an EditError. `a/`/`b/` prefixes are stripped when both
sides carry them; binary diffs are refused.
"""
from __future__ import annotations

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from govern.agents.draft import Draft, EditError
from govern.agents.paths import repo_path

NULL = "/dev/null"


def apply_unified(draft: Draft, text: str) -> None:
    try:
        patch = PatchSet(text)
    except UnidiffParseError as err:
        raise EditError(f"malformed unified diff: {err}") from None
    if not len(patch):
        raise EditError("the diff changes no file")
    for file in patch:
        _apply_file(draft, file)


def _names(file) -> tuple[str | None, str | None]:
    source, target = file.source_file, file.target_file
    prefixed = (source == NULL or source.startswith("a/")) and (target == NULL or target.startswith("b/"))
    strip = (lambda n: n[2:]) if prefixed else (lambda n: n)
    return (None if source == NULL else strip(source)), (None if target == NULL else strip(target))


def _apply_file(draft: Draft, file) -> None:
    if file.is_binary_file:
        raise EditError(f"{file.path}: binary diffs are not judged")
    source, target = _names(file)
    old = repo_path(draft.root, source) if source else None
    new = repo_path(draft.root, target) if target else None
    if old is None and new is None:
        raise EditError("a diff entry names /dev/null on both sides")
    if new is None:
        draft.delete(old)
        return
    if old is None:
        if draft.exists(new):
            raise EditError(f"{new}: the diff creates a file that already exists")
        current = b""
    else:
        current = draft.read(old)
        if current is None:
            raise EditError(f"{old}: no such file to patch")
    result = apply_hunks(new, current, list(file))
    if old is not None and old != new:
        draft.move(old, new)
    draft.write(new, result)


def apply_hunks(path: str, current: bytes, hunks: list) -> bytes:
    lines = current.decode("utf-8", "surrogateescape").splitlines(keepends=True)
    out: list[str] = []
    at = 0  # next unconsumed line of `lines`
    for hunk in hunks:
        old, new = _sides(hunk)
        start = _find(lines, old, max(hunk.source_start - 1, 0) if old else hunk.source_start, at)
        if start is None:
            raise EditError(f"{path}: hunk @@ -{hunk.source_start},{hunk.source_length} @@ does not match the file")
        out += lines[at:start] + new
        at = start + len(old)
    out += lines[at:]
    return "".join(out).encode("utf-8", "surrogateescape")


def _sides(hunk) -> tuple[list[str], list[str]]:
    """The hunk's old and new lines with their line endings ('\\ No newline' honoured)."""
    old: list[str] = []
    new: list[str] = []
    last = None
    for line in hunk:
        kind, value = line.line_type, line.value
        if kind == "\\":
            for side, applies in ((old, last in (" ", "-")), (new, last in (" ", "+"))):
                if applies and side:
                    side[-1] = side[-1].rstrip("\r\n")
            continue
        if kind in (" ", "-"):
            old.append(value)
        if kind in (" ", "+"):
            new.append(value)
        last = kind
    return old, new


def _find(lines: list[str], old: list[str], hint: int, floor: int) -> int | None:
    """The position nearest `hint` (not before `floor`) where `old` matches; linear in the file."""
    size = len(old)
    last = len(lines) - size
    for distance in range(0, max(last, hint) - floor + 2):
        for start in (hint - distance, hint + distance):
            if floor <= start <= last and lines[start:start + size] == old:
                return start
    return None
