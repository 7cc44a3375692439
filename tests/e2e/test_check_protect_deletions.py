"""`protect` sees deletions and renames out of a protected path, and signatures are checked
against the rules' tree, not against keys the judged change brings along."""
from __future__ import annotations

from tests.conftest import git
from tests.e2e.check_support import check_json, commit
from tests.e2e.hooks_support import PROTECT_ADR


AGENT = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"


def _repo(make_repo):
    return make_repo({
        "adr/0001-protect-billing.md": PROTECT_ADR,
        "app/__init__.py": "",
        "app/billing/__init__.py": "",
        "app/billing/charge.py": "def charge():\n    pass\n",
    })


def test_agent_deleting_a_protected_file_is_blocked(make_repo):
    repo = _repo(make_repo)
    git(repo, "rm", "-q", "app/billing/charge.py")
    git(repo, "commit", "-q", "-m", "Remove charge" + AGENT)
    code, verdict = check_json(repo, "--rev", "HEAD")
    assert code == 1
    assert [(v["rule"], v["subject"]) for v in verdict["violations"]] == [
        ("billing-needs-approval", "app/billing/charge.py")]


def test_agent_renaming_out_of_a_protected_path_is_blocked(make_repo):
    repo = _repo(make_repo)
    git(repo, "mv", "app/billing/charge.py", "app/charge.py")
    git(repo, "commit", "-q", "-m", "Move charge" + AGENT)
    code, verdict = check_json(repo, "--rev", "HEAD")
    assert code == 1
    assert "app/billing/charge.py" in {v["subject"] for v in verdict["violations"]}


def test_human_deleting_a_protected_file_is_allowed(make_repo):
    repo = _repo(make_repo)
    commit(repo, {"README.md": "x\n"})
    git(repo, "rm", "-q", "app/billing/charge.py")
    git(repo, "commit", "-q", "-m", "Remove charge")
    code, verdict = check_json(repo, "--rev", "HEAD")
    assert code == 0, verdict["violations"]


def test_deletion_proof_verifies(make_repo):
    repo = _repo(make_repo)
    git(repo, "rm", "-q", "app/billing/charge.py")
    git(repo, "commit", "-q", "-m", "Remove charge" + AGENT)
    code, verdict = check_json(repo, "--rev", "HEAD", "--verify")
    assert code == 1
    leaves = [c["conclusion"] for c in verdict["violations"][0]["proof"]["children"]]
    assert {"pred": "glob", "args": ["app/billing/charge.py", "app/billing/**"]} in leaves
    assert {"pred": "changed", "args": ["app/billing/charge.py", "D"]} in leaves
