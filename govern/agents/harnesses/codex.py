"""Codex CLI: PreToolUse on apply_patch (and Stop), in Claude Code's wire format.

stdin: {session_id, turn_id, transcript_path, cwd, hook_event_name: "PreToolUse", model,
permission_mode, tool_name: "apply_patch", tool_input: {command: PATCH}, tool_use_id}
where PATCH is the apply_patch text. A blocked patch: stdout {"hookSpecificOutput":
{"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason":
REASON}}, exit 0. Other tools pass; Stop as for Claude Code.
"""
from __future__ import annotations

from govern.agents.harnesses.claude_code import deny, stop
from govern.agents.hook import PASS, Answer, field, judge_edit
from govern.agents.proposal import apply_text_patch

MATCHER = "^apply_patch$"


def answer(payload: dict) -> Answer:
    event = field(payload, "hook_event_name")
    if event == "PreToolUse":
        if field(payload, "tool_name") != "apply_patch":
            return PASS
        patch = field(field(payload, "tool_input", dict), "command")
        return deny(judge_edit(payload.get("cwd"), lambda draft: apply_text_patch(draft, patch)))
    if event == "Stop":
        return stop(payload)
    return PASS
