"""End to end: notes fetched by a clone, `govern why`, `--verify` (tampering detected), `govern record`."""
from __future__ import annotations

import json

from govern.notes.codec import decode
from govern.verdict.render_json import canonical_json
from tests.conftest import git
from tests.e2e.hooks_support import commit, govern, push, server

FETCH = "git fetch origin refs/notes/govern:refs/notes/govern"


def test_clone_fetches_notes_and_why_shows_them(tmp_path):
    bare, work = server(tmp_path)
    new = commit(work, {"app/api/health.py": "import app.api.orders\n"}, "health")
    assert push(work).returncode == 0
    clone = tmp_path / "reader"
    git(tmp_path, "clone", "-q", str(bare), str(clone))
    missing = govern("why", "HEAD", cwd=clone)
    assert missing.returncode == 2 and FETCH in missing.stderr
    git(clone, "fetch", "-q", "origin", "refs/notes/govern:refs/notes/govern")
    text = govern("why", "HEAD", cwd=clone)
    assert text.returncode == 0, text.stderr
    assert f"commit {new}  verdict: allow" in text.stdout and "stripe-only-in-billing" in text.stdout
    raw = govern("why", new, "--format", "json", cwd=clone)
    stored = git(clone, "notes", "--ref=govern", "show", new)  # packed (docs/json-format.md)
    assert raw.stdout == canonical_json(decode(stored.encode()))  # the verdict, as `check --format json`
    verified = govern("why", new, "--verify", cwd=clone)
    assert verified.returncode == 0, verified.stderr
    assert "verified" in verified.stderr


def test_why_shows_legacy_proof_and_detects_tampering(tmp_path):
    bare, work = server(tmp_path, install=False)
    commit(work, {"app/api/refunds.py": "import stripe\n"}, "legacy")
    done = govern("record", "HEAD", cwd=work)
    assert done.returncode == 0, done.stderr
    assert "block" in done.stdout
    shown = govern("why", "HEAD", cwd=work)
    assert "app/api/refunds.py:1" in shown.stdout and "stripe-only-in-billing" in shown.stdout
    assert govern("why", "HEAD", "--verify", cwd=work).returncode == 0
    note = decode(git(work, "notes", "--ref=govern", "show", "HEAD").encode())
    note["proofs"] = json.loads(json.dumps(note["proofs"]).replace("app/api/refunds.py", "app/billing/charge.py"))
    git(work, "notes", "--ref=govern", "add", "-f", "-m", json.dumps(note), "HEAD")
    tampered = govern("why", "HEAD", "--verify", cwd=work)
    assert tampered.returncode == 1 and "verification failed" in tampered.stderr


def test_record_is_idempotent(tmp_path):
    _, work = server(tmp_path, install=False)
    assert govern("record", "HEAD", cwd=work).returncode == 0
    first = git(work, "rev-parse", "refs/notes/govern")
    assert govern("record", "HEAD", cwd=work).returncode == 0
    assert git(work, "rev-parse", "refs/notes/govern") == first


def test_record_unknown_revision(tmp_path):
    _, work = server(tmp_path, install=False)
    done = govern("record", "no-such-rev", cwd=work)
    assert done.returncode == 2 and "unknown revision" in done.stderr


PUSHER_ADR = """---
title: Mallory may not push to billing
status: accepted
rules:
  - id: no-mallory-billing
    datalog: true
---
```datalog
violation("no-mallory-billing", P, "mallory pushed a billing change") :-
    changed(P, _K), glob(P, "app/billing/**"), pusher("mallory").
```
"""


def test_verify_rechecks_a_proof_resting_on_the_pusher(tmp_path):
    """The pusher is recorded in the note, so a proof with a pusher(...) leaf verifies later."""
    _, work = server(tmp_path, install=False)
    commit(work, {"adr/0009-no-mallory.md": PUSHER_ADR}, "adr")
    commit(work, {"app/billing/fee.py": "FEE = 1\n"}, "fee")
    done = govern("record", "HEAD", cwd=work, env={"GL_USERNAME": "mallory"})
    assert done.returncode == 0, done.stderr
    note = decode(git(work, "notes", "--ref=govern", "show", "HEAD").encode())
    assert note["pusher"] == {"user": "mallory", "variable": "GL_USERNAME"}
    assert [v["rule"] for v in note["violations"] if v["rule"] == "no-mallory-billing"]
    verified = govern("why", "HEAD", "--verify", cwd=work)
    assert verified.returncode == 0, verified.stderr
    # A note claiming another pusher no longer supports its proof.
    note["pusher"]["user"] = "bob"
    git(work, "notes", "--ref=govern", "add", "-f", "-m", json.dumps(note, sort_keys=True), "HEAD")
    assert govern("why", "HEAD", "--verify", cwd=work).returncode != 0
