"""Gemini CLI: BeforeTool on write_file and replace.

stdin: {session_id, transcript_path, cwd, hook_event_name: "BeforeTool", timestamp,
tool_name, tool_input} with tool_input {file_path, content} (write_file) or {file_path,
old_string, new_string, expected_replacements?} (replace). A blocked edit: stdout
{"decision": "deny", "reason": REASON} (only that JSON), exit 0. Other tools pass.
"""
from __future__ import annotations

import json

from govern.agents.edits import replace as replace_text, text_bytes
from govern.agents.harnesses.common import absolute, write
from govern.agents.hook import PASS, Answer, Malformed, field, judge_edit, passed
from govern.agents.paths import repo_path

TOOLS = ("write_file", "replace")
MATCHER = "^(write_file|replace)$"


def answer(payload: dict) -> Answer:
    if field(payload, "hook_event_name") != "BeforeTool" or field(payload, "tool_name") not in TOOLS:
        return PASS
    tool, tool_input, cwd = payload["tool_name"], field(payload, "tool_input", dict), payload.get("cwd")
    outcome = judge_edit(cwd, lambda draft: _apply(draft, cwd, tool, tool_input))
    if not outcome.blocked:
        return passed(outcome)
    return Answer(0, json.dumps({"decision": "deny", "reason": outcome.reason}, ensure_ascii=False) + "\n")


def _apply(draft, cwd, tool: str, tool_input: dict) -> None:
    if tool == "write_file":
        write(draft, cwd, tool_input.get("file_path"), tool_input.get("content"))
        return
    expected = tool_input.get("expected_replacements", 1)
    if not isinstance(expected, int) or isinstance(expected, bool) or expected < 1:
        raise Malformed("replace: expected_replacements must be a positive integer")
    path = repo_path(draft.root, absolute(cwd, tool_input.get("file_path")))
    replace_text(draft, path, text_bytes(tool_input.get("old_string"), "old_string"),
                 text_bytes(tool_input.get("new_string"), "new_string"), expected=expected)
