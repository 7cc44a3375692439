"""What the harness adapters share: tool inputs as edit objects, paths against the cwd."""
from __future__ import annotations

import os
from collections.abc import Mapping

from govern.agents.draft import Draft
from govern.agents.edits import apply_edit
from govern.agents.hook import Malformed


def absolute(cwd: object, path: object) -> object:
    """A relative path of a payload is relative to the harness's cwd (then checked by repo_path)."""
    if isinstance(path, str) and path and isinstance(cwd, str) and not os.path.isabs(path):
        return os.path.join(cwd, path)
    return path


def first(tool_input: Mapping, *names: str) -> object:
    """The first present key among names (harness versions spell some keys differently)."""
    return next((tool_input[n] for n in names if n in tool_input), None)


def write(draft: Draft, cwd: object, path: object, content: object) -> None:
    apply_edit(draft, {"path": absolute(cwd, path), "content": content})


def replace(draft: Draft, cwd: object, path: object, edit: Mapping) -> None:
    if not isinstance(edit, Mapping):
        raise Malformed("an edit object expected")
    item = {"path": absolute(cwd, path), "old_string": edit.get("old_string"), "new_string": edit.get("new_string")}
    if "replace_all" in edit:
        item["replace_all"] = edit["replace_all"]
    apply_edit(draft, item)
