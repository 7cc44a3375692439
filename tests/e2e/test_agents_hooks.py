"""`govern agent-hook HARNESS` on recorded payloads of each harness: exact answers and exit codes."""
from __future__ import annotations

import json

import pytest

from tests.e2e.agents_support import agent_repo, hook, payload

HARNESSES = ("claude-code", "codex", "gemini", "cursor")
BLOCKED = {  # case -> (rule, text the reason must carry)
    "forbidden_import": ("stripe-only-in-billing", "adr/0001-only-billing-talks-to-stripe.md"),
    "layer_violation": ("app-layers", "app/db/models.py:1"),
    "protected_path": ("billing-needs-approval", "app/billing/charge.py is protected"),
}


def reason_of(harness: str, out: dict) -> str:
    """The reason the model reads, after checking the answer has exactly the documented shape."""
    if harness in ("claude-code", "codex"):
        assert set(out) == {"hookSpecificOutput"}
        spec = out["hookSpecificOutput"]
        assert set(spec) == {"hookEventName", "permissionDecision", "permissionDecisionReason"}
        assert (spec["hookEventName"], spec["permissionDecision"]) == ("PreToolUse", "deny")
        return spec["permissionDecisionReason"]
    if harness == "gemini":
        assert set(out) == {"decision", "reason"} and out["decision"] == "deny"
        return out["reason"]
    assert set(out) == {"permission", "user_message", "agent_message"} and out["permission"] == "deny"
    return out["agent_message"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return agent_repo(tmp_path_factory.mktemp("agents"))


@pytest.mark.parametrize("harness", HARNESSES)
def test_clean_edit_passes_silently(harness, repo):
    result = hook(harness, payload(harness, "clean", repo), repo)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


@pytest.mark.parametrize("case", sorted(BLOCKED))
@pytest.mark.parametrize("harness", HARNESSES)
def test_blocked_edit_is_denied_with_rule_location_and_hint(harness, case, repo):
    result = hook(harness, payload(harness, case, repo), repo)
    assert result.returncode == 0 and result.stderr == b""
    reason = reason_of(harness, json.loads(result.stdout))
    rule, text = BLOCKED[case]
    assert rule in reason and text in reason
    assert reason.startswith("govern: this change breaks 1 architecture decision:")
    assert "Read the decision: adr/" in reason


@pytest.mark.parametrize("harness", HARNESSES)
def test_malformed_payload_blocks_with_exit_2(harness, repo):
    result = hook(harness, payload(harness, "malformed", repo), repo)
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().startswith(f"govern agent-hook {harness}: malformed payload (not JSON")
    assert "blocked (fail closed)" in result.stderr.decode()


@pytest.mark.parametrize("harness", HARNESSES)
@pytest.mark.parametrize("data", [b"[]", b"{}", b'{"hook_event_name": 7}', b"\xff\xfe", b""])
def test_payloads_of_the_wrong_shape_block_with_exit_2(harness, data, repo):
    result = hook(harness, data, repo)
    assert result.returncode == 2 and result.stdout == b"" and b"malformed payload" in result.stderr


def test_other_tools_pass(repo):
    result = hook("claude-code", payload("claude-code", "other_tool", repo), repo)
    assert (result.returncode, result.stdout) == (0, b"")


def test_an_edit_that_does_not_apply_fails_closed(repo):
    data = json.dumps({"hook_event_name": "PreToolUse", "cwd": str(repo), "tool_name": "Edit",
                       "tool_input": {"file_path": str(repo / "app/api/orders.py"), "old_string": "absent",
                                      "new_string": "import stripe"}}).encode()
    result = hook("claude-code", data, repo)
    reason = reason_of("claude-code", json.loads(result.stdout))
    assert "fail closed" in reason and "old_string not found" in reason


@pytest.mark.parametrize("path", [".git/hooks/pre-commit", "/@REPO@/.git/config"])
def test_hostile_paths_are_refused(path, repo):
    path = path.replace("/@REPO@", str(repo))
    data = json.dumps({"hook_event_name": "PreToolUse", "cwd": str(repo), "tool_name": "Write",
                       "tool_input": {"file_path": path, "content": "import stripe\n"}}).encode()
    reason = reason_of("claude-code", json.loads(hook("claude-code", data, repo).stdout))
    assert "fail closed" in reason


def test_a_symlink_out_of_the_repository_is_refused(repo, tmp_path):
    (repo / "link").symlink_to(tmp_path)
    try:
        data = json.dumps({"hook_event_name": "PreToolUse", "cwd": str(repo), "tool_name": "Write",
                           "tool_input": {"file_path": str(repo / "link" / "x.py"), "content": "x = 1\n"}}).encode()
        reason = reason_of("claude-code", json.loads(hook("claude-code", data, repo).stdout))
        assert "goes through the symlink 'link'" in reason
    finally:
        (repo / "link").unlink()


@pytest.mark.parametrize("outside", ["/@TMP@/notes.py", "../outside.py", "app/../../outside.py"])
def test_a_file_outside_the_repository_is_not_governed(outside, repo, tmp_path):
    outside = outside.replace("/@TMP@", str(tmp_path))
    data = json.dumps({"hook_event_name": "PreToolUse", "cwd": str(repo), "tool_name": "Write",
                       "tool_input": {"file_path": outside, "content": "import stripe\n"}}).encode()
    result = hook("claude-code", data, repo)
    assert (result.returncode, result.stdout) == (0, b"")


def test_claude_stop_blocks_while_the_tree_adds_a_violation(tmp_path):
    repo = agent_repo(tmp_path)
    stop = payload("claude-code", "stop", repo)
    assert hook("claude-code", stop, repo).stdout == b""
    (repo / "app/api/refunds.py").write_text("import stripe\n")
    out = json.loads(hook("claude-code", stop, repo).stdout)
    assert set(out) == {"decision", "reason"} and out["decision"] == "block"
    assert "app/api/refunds.py:1" in out["reason"] and "stripe-only-in-billing" in out["reason"]
    assert hook("claude-code", payload("claude-code", "stop_active", repo), repo).stdout == b""


# The keys Codex accepts from a Stop hook (codex-rs/hooks/schema/generated/stop.command.output.schema.json).
CODEX_STOP_KEYS = {"continue", "decision", "reason", "stopReason", "suppressOutput", "systemMessage"}


def test_codex_stop_answers_in_codex_documented_format(tmp_path):
    repo = agent_repo(tmp_path)
    stop = payload("codex", "stop", repo)
    assert hook("codex", stop, repo).stdout == b""
    (repo / "app/api/refunds.py").write_text("import stripe\n")
    out = json.loads(hook("codex", stop, repo).stdout)
    assert set(out) <= CODEX_STOP_KEYS and out["decision"] == "block" and out["reason"].strip()
    assert "app/api/refunds.py:1" in out["reason"] and "stripe-only-in-billing" in out["reason"]
    assert hook("codex", payload("codex", "stop_active", repo), repo).stdout == b""  # never loops


def test_cursor_commit_and_stop(tmp_path):
    repo = agent_repo(tmp_path)
    (repo / "app/api/refunds.py").write_text("import stripe\n")
    stop = json.loads(hook("cursor", payload("cursor", "stop", repo), repo).stdout)
    assert set(stop) == {"followup_message"} and "stripe-only-in-billing" in stop["followup_message"]
    again = payload("cursor", "stop", repo).replace(b'"loop_count": 0', b'"loop_count": 1')
    assert hook("cursor", again, repo).stdout == b""  # it went back to work once: never loops
    assert hook("cursor", payload("cursor", "shell_commit", repo), repo).stdout == b""  # nothing staged yet
    from tests.conftest import git
    git(repo, "add", "-A")
    denied = json.loads(hook("cursor", payload("cursor", "shell_commit", repo), repo).stdout)
    assert denied["permission"] == "deny" and "app/api/refunds.py:1" in denied["agent_message"]
