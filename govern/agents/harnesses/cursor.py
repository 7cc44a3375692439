"""Cursor: preToolUse on its edit tools, beforeShellExecution on `git commit`, and stop.

stdin (all events): {conversation_id, generation_id, hook_event_name, workspace_roots, ...}.
preToolUse: {tool_name, tool_input}; the edit tools are Write ({file_path, contents}),
StrReplace / Edit ({file_path, old_string, new_string, replace_all?}) and Delete
({file_path}); `path`/`content` are read as aliases. A blocked edit: stdout
{"permission": "deny", "user_message": ..., "agent_message": REASON}, exit 0.
beforeShellExecution: {command, cwd}; a `git commit` is judged on the index against HEAD.
stop: {status, loop_count}; while the working tree adds blocking violations, stdout
{"followup_message": REASON} sends the agent back to work (only on the first stop of a loop).
afterFileEdit cannot block (Cursor ignores its output) and passes.
Field names as Cursor's hooks documentation (cursor.com/docs/hooks) gives them: the common
fields, `command`/`cwd` of beforeShellExecution, `status`/`loop_count` of stop, the
permission answer `permission`/`user_message`/`agent_message`, `followup_message`.
"""
from __future__ import annotations

import json
import shlex

from govern.agents.edits import apply_edit
from govern.agents.harnesses.common import absolute, first, replace, write
from govern.agents.hook import PASS, Answer, Outcome, field, judge_edit, judge_tree, passed

WRITE_TOOLS, REPLACE_TOOLS, DELETE_TOOLS = ("Write",), ("StrReplace", "Edit", "MultiEdit"), ("Delete",)
MATCHER = "Write|StrReplace|Edit|MultiEdit|Delete"


def answer(payload: dict) -> Answer:
    event = field(payload, "hook_event_name")
    cwd = payload.get("cwd") or _root(payload)
    if event == "preToolUse":
        tool = field(payload, "tool_name")
        if tool not in WRITE_TOOLS + REPLACE_TOOLS + DELETE_TOOLS:
            return PASS
        tool_input = field(payload, "tool_input", dict)
        return _deny(judge_edit(cwd, lambda draft: _apply(draft, cwd, tool, tool_input)))
    if event == "beforeShellExecution":
        if not _commits(field(payload, "command")):
            return PASS
        return _deny(judge_tree(cwd, staged=True))
    if event == "stop":
        if (field(payload, "loop_count", int, optional=True) or 0) > 0:
            return PASS  # the agent already went back to work once for this stop
        outcome = judge_tree(cwd)
        if not outcome.blocked:
            return passed(outcome)
        return Answer(0, json.dumps({"followup_message": outcome.reason + "\nFix these before finishing."},
                                    ensure_ascii=False) + "\n")
    return PASS


def _root(payload: dict) -> object:
    roots = payload.get("workspace_roots")
    return roots[0] if isinstance(roots, list) and roots else None


def _apply(draft, cwd, tool: str, tool_input: dict) -> None:
    path = first(tool_input, "file_path", "path", "target_file")
    if tool in WRITE_TOOLS:
        write(draft, cwd, path, first(tool_input, "contents", "content"))
    elif tool in DELETE_TOOLS:
        apply_edit(draft, {"path": absolute(cwd, path), "delete": True})
    elif isinstance(tool_input.get("edits"), list):
        for edit in tool_input["edits"]:
            replace(draft, cwd, path, edit)
    else:
        replace(draft, cwd, path, tool_input)


def _commits(command: str) -> bool:
    """Whether the shell command runs `git commit` (plainly written; anything else passes)."""
    try:
        words = shlex.split(command, posix=True)
    except ValueError:
        return False
    return any(w == "git" and "commit" in words[i + 1:i + 4] for i, w in enumerate(words))


def _deny(outcome: Outcome) -> Answer:
    if not outcome.blocked:
        return passed(outcome)
    output = {"permission": "deny", "user_message": "govern blocked this: it breaks an architecture decision",
              "agent_message": outcome.reason}
    return Answer(0, json.dumps(output, ensure_ascii=False) + "\n")
