"""The ratchet cannot launder (issue 10, item 6): legacy is the identical finding
(rule, subject, target) that was a *violation* in the base. Real bare server, installed hooks,
real pushes; each scenario once with the base judged again (its old tip has no note) and once
with the base's legacy read from the old tip's note (a clean push wrote one)."""
from __future__ import annotations


import pytest

from tests.conftest import git
from tests.e2e.hooks_support import BASE_FILES, audit_entries, commit, govern, note, push, server, verdict_note

WAIVED_ADR = BASE_FILES["adr/0001-only-billing-talks-to-stripe.md"] + """
```datalog
exempt("stripe-only-in-billing", "app/api/refunds.py", "waived while app/api/WAIVER exists") :-
    file("app/api/WAIVER").
```
"""


def _installed(tmp_path, files: dict, noted: bool):
    """A server whose main already holds `files` (pushed before govern was installed)."""
    bare, work = server(tmp_path, install=False)
    commit(work, files, "before govern was installed")
    assert push(work).returncode == 0
    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    if noted:  # a clean push: the old tip of the next push then has a note (and its summary)
        tip = commit(work, {"app/api/clean.py": "x = 1\n"}, "clean")
        done = push(work)
        assert done.returncode == 0, done.stderr
        assert note(bare, tip) is not None
    return bare, work


@pytest.mark.parametrize("noted", [False, True], ids=["base-judged", "base-from-note"])
def test_a_new_import_in_a_file_with_legacy_is_new(tmp_path, noted):
    bare, work = _installed(tmp_path, {"app/api/refunds.py": "import stripe\n"}, noted)
    old = git(bare, "rev-parse", "main").strip()
    bad = commit(work, {"app/api/refunds.py": "import stripe\nimport stripe.checkout\n"}, "one more")
    done = push(work)
    assert done.returncode != 0, done.stderr
    refusal = done.stderr.split("see more")[0]
    assert "app/api/refunds.py:2: Only app/billing may call Stripe. → stripe.checkout" in refusal
    assert "refunds.py:1" not in refusal  # the legacy import is not what blocks
    assert git(bare, "rev-parse", "main").strip() == old
    entry = audit_entries(bare)[-1]
    assert entry["decision"] == "reject" and entry["new"] == bad
    assert [(b["subject"], b["target"]) for b in entry["blocking"]] == [("app/api/refunds.py", "stripe.checkout")]
    # The same push without the new import is fine: the legacy finding alone does not block.
    git(work, "reset", "-q", "--hard", "HEAD~1")
    ok = commit(work, {"app/api/other.py": "y = 2\n"}, "clean again")
    done = push(work)
    assert done.returncode == 0 and "1 legacy" in done.stderr, done.stderr
    [legacy] = verdict_note(bare, ok)["violations"]
    assert (legacy["target"], legacy["new"]) == ("stripe", False)


@pytest.mark.parametrize("noted", [False, True], ids=["base-judged", "base-from-note"])
def test_a_finding_the_base_only_exempted_is_not_legacy(tmp_path, noted):
    files = {"adr/0001-only-billing-talks-to-stripe.md": WAIVED_ADR, "app/api/WAIVER": "until #12\n",
             "app/api/refunds.py": "import stripe\n"}
    bare, work = _installed(tmp_path, files, noted)
    commit(work, {}, "the waiver ends", delete=("app/api/WAIVER",))
    done = push(work)
    assert done.returncode != 0, done.stderr
    assert "app/api/refunds.py:1: Only app/billing may call Stripe. → stripe" in done.stderr
    assert audit_entries(bare)[-1]["blocking"][0]["target"] == "stripe"
    # While the waiver holds, the finding is exempted (and does not block).
    git(work, "reset", "-q", "--hard", "HEAD~1")
    tip = commit(work, {"app/api/other.py": "y = 2\n"}, "clean")
    done = push(work)
    assert done.returncode == 0, done.stderr
    [lifted] = verdict_note(bare, tip)["exemptions"]
    assert lifted["reason"] == "waived while app/api/WAIVER exists"
