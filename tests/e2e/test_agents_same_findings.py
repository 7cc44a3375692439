"""One change, four judges: check_change (MCP), agent-hook (Codex), `govern check` after the
edit, and the server's pre-receive hook after commit and push give the same findings."""
from __future__ import annotations

import json

from tests.conftest import git
from tests.e2e.agents_support import AGENT_FILES, hook
from tests.e2e.hooks_support import audit_entries, govern, push, server
from tests.e2e.test_agents_mcp import session

PATCH = ("*** Begin Patch\n"
         "*** Update File: app/api/orders.py\n@@\n import app.billing.charge\n+import stripe\n"
         "*** Add File: app/db/audit.py\n+from app.service import orders\n"
         "*** End Patch\n")
WRITTEN = {"app/api/orders.py": "import app.billing.charge\nimport stripe\n", "app/db/audit.py": "from app.service import orders\n"}


def test_the_same_change_gets_the_same_findings_everywhere(tmp_path):
    bare, work = server(tmp_path, AGENT_FILES)

    async def scenario(client):
        return await client.call_tool("check_change", {"patch": PATCH})
    by_mcp = {(f["rule"], f["subject"], f["target"], f["location"])
              for f in session(work, scenario).structured_content["findings"]}
    assert by_mcp == {("stripe-only-in-billing", "app/api/orders.py", "stripe", "app/api/orders.py:2"),
                      ("app-layers", "app/db/audit.py", "app.service.orders", "app/db/audit.py:1")}

    payload = {"session_id": "s", "turn_id": "1", "transcript_path": None, "cwd": str(work), "hook_event_name": "PreToolUse",
               "model": "gpt-5-codex", "permission_mode": "default", "tool_name": "apply_patch",
               "tool_input": {"command": PATCH}, "tool_use_id": "call_1"}
    answer = hook("codex", json.dumps(payload).encode(), work)
    reason = json.loads(answer.stdout)["hookSpecificOutput"]["permissionDecisionReason"]
    lines = reason.splitlines()[1:]
    assert len(lines) == len(by_mcp)
    assert all(any(f"rule {rule})" in line and f"`{target}`" in line and location in line for line in lines)
               for rule, _, target, location in by_mcp)

    for path, text in WRITTEN.items():
        (work / path).write_text(text)
    checked = govern("check", "--format", "json", "--new-since", "HEAD", cwd=work)
    assert checked.returncode == 1
    by_check = {(v["rule"], v["subject"], v["target"], v["location"])
                for v in json.loads(checked.stdout)["violations"] if v["new"]}
    assert by_check == by_mcp

    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "refunds")
    pushed = push(work)
    assert pushed.returncode != 0
    [entry] = [e for e in audit_entries(bare) if e.get("decision") == "reject"]
    by_server = {(b["rule"], b["subject"], b["target"], b["location"]) for b in entry["blocking"]}
    assert by_server == by_mcp
