"""`govern mcp` driven by the MCP SDK's own client over stdio, as a coding agent drives it."""
from __future__ import annotations

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.conftest import git
from tests.e2e.agents_support import agent_repo
from tests.e2e.hooks_support import GOVERN, govern

TOOLS = {"check", "check_change", "decisions_for", "query", "why"}


def session(repo, scenario):
    """Run `scenario(client)` against a `govern mcp` started in `repo`; return its result."""
    async def main():
        params = StdioServerParameters(command=GOVERN[0], args=["mcp"], cwd=str(repo))
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as client:
                await client.initialize()
                return await scenario(client)
    return anyio.run(main)


@pytest.fixture
def repo(tmp_path):
    repo = agent_repo(tmp_path)
    assert govern("record", "HEAD", cwd=repo).returncode == 0
    return repo


def test_tools_have_schemas_and_adrs_are_resources(repo):
    async def scenario(client):
        tools = {t.name: t for t in (await client.list_tools()).tools}
        resources = [str(r.uri) for r in (await client.list_resources()).resources]
        text = (await client.read_resource("govern://adr/ADR-0001")).contents[0].text
        return tools, resources, text

    tools, resources, text = session(repo, scenario)
    assert set(tools) == TOOLS
    assert all(t.input_schema["type"] == "object" and t.output_schema for t in tools.values())
    assert tools["check_change"].input_schema["properties"].keys() >= {"edits", "patch"}
    assert resources == [f"govern://adr/ADR-000{i}" for i in range(1, 5)]
    assert text.startswith("---\ntitle: Only the billing service talks to Stripe")


def test_check_change_reports_a_forbidden_import_with_rule_proof_and_hint(repo):
    edit = {"path": "app/api/orders.py", "old_string": "import app.billing.charge\n",
            "new_string": "import app.billing.charge\nimport stripe\n"}

    async def scenario(client):
        blocked = await client.call_tool("check_change", {"edits": [edit], "proofs": True})
        clean = await client.call_tool("check_change", {"edits": [{"path": "app/api/ok.py", "content": "import json\n"}]})
        patch = await client.call_tool("check_change", {"patch": "*** Begin Patch\n*** Add File: app/db/up.py\n"
                                                                 "+import app.api.orders\n*** End Patch\n"})
        return blocked, clean, patch

    blocked, clean, patch = session(repo, scenario)
    assert not blocked.is_error and blocked.structured_content["verdict"] == "block"
    [finding] = blocked.structured_content["findings"]
    assert (finding["rule"], finding["location"], finding["target"], finding["new"]) == \
        ("stripe-only-in-billing", "app/api/orders.py:2", "stripe", True)
    assert finding["proof"]["conclusion"]["pred"] == "violation"
    assert "adr/0001-only-billing-talks-to-stripe.md" in finding["hint"] and "app/billing/**" in finding["hint"]
    assert blocked.structured_content["changes"] == [{"path": "app/api/orders.py", "kind": "M"}]
    assert clean.structured_content["verdict"] == "allow" and clean.structured_content["findings"] == []
    assert [f["rule"] for f in patch.structured_content["findings"]] == ["app-layers"]
    assert "proof" not in patch.structured_content["findings"][0]  # proofs only on request
    assert (repo / "app/api/orders.py").read_text() == "import app.billing.charge\n"  # nothing written


def test_bad_arguments_are_tool_errors_and_the_server_keeps_serving(repo):
    async def scenario(client):
        results = [await client.call_tool("check_change", args) for args in (
            {"edits": [{"path": "../outside.py", "content": "x"}]},
            {"edits": [{"path": "app/api/orders.py", "old_string": "absent", "new_string": "x"}]},
            {"patch": "*** Begin Patch\n*** Frobnicate\n*** End Patch"},
            {},
            {"edits": "not a list"},
        )]
        results.append(await client.call_tool("query", {"goal": "imports(M, "}))
        results.append(await client.call_tool("why", {"rev": "no-such-rev"}))
        results.append(await client.call_tool("check", {"rev": "--output=/tmp/x"}))
        results.append(await client.call_tool("decisions_for", {"paths": ["/etc/passwd"]}))
        return results, await client.call_tool("check", {})

    results, after = session(repo, scenario)
    assert all(r.is_error for r in results)
    assert "leaves the repository" in results[0].content[0].text
    assert "old_string not found" in results[1].content[0].text
    assert after.structured_content["verdict"] == "allow"


def test_each_tool_answers_and_follows_the_files_on_disk(repo):
    async def scenario(client):
        decisions = await client.call_tool("decisions_for", {"paths": ["app/db/models.py"]})
        before = await client.call_tool("check", {})
        (repo / "app/api/refunds.py").write_text("import stripe\n")  # changed on disk between calls
        after = await client.call_tool("check", {})
        edit = await client.call_tool("check_change", {"edits": [{"path": "app/api/x.py", "content": "x = 1\n"}]})
        query = await client.call_tool("query", {"goal": 'imports(M, "stripe")'})
        why = await client.call_tool("why", {"rev": "HEAD"})
        return decisions, before, after, edit, query, why

    decisions, before, after, edit, query, why = session(repo, scenario)
    # the import rule (from app/**), the dependency rule (no path: everywhere), the layers; not billing's protection
    assert [d["id"] for d in decisions.structured_content["decisions"]] == ["ADR-0001", "ADR-0002", "ADR-0004"]
    assert before.structured_content["verdict"] == "allow"
    assert after.structured_content["verdict"] == "block"
    assert [f["location"] for f in after.structured_content["findings"]] == ["app/api/refunds.py:1"]
    assert edit.structured_content["verdict"] == "allow"  # the violation on disk is not the edit's
    assert query.structured_content["rows"] == [["app.api.refunds"], ["app.billing.charge"]]
    assert why.structured_content["verdict"] == "allow"
    assert why.structured_content["commit"] == git(repo, "rev-parse", "HEAD").strip()


NO_JSON = """---
title: No json in the database layer
status: accepted
rules:
  - id: no-json-in-db
    forbid-import:
      from: ["app/db/**"]
      to: ["json"]
---
"""


def test_the_warm_server_judges_against_the_files_on_disk_now(repo):
    """The server keeps the working tree's answers between calls (incremental judgment):
    an ADR, or a file, written between two calls must be seen by the second."""
    edit = {"edits": [{"path": "app/db/models.py", "content": "import json\nX = 1\n"}]}

    async def scenario(client):
        first = await client.call_tool("check_change", edit)
        again = await client.call_tool("check_change", edit)  # from the kept answers
        (repo / "adr/0009-no-json.md").write_text(NO_JSON)
        after_adr = await client.call_tool("check_change", edit)
        (repo / "app/db/models.py").write_text("import json\nX = 1\n")  # the agent wrote it
        written = await client.call_tool("check_change", {"edits": [{"path": "app/db/models.py", "content": "X = 2\n"}]})
        return first, again, after_adr, written

    first, again, after_adr, written = session(repo, scenario)
    assert first.structured_content["verdict"] == again.structured_content["verdict"] == "allow"
    assert after_adr.structured_content["verdict"] == "block"
    assert [f["rule"] for f in after_adr.structured_content["findings"]] == ["no-json-in-db"]
    assert written.structured_content["verdict"] == "allow"  # removing a legacy violation
