"""End to end: the time budget and fail-open are configuration of the governed tree.

A budget of 1 ms cannot be met by any real push, so the hook must reject with a clear
message (this asserts the behaviour, not a timing)."""
from __future__ import annotations

import json

from tests.conftest import git
from tests.e2e.hooks_support import BASE_FILES, audit_entries, commit, note, push, server

PYPROJECT = BASE_FILES["pyproject.toml"].replace("hook-budget = 120.0\n", "")


def test_budget_exceeded_rejects_with_a_clear_message(tmp_path):
    bare, work = server(tmp_path, {**BASE_FILES, "pyproject.toml": PYPROJECT + "hook-budget = 0.001\n"})
    old = git(bare, "rev-parse", "main").strip()
    commit(work, {"app/api/health.py": "x = 1\n"})
    done = push(work)
    assert done.returncode != 0
    assert "govern: ✗ refs/heads/main: rejected" in done.stderr
    assert "govern:   time budget of 0.001 s exceeded" in done.stderr
    assert "govern.hookBudget = 0.001 ([tool.govern] hook-budget of refs/heads/main at " in done.stderr
    assert git(bare, "rev-parse", "main").strip() == old
    [entry] = audit_entries(bare)
    assert entry["decision"] == "reject" and "time budget" in entry["error"]
    # The hint, followed: the server's setting wins over the tree's, even for this push.
    assert "`git config govern.hookBudget SECONDS` in the server's repository" in done.stderr
    git(bare, "config", "govern.hookBudget", "120")
    done = push(work)
    assert done.returncode == 0, done.stderr


def test_fail_open_allows_with_a_warning_and_audits_it(tmp_path):
    bare, work = server(tmp_path, {**BASE_FILES,
                                   "pyproject.toml": PYPROJECT + "hook-budget = 0.001\nfail-open = true\n"})
    new = commit(work, {"app/api/health.py": "x = 1\n"})
    done = push(work)
    assert done.returncode == 0, done.stderr
    assert json.loads(note(bare, new))["commit"] == new  # post-receive judged it (no handover file)
    assert "WARNING: refs/heads/main: time budget of 0.001 s exceeded" in done.stderr
    assert "ALLOWED UNJUDGED because govern.failOpen = true ([tool.govern] fail-open of refs/heads/main" in done.stderr
    decisions = [(e["hook"], e["decision"], e.get("failed_open")) for e in audit_entries(bare)]
    assert ("pre-receive", "allow", True) in decisions
