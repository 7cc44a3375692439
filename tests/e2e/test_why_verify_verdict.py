"""`govern why --verify` verifies the verdict, not only its proofs (issue 10, item 9): real notes
written by the server hook (and by `govern record`) in a real repository, tampered the way a
forger would, must each be reported with the difference, exit 1."""
from __future__ import annotations

import json

import pytest

from govern.notes.codec import decode, note_bytes
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
    """The verdict JSON of the (packed) note."""
    return decode(git(clone, "notes", "--ref=govern", "show", rev).encode())


def _verify_forged(clone, rev, forged: dict | str) -> str:
    """why --verify on `forged` (a verdict JSON, or a note's text) written as `rev`'s note (the
    real note is put back after)."""
    real = git(clone, "notes", "--ref=govern", "show", rev)
    text = forged if isinstance(forged, str) else json.dumps(forged, sort_keys=True)
    git(clone, "notes", "--ref=govern", "add", "-f", "-m", text, rev)
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


def _packed(clone, rev) -> dict:
    """The note as stored: the verdict's header with its findings and proofs packed."""
    return json.loads(git(clone, "notes", "--ref=govern", "show", rev))


def test_notes_are_packed_and_unpack_to_the_verdict(noted):
    clone, revs = noted
    for rev in revs.values():
        stored = git(clone, "notes", "--ref=govern", "show", rev)
        raw = json.loads(stored)
        assert {"violations", "exemptions", "proofs"}.isdisjoint(raw) and raw["packed"]["version"] == 1
        assert note_bytes(_note(clone, rev)).decode() == stored  # canonical: packing again gives the same bytes
        shown = govern("why", rev, "--format", "json", cwd=clone)
        assert json.loads(shown.stdout) == _note(clone, rev)


def test_a_packed_violation_relabelled_legacy(noted):
    clone, revs = noted
    note = _packed(clone, revs["bad"])
    new = [i for i, v in enumerate(note["packed"]["violations"]) if isinstance(v, int) and v >= 0]
    assert new, note["packed"]["violations"]
    note["packed"]["violations"][new[0]] = ~note["packed"]["violations"][new[0]]
    err = _verify_forged(clone, revs["bad"], json.dumps(note, sort_keys=True))
    assert "is legacy in the note but new when recomputed (relabelled legacy)" in err


def test_a_packed_fact_moved_to_another_line(noted):
    clone, revs = noted
    note = _packed(clone, revs["bad"])
    packed = note["packed"]
    facts = [n for n in packed["nodes"] if packed["shapes"][n[0]][0] == 0]  # facts read from a file: [shape, file, line, …]
    facts[0][2] += 7
    err = _verify_forged(clone, revs["bad"], json.dumps(note, sort_keys=True))
    assert "failed verification" in err and "has source" in err


def test_a_packed_value_renamed(noted):
    clone, revs = noted
    note = _packed(clone, revs["bad"])
    values = note["packed"]["values"]
    plain, previous = [], ""
    for value in values:  # [n, suffix]: the previous string's first n characters, then suffix
        previous = previous[:value[0]] + value[1] if isinstance(value, list) else value
        plain.append(previous)
    at = plain.index("stripe.checkout")
    values[at] = "stripe.checkouz"  # still sorted: the note reads, its findings and proofs are wrong
    err = _verify_forged(clone, revs["bad"], json.dumps(note, sort_keys=True))
    assert "'stripe.checkouz' that the commit's facts and rules do not give" in err


def test_a_malformed_packed_note_is_a_clear_error(noted):
    clone, revs = noted
    real = git(clone, "notes", "--ref=govern", "show", revs["bad"])
    for change in ({"nodes": [[0, [5]]]}, {"values": [[99, "x"]]}, {"violations": ["x"]}, {"version": 9},
                   {"shapes": [[2, 99]]}, {"nodes": [[-1]] * 3}):
        note = _packed(clone, revs["bad"])
        note["packed"].update(change)
        git(clone, "notes", "--ref=govern", "add", "-f", "-m", json.dumps(note), revs["bad"])
        try:
            done = govern("why", revs["bad"], cwd=clone)
        finally:
            git(clone, "notes", "--ref=govern", "add", "-f", "-m", real.rstrip("\n"), revs["bad"])
        assert done.returncode == 2 and "not a valid verdict note" in done.stderr, (change, done.stderr)
        assert "Traceback" not in done.stderr
