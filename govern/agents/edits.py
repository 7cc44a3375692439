"""Edit objects, as agents send them, applied to a Draft.

Forms (paths relative to the repository or absolute inside it):
  {"path", "content"}                                     the whole new file
  {"path", "old_string", "new_string", "replace_all"?}    an exact string replacement
  {"path", "delete": true}                                 a deletion
  {"path", "move_to"}                                      a rename
A replacement follows Claude Code's Edit: `old_string` must occur (once, unless
`replace_all`); an empty `old_string` creates a file that does not exist yet.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from govern.agents.draft import Draft, EditError
from govern.agents.paths import repo_path

FORMS = ("content", "old_string", "delete", "move_to")


def apply_edits(draft: Draft, edits: object) -> None:
    """Apply a list of edit objects in order; EditError/UsageError name the first bad one."""
    if not isinstance(edits, Sequence) or isinstance(edits, (str, bytes)):
        raise EditError("edits: a list of edit objects expected")
    for index, edit in enumerate(edits):
        if not isinstance(edit, Mapping):
            raise EditError(f"edits[{index}]: an object expected")
        apply_edit(draft, edit, f"edits[{index}]")


def apply_edit(draft: Draft, edit: Mapping, where: str = "edit") -> None:
    """One edit object (see the module docstring)."""
    path = repo_path(draft.root, edit.get("path"))
    forms = [f for f in FORMS if f in edit]
    if len(forms) != 1:
        raise EditError(f"{where}: exactly one of {', '.join(FORMS)} expected (found {', '.join(forms) or 'none'})")
    form = forms[0]
    if form == "content":
        draft.write(path, text_bytes(edit["content"], f"{where}.content"))
    elif form == "delete":
        if edit["delete"] is not True:
            raise EditError(f"{where}.delete: true expected")
        draft.delete(path)
    elif form == "move_to":
        draft.move(path, repo_path(draft.root, edit["move_to"]))
    else:
        replace_all = edit.get("replace_all", False)
        if not isinstance(replace_all, bool):
            raise EditError(f"{where}.replace_all: true or false expected")
        replace(draft, path, text_bytes(edit["old_string"], f"{where}.old_string"),
                text_bytes(edit.get("new_string"), f"{where}.new_string"), replace_all)


def replace(draft: Draft, path: str, old: bytes, new: bytes, replace_all: bool = False, expected: int | None = None) -> None:
    """Replace `old` by `new` in the file; `expected`: the exact number of occurrences (Gemini)."""
    current = draft.read(path)
    if not old:
        if current:
            raise EditError(f"{path}: old_string is empty but the file exists and is not empty")
        draft.write(path, new)
        return
    if current is None:
        raise EditError(f"{path}: no such file to edit")
    count = current.count(old)
    if count == 0:
        raise EditError(f"{path}: old_string not found in the file")
    if expected is not None and count != expected:
        raise EditError(f"{path}: old_string found {count} times, {expected} expected")
    if expected is None and count > 1 and not replace_all:
        raise EditError(f"{path}: old_string found {count} times; add context or set replace_all")
    draft.write(path, current.replace(old, new))


def text_bytes(value: object, where: str) -> bytes:
    if not isinstance(value, str):
        raise EditError(f"{where}: a string expected")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise EditError(f"{where}: not encodable as UTF-8 (lone surrogate)") from None
