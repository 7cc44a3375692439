"""`govern why` explains allowances (issue 12 item 5): an agent's change to a protected path
accepted because its owner pushed it, or signed it, is recorded in the (packed) verdict note
with the actor and why, the pusher, the signature (principal, key, time) and the proof of the
approval; `govern why` prints "allowed because …"; `--verify` judges again and reports a
tampered record. Real bare repositories with the hooks installed, real ssh signatures."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.conftest import git
from tests.e2e.hooks_support import AGENT_TRAILER, BASE_FILES, commit, govern, push, server

DOCS = Path(__file__).resolve().parents[2] / "docs" / "hooks.md"
CHANGE = {"app/billing/charge.py": "import stripe\nRETRIES = 4\n"}
OWNERS_ADR = """---
title: Agents need an owner to touch the API
status: accepted
rules:
  - id: api-needs-owner
    protect:
      paths: ["app/api/**"]
      actors: [agent]
      unless-approved-by: [owners]
    message: An agent changed the API without its owner.
---
"""


def _reader(tmp, bare):
    clone = tmp / "reader"
    git(tmp, "clone", "-q", str(bare), str(clone))
    git(clone, "fetch", "-q", "origin", "refs/notes/govern:refs/notes/govern")
    return clone


def _key(tmp):
    key = tmp / "alice_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", str(key)], check=True)
    public = key.with_suffix(".pub").read_text().split()
    done = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", str(key.with_suffix(".pub"))],
                          capture_output=True, text=True, check=True)
    return key, f"alice {public[0]} {public[1]}\n", done.stdout.split()[1]


def _forge(clone, rev, change) -> subprocess.CompletedProcess:
    """why --verify on the stored (packed) note of `rev` edited by `change` (put back after)."""
    real = git(clone, "notes", "--ref=govern", "show", rev)
    note = json.loads(real)
    change(note)
    git(clone, "notes", "--ref=govern", "add", "-f", "-m", json.dumps(note, sort_keys=True), rev)
    try:
        return govern("why", rev, "--verify", cwd=clone)
    finally:
        git(clone, "notes", "--ref=govern", "add", "-f", "-m", real.rstrip("\n"), rev)


def test_an_agent_change_accepted_because_the_owner_pushed_it(tmp_path):
    bare, work = server(tmp_path)
    agent = commit(work, CHANGE, f"tune retries\n\n{AGENT_TRAILER}")
    assert push(work, env={"GL_USERNAME": "mallory"}).returncode != 0  # not an approver
    done = push(work, env={"GL_USERNAME": "alice"})
    assert done.returncode == 0, done.stderr
    clone = _reader(tmp_path, bare)
    shown = govern("why", agent, cwd=clone)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert f"actor: agent (trailer {AGENT_TRAILER} matches built-in pattern" in out
    assert "pusher: alice (server variable GL_USERNAME, authenticated by the server)" in out
    assert ("allowed because:\n  billing-needs-approval (ADR-0003) on app/billing/charge.py: alice pushed it "
            "(the server's authenticated user, GL_USERNAME)") in out
    assert 'pusher("alice")  GL_USERNAME' in out  # the approval's proof, down to the fact
    documented = re.search(r"```text\n(change judged:.*?)```", DOCS.read_text(), re.S).group(1)
    assert documented in out  # docs/hooks.md shows this very output
    verified = govern("why", agent, "--verify", cwd=clone)
    assert verified.returncode == 0, verified.stderr
    # The record is in the note itself (packed: the header keeps it, the proof is a node index).
    note = json.loads(git(clone, "notes", "--ref=govern", "show", agent))
    [allowed] = note["change"]["allowed"]
    assert (allowed["rule"], allowed["subject"], type(allowed["proof"])) == (
        "billing-needs-approval", "app/billing/charge.py", int)
    assert allowed["approvals"] == [{"by": "alice", "via": "pusher", "entry": "alice"}]


def test_an_agent_change_accepted_because_the_owner_signed_it(tmp_path):
    key, signer, fingerprint = _key(tmp_path)
    bare, work = server(tmp_path, {**BASE_FILES, ".govern/allowed_signers": signer})
    git(work, "config", "gpg.format", "ssh")
    git(work, "config", "user.signingkey", str(key))
    agent = commit(work, CHANGE, f"tune retries\n\n{AGENT_TRAILER}", args=("-S",))
    done = push(work)
    assert done.returncode == 0, done.stderr
    clone = _reader(tmp_path, bare)
    out = govern("why", agent, cwd=clone).stdout
    signed = re.search(r"signed by: alice, ssh key (\S+), verified (\S+) against \.govern/allowed_signers", out)
    assert signed and signed.group(1) == fingerprint, out
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", signed.group(2))
    assert (f"billing-needs-approval (ADR-0003) on app/billing/charge.py: alice signed the commit "
            f"(ssh key {fingerprint}, listed in .govern/allowed_signers)") in out
    assert govern("why", agent, "--verify", cwd=clone).returncode == 0
    [allowed] = json.loads(git(clone, "notes", "--ref=govern", "show", agent))["change"]["allowed"]
    assert allowed["approvals"] == [{"by": "alice", "via": "signature", "entry": "alice"}]
    # Tampering with what the note says about the signature or the approval is reported.
    forged = _forge(clone, agent, lambda n: n["change"]["signatures"][0].update(key="SHA256:forged"))
    assert forged.returncode == 1 and "change: the signatures are" in forged.stderr, forged.stderr
    forged = _forge(clone, agent, lambda n: n["change"].update(allowed=[]))
    assert forged.returncode == 1
    assert ("allowance of 'billing-needs-approval' on 'app/billing/charge.py' is missing from the note"
            in forged.stderr), forged.stderr
    forged = _forge(clone, agent, lambda n: n["change"]["actor"].update(kind="human"))
    assert forged.returncode == 1 and "change: the actor is" in forged.stderr


def test_an_owner_by_codeowners_pushed_it_and_a_forged_allowance_is_caught(tmp_path):
    files = {**BASE_FILES, "CODEOWNERS": "app/api/ @alice\n", "adr/0004-api-needs-owner.md": OWNERS_ADR}
    bare, work = server(tmp_path, files)
    agent = commit(work, {"app/api/orders.py": "import app.billing.charge\nX = 1\n"}, f"api\n\n{AGENT_TRAILER}")
    done = push(work, env={"GL_USERNAME": "alice"})
    assert done.returncode == 0, done.stderr
    clone = _reader(tmp_path, bare)
    out = govern("why", agent, cwd=clone).stdout
    assert ("api-needs-owner (ADR-0004) on app/api/orders.py: alice, an owner by CODEOWNERS:1, pushed it "
            "(the server's authenticated user, GL_USERNAME)") in out, out
    assert govern("why", agent, "--verify", cwd=clone).returncode == 0
    [allowed] = json.loads(git(clone, "notes", "--ref=govern", "show", agent))["change"]["allowed"]
    assert allowed["approvals"] == [{"by": "alice", "via": "pusher", "entry": "owners"}]

    def invent(note):  # an allowance for a path the commit did not change
        note["change"]["allowed"].append(dict(note["change"]["allowed"][0], subject="app/api/other.py"))
    forged = _forge(clone, agent, invent)
    assert forged.returncode == 1
    assert "the note has an allowance of 'api-needs-owner' on 'app/api/other.py'" in forged.stderr


def test_a_human_commit_records_why_it_is_human(tmp_path):
    bare, work = server(tmp_path)
    human = commit(work, CHANGE, "tune retries by hand")
    assert push(work).returncode == 0
    clone = _reader(tmp_path, bare)
    out = govern("why", human, cwd=clone).stdout
    assert "actor: human (no agent or bot mark in the author or the trailers)" in out
    assert "allowed because" not in out


def test_check_rev_records_the_change_too(tmp_path):
    _, work = server(tmp_path, install=False)
    commit(work, CHANGE, f"tune\n\n{AGENT_TRAILER}")
    done = govern("check", "--rev", "HEAD", "--format", "json", cwd=work)
    data = json.loads(done.stdout)
    assert data["change"]["actor"] == {"kind": "agent", "why": f"trailer {AGENT_TRAILER} matches built-in pattern "
                                       "'noreply@anthropic\\\\.com'"}, data["change"]
    assert data["change"]["allowed"] == [] and [v["rule"] for v in data["violations"]] == ["billing-needs-approval"]
