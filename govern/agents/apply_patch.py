"""Codex's `apply_patch` format, parsed by a strict, linear, line-by-line reader (no regex).

    *** Begin Patch
    *** Add File: PATH          then '+' lines: the new file
    *** Delete File: PATH
    *** Update File: PATH       optionally '*** Move to: PATH', then chunks:
    @@ [context line]           then ' ' (context), '-' (old) and '+' (new) lines,
    *** End of File             optionally: the chunk ends the file
    *** End Patch

Parsing accepts what Codex's own parser accepts (marker lines may carry surrounding
whitespace; the first chunk may omit its '@@'); applying follows Codex: a chunk's
context line is found first, then its old lines after it, matched exactly, then
ignoring trailing whitespace, then ignoring surrounding whitespace; an updated file
ends with a newline. Anything else is an EditError naming the line.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from govern.agents.draft import Draft, EditError
from govern.agents.paths import repo_path

BEGIN, END = "*** Begin Patch", "*** End Patch"
ADD, DELETE, UPDATE, MOVE = "*** Add File: ", "*** Delete File: ", "*** Update File: ", "*** Move to: "
EOF_MARK = "*** End of File"


@dataclass
class Chunk:
    context: str | None
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    end_of_file: bool = False


@dataclass
class FileOp:
    kind: str  # "add" | "delete" | "update"
    path: str
    line: int  # line of the patch naming it (1-based)
    content: str = ""
    move_to: str | None = None
    chunks: list[Chunk] = field(default_factory=list)


def looks_like_apply_patch(text: str) -> bool:
    """Whether the text means to be an apply_patch (then it must parse as one), not a unified diff."""
    lines = text.strip().split("\n")
    first, last = lines[0].strip(), lines[-1].strip()
    return first.startswith((BEGIN, ADD, DELETE, UPDATE)) or last == END


def parse(text: str) -> list[FileOp]:
    """The file operations of a patch; EditError('apply_patch line N: ...') when malformed."""
    lines = [line.removesuffix("\r") for line in text.strip().split("\n")]
    if not lines or lines[0].strip() != BEGIN:
        raise EditError(f"apply_patch line 1: the first line must be {BEGIN!r}")
    if len(lines) < 2 or lines[-1].strip() != END:
        raise EditError(f"apply_patch line {len(lines)}: the last line must be {END!r}")
    ops, i, stop = [], 1, len(lines) - 1
    while i < stop:
        op, i = _file_op(lines, i, stop)
        ops.append(op)
    if not ops:
        raise EditError("apply_patch: the patch changes no file")
    return ops


def _file_op(lines: list[str], i: int, stop: int) -> tuple[FileOp, int]:
    header = lines[i].strip()
    if header.startswith(ADD):
        body, j = [], i + 1
        while j < stop and lines[j].startswith("+"):
            body.append(lines[j][1:])
            j += 1
        return FileOp("add", header[len(ADD):], i + 1, content="".join(b + "\n" for b in body)), j
    if header.startswith(DELETE):
        return FileOp("delete", header[len(DELETE):], i + 1), i + 1
    if header.startswith(UPDATE):
        op = FileOp("update", header[len(UPDATE):], i + 1)
        j = i + 1
        if j < stop and lines[j].strip().startswith(MOVE):
            op.move_to = lines[j].strip()[len(MOVE):]
            j += 1
        while j < stop and not lines[j].startswith("*"):
            if not lines[j].strip():
                j += 1  # blank lines between chunks
                continue
            chunk, j = _chunk(lines, j, stop, first=not op.chunks)
            op.chunks.append(chunk)
        if not op.chunks:
            raise EditError(f"apply_patch line {i + 1}: the update of {op.path!r} has no chunk")
        return op, j
    raise EditError(f"apply_patch line {i + 1}: {header[:80]!r} is not '*** Add File: ', "
                    "'*** Delete File: ' or '*** Update File: ' followed by a path")


def _chunk(lines: list[str], j: int, stop: int, first: bool) -> tuple[Chunk, int]:
    start = j
    if lines[j] == "@@":
        chunk, j = Chunk(None), j + 1
    elif lines[j].startswith("@@ "):
        chunk, j = Chunk(lines[j][3:]), j + 1
    elif first:
        chunk = Chunk(None)
    else:
        raise EditError(f"apply_patch line {j + 1}: a chunk must start with '@@', found {lines[j][:80]!r}")
    taken = 0
    while j < stop:
        line = lines[j]
        if line == EOF_MARK:
            if not taken:
                break
            chunk.end_of_file, j = True, j + 1
            break
        marker = line[:1]
        if marker not in ("", " ", "+", "-"):
            break
        if marker in ("", " "):
            chunk.old.append(line[1:])
            chunk.new.append(line[1:])
        elif marker == "+":
            chunk.new.append(line[1:])
        else:
            chunk.old.append(line[1:])
        taken, j = taken + 1, j + 1
    if not taken:
        raise EditError(f"apply_patch line {start + 1}: the chunk has no ' ', '-' or '+' line")
    return chunk, j


def apply_patch(draft: Draft, text: str) -> None:
    """Parse the patch, then apply each operation to the Draft in order."""
    for op in parse(text):
        path = repo_path(draft.root, op.path)
        if op.kind == "add":
            draft.write(path, op.content.encode("utf-8"))
        elif op.kind == "delete":
            draft.delete(path)
        else:
            current = draft.read(path)
            if current is None:
                raise EditError(f"apply_patch line {op.line}: {op.path!r} does not exist")
            updated = _update(op, current.decode("utf-8", "surrogateescape"))
            if op.move_to is not None:
                target = repo_path(draft.root, op.move_to)
                draft.move(path, target)
                path = target
            draft.write(path, updated.encode("utf-8", "surrogateescape"))


def _update(op: FileOp, text: str) -> str:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    edits, at = [], 0
    for chunk in op.chunks:
        if chunk.context is not None:
            found = _seek(lines, [chunk.context], at, False)
            if found is None:
                raise EditError(f"apply_patch line {op.line}: context {chunk.context[:80]!r} not found in {op.path!r}")
            at = found + 1
        if not chunk.old:
            edits.append((len(lines), 0, chunk.new))
            continue
        old, new = chunk.old, chunk.new
        found = _seek(lines, old, at, chunk.end_of_file)
        if found is None and old[-1] == "":
            old, new = old[:-1], (new[:-1] if new and new[-1] == "" else new)
            found = _seek(lines, old, at, chunk.end_of_file)
        if found is None:
            raise EditError(f"apply_patch line {op.line}: lines {old[0][:60]!r}… not found in {op.path!r}")
        edits.append((found, len(old), new))
        at = found + len(old)
    for start, size, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[start:start + size] = new
    return "\n".join(lines) + "\n"


_SAME = (lambda a, b: a == b, lambda a, b: a.rstrip() == b.rstrip(), lambda a, b: a.strip() == b.strip())


def _seek(lines: list[str], pattern: list[str], start: int, end_of_file: bool) -> int | None:
    """First index >= start where `pattern` matches (the end first for end_of_file), strictest match first."""
    size = len(pattern)
    last = len(lines) - size
    for same in _SAME:
        candidates = ([last] if end_of_file and last >= start else []) + list(range(start, last + 1))
        for i in candidates:
            if all(same(lines[i + k], pattern[k]) for k in range(size)):
                return i
    return None
