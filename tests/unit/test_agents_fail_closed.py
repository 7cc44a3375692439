"""Internal errors of `govern agent-hook` fail closed for blocking rules, and say so."""
from __future__ import annotations

import json

import pytest

from govern.agents.hook import run
from tests.e2e.agents_support import AGENT_FILES, agent_repo, payload

HARNESSES = ("claude-code", "codex", "gemini", "cursor")
WARN_ONLY = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "0"\n\n[tool.govern]\nroots = ["."]\n',
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/orders.py": "import app.billing.charge\n",
    "app/service/__init__.py": "",
    "app/service/orders.py": "import app.db.models\n",
    "app/db/__init__.py": "",
    "app/db/models.py": "X = 1\n",
    "app/billing/__init__.py": "",
    "app/billing/charge.py": "X = 1\n",
    "adr/0001-no-pickle.md": "---\ntitle: A warning rule\nstatus: accepted\nrules:\n  - id: no-pickle\n"
                             "    forbid-import:\n      from: [\"app/**\"]\n      to: [\"pickle\"]\n"
                             "    severity: warn\n---\n",
}


def boom(*args, **kwargs):
    raise RuntimeError("the judge fell over")


def reason_of(out: dict) -> str:
    spec = out.get("hookSpecificOutput", {})
    return spec.get("permissionDecisionReason") or out.get("reason") or out.get("agent_message")


@pytest.mark.parametrize("harness", HARNESSES)
def test_an_internal_error_blocks_and_says_so(harness, tmp_path, monkeypatch):
    repo = agent_repo(tmp_path, AGENT_FILES)
    monkeypatch.setattr("govern.agents.proposal.judge_draft", boom)
    answer = run(harness, payload(harness, "clean", repo))
    assert answer.exit_code == 0 and answer.stderr == ""
    reason = reason_of(json.loads(answer.stdout))
    assert reason == ("govern failed while judging this change, so it is blocked (fail closed): "
                      "internal error RuntimeError: the judge fell over")


@pytest.mark.parametrize("harness", HARNESSES)
def test_without_a_blocking_rule_an_internal_error_passes_and_says_so(harness, tmp_path, monkeypatch):
    repo = agent_repo(tmp_path, WARN_ONLY)
    monkeypatch.setattr("govern.agents.proposal.judge_draft", boom)
    answer = run(harness, payload(harness, "clean", repo))
    assert (answer.exit_code, answer.stdout) == (0, "")
    assert answer.stderr == ("govern: internal error RuntimeError: the judge fell over; "
                             "not blocked: no accepted decision has a blocking rule\n")


def test_an_internal_error_of_the_stop_hook_blocks_stopping(tmp_path, monkeypatch):
    repo = agent_repo(tmp_path, AGENT_FILES)
    monkeypatch.setattr("govern.verdict.judge.judge", boom)
    out = json.loads(run("claude-code", payload("claude-code", "stop", repo)).stdout)
    assert out["decision"] == "block" and "internal error RuntimeError: the judge fell over" in out["reason"]


@pytest.mark.parametrize("harness", HARNESSES)
def test_an_error_of_the_adapter_itself_exits_2(harness, tmp_path, monkeypatch):
    repo = agent_repo(tmp_path, AGENT_FILES)
    from govern.agents.harnesses import REGISTRY

    monkeypatch.setattr(REGISTRY[harness], "answer", boom)
    answer = run(harness, payload(harness, "clean", repo))
    assert (answer.exit_code, answer.stdout) == (2, "")
    assert answer.stderr == (f"govern agent-hook {harness}: internal error RuntimeError: the judge fell over; "
                             "blocked (fail closed)\n")
