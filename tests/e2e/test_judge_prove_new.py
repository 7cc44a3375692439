"""JudgeRequest.prove = "new": legacy violations are listed without a proof, new ones are
proven exactly as with prove = "all" (what a pre-receive hook asks for)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from govern.facts.tree import CommitTree
from govern.errors import UsageError
from govern.verdict.judge import JudgeRequest, judge
from govern.verdict.render_text import render_text
from tests.conftest import git
from tests.e2e.check_support import SMALL_APP, commit


@pytest.fixture
def pushed(make_repo):
    """A base with one violation (legacy) and a tip adding another (new)."""
    repo = make_repo({**SMALL_APP, "app/api/pay.py": "import stripe\n"})
    base = git(repo, "rev-parse", "HEAD").strip()
    tip = commit(repo, {"app/api/refund.py": "from stripe import Refund\n"})
    request = JudgeRequest(repo=repo, target=CommitTree(repo, tip), commit=tip, base=CommitTree(repo, base))
    return request


def _shape(verdict):
    return [(v.subject, v.new, v.proof is None) for v in verdict.violations]


def test_new_mode_proves_only_new_violations(pushed):
    full = judge(pushed)
    lean = judge(replace(pushed, prove="new"))
    assert _shape(full) == [("app/api/pay.py", False, False), ("app/api/refund.py", True, False)]
    assert _shape(lean) == [("app/api/pay.py", False, True), ("app/api/refund.py", True, False)]
    assert lean.violations[1] == full.violations[1]  # the new one: same proof, same location
    assert lean.violations[0].location == "app/api/pay.py"  # no proof: the subject file
    assert lean.outcome == full.outcome == "block"
    assert lean.to_json()["violations"][0]["proof"] is None
    assert "not proven here" in render_text(lean)


def test_legacy_identities_given_without_a_base(pushed):
    known = frozenset({("stripe-only-in-billing", "app/api/pay.py", "stripe")})
    lean = judge(replace(pushed, base=None, legacy=known, prove="new"))
    assert _shape(lean) == [("app/api/pay.py", False, True), ("app/api/refund.py", True, False)]
    # Legacy is the identical finding: the same rule and file with another target is new.
    other = frozenset({("stripe-only-in-billing", "app/api/pay.py", "stripe.api")})
    assert _shape(judge(replace(pushed, base=None, legacy=other, prove="new")))[0] == ("app/api/pay.py", True, False)


def test_all_mode_is_the_default_and_unknown_modes_are_refused(pushed):
    assert judge(replace(pushed, legacy=frozenset())) == judge(pushed)
    with pytest.raises(UsageError):
        judge(replace(pushed, prove="some"))
