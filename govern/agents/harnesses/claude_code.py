"""Claude Code: PreToolUse on Write/Edit/MultiEdit, and Stop.

PreToolUse stdin: {session_id, transcript_path, cwd, hook_event_name, tool_name, tool_input}
with tool_input {file_path, content} (Write), {file_path, old_string, new_string,
replace_all?} (Edit) or {file_path, edits: [{old_string, new_string, replace_all?}]}
(MultiEdit). A blocked edit: stdout {"hookSpecificOutput": {"hookEventName": "PreToolUse",
"permissionDecision": "deny", "permissionDecisionReason": REASON}}, exit 0 (the reason
goes to the model). Stop: {"decision": "block", "reason": REASON} while the working tree
has new blocking violations, unless stop_hook_active (it already continued once).
A pass prints nothing: govern never answers "allow", which would skip the user's prompts.
"""
from __future__ import annotations

import json

from govern.agents.harnesses.common import first, replace, write
from govern.agents.hook import PASS, Answer, Malformed, Outcome, field, judge_edit, judge_tree, passed

EDIT_TOOLS = ("Write", "Edit", "MultiEdit")
MATCHER = "|".join(EDIT_TOOLS)


def answer(payload: dict) -> Answer:
    event = field(payload, "hook_event_name")
    if event == "PreToolUse":
        tool = field(payload, "tool_name")
        if tool not in EDIT_TOOLS:
            return PASS
        tool_input = field(payload, "tool_input", dict)
        cwd = payload.get("cwd")
        return deny(judge_edit(cwd, lambda draft: _apply(draft, cwd, tool, tool_input)))
    if event in ("Stop", "SubagentStop"):
        return stop(payload)
    return PASS


def _apply(draft, cwd, tool: str, tool_input: dict) -> None:
    path = first(tool_input, "file_path")
    if tool == "Write":
        write(draft, cwd, path, tool_input.get("content"))
    elif tool == "Edit":
        replace(draft, cwd, path, tool_input)
    else:
        edits = tool_input.get("edits")
        if not isinstance(edits, list) or not edits:
            raise Malformed("MultiEdit: tool_input.edits must be a non-empty list")
        for edit in edits:
            replace(draft, cwd, path, edit)


def deny(outcome: Outcome) -> Answer:
    """The PreToolUse answer (shared with Codex, which reads the same shape)."""
    if not outcome.blocked:
        return passed(outcome)
    output = {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                     "permissionDecisionReason": outcome.reason}}
    return Answer(0, json.dumps(output, ensure_ascii=False) + "\n")


def stop(payload: dict) -> Answer:
    """Stop: keep the agent working while the working tree adds blocking violations."""
    if field(payload, "stop_hook_active", bool, optional=True):
        return PASS  # it already continued because of a Stop hook: never loop
    outcome = judge_tree(payload.get("cwd"))
    if not outcome.blocked:
        return passed(outcome)
    reason = outcome.reason + "\nFix these before stopping (or revert the change)."
    return Answer(0, json.dumps({"decision": "block", "reason": reason}, ensure_ascii=False) + "\n")
