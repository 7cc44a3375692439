"""Attack class 8 (issue 10): time is bounded, the rules' own cost is checked before they are
accepted, and no accepted state bricks a branch: the server's operator can always recover."""
from __future__ import annotations

from datetime import date

from tests.conftest import git
from tests.e2e.hooks_support import BASE_FILES, audit_entries, commit, push, server

PYPROJECT = BASE_FILES["pyproject.toml"].replace("hook-budget = 120.0\n", "")
NEW_ADR = "---\ntitle: Another\nstatus: accepted\n---\n"
BROKEN_ADR = "---\ntitle: Broken\nstatus: accepted\nrules:\n  - id: x\n    nonsense: 1\n---\n"


def _land_behind_the_hooks_back(bare, work, files: dict, message: str) -> str:
    """What an earlier accepted state could be: a commit put on main server-side (no hook runs)."""
    tip = commit(work, files, message)
    git(work, "push", "-q", "origin", f"{tip}:refs/heads/staging")
    git(bare, "update-ref", "refs/heads/main", tip)
    return tip


def test_fail_open_never_lets_a_rules_change_through_unjudged(tmp_path):
    bare, work = server(tmp_path)
    git(bare, "config", "govern.hookBudget", "0.001")
    git(bare, "config", "govern.failOpen", "true")
    commit(work, {"app/api/health.py": "x = 1\n"})
    done = push(work)
    assert done.returncode == 0 and "ALLOWED UNJUDGED because govern.failOpen = true (server git config" in done.stderr
    commit(work, {"adr/0004-another.md": NEW_ADR}, "a new rule")
    done = push(work)
    assert done.returncode != 0 and "the push changes the rules" in done.stderr
    [*_, entry] = audit_entries(bare)
    assert entry["decision"] == "reject" and entry.get("timed_out") and not entry.get("failed_open")


def test_the_new_rules_cost_is_checked_before_they_are_accepted(tmp_path):
    from govern.config import Config
    from govern.hook.rules_check import rules_cost_findings

    bare, work = server(tmp_path)
    before = git(work, "rev-parse", "HEAD").strip()
    tip = commit(work, {"adr/0004-another.md": NEW_ADR}, "a new rule")
    assert push(work).returncode == 0
    [finding] = rules_cost_findings(bare, before, tip, Config(), 0.0, date.today())  # no rules are free
    assert finding.rule == "rules-cost" and "over half the hook budget" in finding.message
    assert rules_cost_findings(bare, before, tip, Config(), 60.0, date.today()) == []
    assert rules_cost_findings(bare, tip, tip, Config(), 0.0, date.today()) == []  # rules untouched: not judged


def test_recover_a_branch_whose_rules_no_longer_load(tmp_path):
    """Every push to main fails closed; the operator turns main's gate off, the fix lands, the gate is back."""
    bare, work = server(tmp_path)
    _land_behind_the_hooks_back(bare, work, {"adr/0004-broken.md": BROKEN_ADR}, "broken")
    fix = commit(work, {}, "remove the broken ADR", delete=("adr/0004-broken.md",))
    done = push(work)
    assert done.returncode != 0 and "adr/0004-broken.md" in done.stderr
    git(bare, "config", "govern.refs", "@default off")  # server-side: the operator, not the pusher
    done = push(work)
    assert done.returncode == 0 and "not governed (govern.refs '@default off' (server git config))" in done.stderr
    git(bare, "config", "--unset", "govern.refs")
    assert git(bare, "rev-parse", "main").strip() == fix
    commit(work, {"app/api/refunds.py": "import stripe\n"}, "judged again")
    done = push(work)
    assert done.returncode != 0 and "[stripe-only-in-billing]" in done.stderr
    assert [e["mode"] for e in audit_entries(bare)] == ["warn", "block", "off", "block"]  # staging, then main


def test_recover_a_branch_whose_budget_cannot_be_met(tmp_path):
    bare, work = server(tmp_path)
    _land_behind_the_hooks_back(bare, work, {"pyproject.toml": PYPROJECT + "hook-budget = 0.001\n"}, "tiny budget")
    commit(work, {"pyproject.toml": PYPROJECT}, "restore the budget")
    done = push(work)
    assert done.returncode != 0 and "time budget of 0.001 s exceeded" in done.stderr
    git(bare, "config", "govern.hookBudget", "120")
    done = push(work)
    assert done.returncode == 0, done.stderr


def test_hostile_files_are_judged_or_refused_within_the_budget(tmp_path):
    bare, work = server(tmp_path)
    git(bare, "config", "govern.hookBudget", "3")
    hostile = {
        "app/api/spaces.py": "import os" + " " * 40000 + "\n",
        "app/api/nested.py": "x = " + "(" * 5000 + ")" * 5000 + "\n",
        "app/api/lines.py": "".join(f"import mod{i}\n" for i in range(20000)),
        "app/api/utf7.py": "# coding: utf-7\n+AGk-mport stripe\n",
        "app/api/quotes.py": 'f"{' * 200 + '"' * 200 + "\n",
    }
    commit(work, hostile, "hostile")
    done = push(work)
    assert "Traceback" not in done.stderr
    [*_, entry] = audit_entries(bare)
    assert entry["ref"] == "refs/heads/main" and entry["decision"] in ("allow", "reject")
    assert entry["seconds"] < 3 + 10  # the deadline held (generous slack for a loaded box)
