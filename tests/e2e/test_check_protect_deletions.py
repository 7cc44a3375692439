"""`protect` sees deletions and renames out of a protected path (paths the judged tree no
longer holds), and the proofs of such violations verify."""
from __future__ import annotations

from tests.conftest import git
from tests.e2e.check_support import check_json
from tests.e2e.hooks_support import PROTECT_ADR


AGENT = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"


def _judged(make_repo, change: list[str], message: str, *check_args: str):
    """A repo with protected billing code, one commit making `change` (a git command), judged."""
    repo = make_repo({
        "adr/0001-protect-billing.md": PROTECT_ADR,
        "app/__init__.py": "",
        "app/billing/__init__.py": "",
        "app/billing/charge.py": "def charge():\n    pass\n",
    })
    git(repo, *change)
    git(repo, "commit", "-q", "-m", message)
    return check_json(repo, "--rev", "HEAD", *check_args)


def test_agent_deleting_a_protected_file_is_blocked(make_repo):
    code, verdict = _judged(make_repo, ["rm", "-q", "app/billing/charge.py"], "Remove charge" + AGENT)
    assert code == 1
    assert [(v["rule"], v["subject"]) for v in verdict["violations"]] == [
        ("billing-needs-approval", "app/billing/charge.py")]


def test_agent_renaming_out_of_a_protected_path_is_blocked(make_repo):
    code, verdict = _judged(make_repo, ["mv", "app/billing/charge.py", "app/charge.py"], "Move charge" + AGENT)
    assert code == 1
    assert "app/billing/charge.py" in {v["subject"] for v in verdict["violations"]}


def test_human_deleting_a_protected_file_is_allowed(make_repo):
    code, verdict = _judged(make_repo, ["rm", "-q", "app/billing/charge.py"], "Remove charge")
    assert code == 0, verdict["violations"]


def test_deletion_proof_verifies(make_repo):
    code, verdict = _judged(make_repo, ["rm", "-q", "app/billing/charge.py"], "Remove charge" + AGENT, "--verify")
    assert code == 1
    root = verdict["proofs"][verdict["violations"][0]["proof"]]
    leaves = [verdict["proofs"][c]["conclusion"] for c in root["children"]]
    assert {"pred": "glob", "args": ["app/billing/charge.py", "app/billing/**"]} in leaves
    assert {"pred": "changed", "args": ["app/billing/charge.py", "D"]} in leaves
