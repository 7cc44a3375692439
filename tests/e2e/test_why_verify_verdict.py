"""`govern why --verify` verifies the verdict, not only its proofs (issue 10, item 9): real notes
written by the server hook (and by `govern record`) in a real repository, tampered the way a
forger would, must each be reported with the difference, exit 1."""
from __future__ import annotations

import json

import pytest

from tests.conftest import git
from tests.e2e.hooks_support import BASE_FILES, commit, govern, push, server

EXEMPT_ADR = """---
title: The health probe may call Stripe
status: accepted
---
```datalog
exempt("stripe-only-in-billing", "app/api/health.py", "the probe checks the Stripe API key").
```
"""
LEGACY = {"app/api/refunds.py": "import stripe\n", "app/api/health.py": "import stripe\n",
          "adr/0004-health-may-call-stripe.md": EXEMPT_ADR}


@pytest.fixture(scope="module")
def noted(tmp_path_factory):
    """A clone holding the server's notes: a pushed tip with a legacy violation and an
    exemption, an intermediate commit of the same push, and a recorded note with a new violation."""
    tmp = tmp_path_factory.mktemp("why")
    bare, work = server(tmp, install=False)
    commit(work, LEGACY, "before govern was installed")
    assert push(work).returncode == 0
    assert govern("hook", "install", "--server", str(bare), cwd=tmp).returncode == 0
    middle = commit(work, {"app/api/a.py": "x = 1\n"}, "a")
    tip = commit(work, {"app/api/b.py": "y = 2\n"}, "b")
    done = push(work)
    assert done.returncode == 0, done.stderr
    clone = tmp / "reader"
    git(tmp, "clone", "-q", str(bare), str(clone))
    git(clone, "fetch", "-q", "origin", "refs/notes/govern:refs/notes/govern")
    git(clone, "config", "user.email", "r@example.com")
    git(clone, "config", "user.name", "R")
    bad = commit(clone, {"app/api/c.py": "import stripe.checkout\n"}, "a new violation, recorded not pushed")
    assert govern("record", "HEAD", cwd=clone).returncode == 0
    return clone, {"tip": tip, "middle": middle, "bad": bad}


def _note(clone, rev) -> dict:
    return json.loads(git(clone, "notes", "--ref=govern", "show", rev))


def _verify_forged(clone, rev, forged: dict) -> str:
    """why --verify on `forged` written as `rev`'s note (the real note is put back after)."""
    real = git(clone, "notes", "--ref=govern", "show", rev)
    git(clone, "notes", "--ref=govern", "add", "-f", "-m", json.dumps(forged, sort_keys=True), rev)
    try:
        done = govern("why", rev, "--verify", cwd=clone)
    finally:
        git(clone, "notes", "--ref=govern", "add", "-f", "-m", real.rstrip("\n"), rev)
    assert done.returncode == 1, done.stderr
    assert "verified" not in done.stderr.replace("verification failed", "")
    return done.stderr


def test_real_notes_verify(noted):
    clone, revs = noted
    for rev in revs.values():
        done = govern("why", rev, "--verify", cwd=clone)
        assert done.returncode == 0, (rev, done.stderr)
        assert "is the verdict its facts and rules give" in done.stderr
    tip, middle = _note(clone, revs["tip"]), _note(clone, revs["middle"])
    assert [v["new"] for v in tip["violations"]] == [False] and len(tip["exemptions"]) == 1
    assert middle["base"] == middle["rules_from"] == tip["base"]  # every note's rules are its base's
    assert _note(clone, revs["bad"])["verdict"] == "block"


def test_a_removed_violation(noted):
    clone, revs = noted
    note = _note(clone, revs["tip"])
    note["violations"] = []
    note["summary"] = {**note["summary"], "violations": 0, "legacy": 0}
    err = _verify_forged(clone, revs["tip"], note)
    assert "violation 'stripe-only-in-billing' on 'app/api/refunds.py' → 'stripe' is missing from the note" in err


def test_a_new_violation_relabelled_legacy_and_the_verdict_flipped(noted):
    clone, revs = noted
    note = _note(clone, revs["bad"])
    [new] = [v for v in note["violations"] if v["new"]]
    new["new"] = False
    note["verdict"] = "allow"
    note["summary"] = {**note["summary"], "blocking": 0, "legacy": note["summary"]["legacy"] + 1}
    err = _verify_forged(clone, revs["bad"], note)
    assert "on 'app/api/c.py' → 'stripe.checkout' is legacy in the note but new when recomputed (relabelled legacy)" in err
    assert "verdict flipped: the note says 'allow', the commit's facts and rules give 'block'" in err


def test_a_note_without_adrs(noted):
    clone, revs = noted
    note = _note(clone, revs["bad"])
    note.update(adrs=[], rules=[], violations=[], exemptions=[], verdict="allow",
                summary={k: 0 for k in note["summary"]})
    err = _verify_forged(clone, revs["bad"], note)
    assert "ADR 'ADR-0001' is missing from the note" in err
    assert "rule ('ADR-0001', 'stripe-only-in-billing') is missing from the note" in err
    assert "verdict flipped" in err


def test_an_exemption_added(noted):
    clone, revs = noted
    note = _note(clone, revs["tip"])
    [legacy] = note["violations"]
    note["violations"] = []
    note["exemptions"].append({**legacy, "reason": "approved", "violation_proof": legacy["proof"]})
    err = _verify_forged(clone, revs["tip"], note)
    assert ("'stripe-only-in-billing' on 'app/api/refunds.py' → 'stripe' is an exemption in the note "
            "but a violation when recomputed (an exemption added)") in err


@pytest.mark.parametrize("key", ["base", "rules_from"])
def test_recorded_inputs_that_no_judgment_writes(noted, key):
    clone, revs = noted
    note = _note(clone, revs["bad"])
    note[key] = revs["bad"]  # everything legacy against itself / rules from the commit judged
    err = _verify_forged(clone, revs["bad"], note)
    assert "the note's base is the commit itself" in err if key == "base" else "not from its base" in err


def test_a_hostile_note_is_reported_not_raised(noted):
    clone, revs = noted
    for forged in [{**_note(clone, revs["tip"]), "base": "--output=/tmp/x"},
                   {**_note(clone, revs["tip"]), "violations": [1, {"rule": ["x"]}], "adrs": "none"},
                   {**_note(clone, revs["tip"]), "date": "tomorrow"}]:
        err = _verify_forged(clone, revs["tip"], forged)
        assert "Traceback" not in err and "verification failed" in err
