"""Attack classes 3, 10 and 11 (issue 10): approvals come from the rules' tree and are
authenticated; who counts as an agent is configurable on the server; submodules under a
governed scope do not slip code past the rules."""
from __future__ import annotations

import subprocess

import pytest

from tests.conftest import git
from tests.e2e.hooks_support import AGENT_TRAILER, BASE_FILES, audit_entries, commit, push, server

OWNERS_ADR = """---
title: Agents need an owner to touch billing
status: accepted
rules:
  - id: billing-needs-owner
    protect:
      paths: ["app/billing/**"]
      actors: [agent]
      unless-approved-by: [owners]
    message: An agent changed billing without an owner's approval.
---
"""


@pytest.fixture
def mallory_key(tmp_path):
    key = tmp_path / "mallory_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mallory", "-f", str(key)], check=True)
    return key


def test_a_push_cannot_name_its_own_pusher_owner(tmp_path):
    files = {**BASE_FILES, "adr/0003-agents-need-approval-for-billing.md": OWNERS_ADR,
             "CODEOWNERS": "/app/billing/ @alice\n"}
    bare, work = server(tmp_path, files)
    commit(work, {"app/billing/charge.py": "import stripe\nFEE = 0\n", "CODEOWNERS": "/app/billing/ @mallory\n"},
           f"make me owner\n\n{AGENT_TRAILER}")
    done = push(work, env={"GL_USERNAME": "mallory"})
    assert done.returncode != 0 and "[billing-needs-owner]" in done.stderr
    done = push(work, env={"GL_USERNAME": "alice"})  # the owner by the rules' CODEOWNERS approves by pushing
    assert "[billing-needs-owner]" not in done.stderr


def test_an_agent_account_is_an_agent_whatever_its_commits_claim(tmp_path):
    bare, work = server(tmp_path)
    git(bare, "config", "govern.agentPushers", "claude-bot")
    commit(work, {"adr/0004-x.md": "---\ntitle: X\nstatus: proposed\n---\n"}, "an honest-looking commit")
    done = push(work, env={"GL_USERNAME": "claude-bot"})
    assert done.returncode != 0 and "[adr-changes]" in done.stderr
    assert "adr-changes = humans" in done.stderr and "pushed by claude-bot" in done.stderr
    done = push(work, env={"GL_USERNAME": "ada"})
    assert done.returncode == 0, done.stderr


def test_signed_policy_needs_a_signature_even_from_humans(tmp_path):
    bare, work = server(tmp_path)
    git(bare, "config", "govern.adrChangePolicy", "signed")
    commit(work, {"adr/0004-x.md": "---\ntitle: X\nstatus: proposed\n---\n"}, "by a human, unsigned")
    done = push(work, env={"GL_USERNAME": "ada"})
    assert done.returncode != 0 and "adr-changes = signed" in done.stderr
    [*_, entry] = audit_entries(bare)
    assert entry["blocking"][0]["rule"] == "adr-changes"


def test_owners_policy_uses_the_rules_trees_codeowners(tmp_path):
    bare, work = server(tmp_path, {**BASE_FILES, "CODEOWNERS": "/adr/ @alice\n"})
    git(bare, "config", "govern.adrChangePolicy", "owners")
    commit(work, {"adr/0004-x.md": "---\ntitle: X\nstatus: proposed\n---\n", "CODEOWNERS": "/adr/ @ada\n"},
           "self-appointed")
    done = push(work, env={"GL_USERNAME": "ada"})
    assert done.returncode != 0 and "adr-changes = owners" in done.stderr
    assert "adr/0004-x.md:" in done.stderr and "CODEOWNERS:" in done.stderr
    done = push(work, env={"GL_USERNAME": "alice"})  # CODEOWNERS itself has no owner: only a signature changes it
    assert done.returncode != 0 and "adr/0004-x.md:" not in done.stderr and "CODEOWNERS:" in done.stderr
    git(work, "reset", "-q", "--hard", "HEAD~1")
    commit(work, {"adr/0004-x.md": "---\ntitle: X\nstatus: proposed\n---\n"}, "by the owner")
    done = push(work, env={"GL_USERNAME": "alice"})
    assert done.returncode == 0, done.stderr


def test_an_openpgp_signature_carrying_the_ssh_marker_does_not_count(tmp_path, mallory_key):
    """A gpgsig header whose text contains the ssh armour line but is not an ssh signature."""
    from govern.facts.change import is_ssh_signed

    bare, work = server(tmp_path)
    fake = (b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor a <a@b> 0 +0000\ncommitter a <a@b> 0 +0000\n"
            b"gpgsig -----BEGIN PGP SIGNATURE-----\n -----BEGIN SSH SIGNATURE-----\n -----END PGP SIGNATURE-----\n\nm\n")
    assert not is_ssh_signed(fake)
    oid = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=work, input=fake,
                         capture_output=True, check=True).stdout.decode().strip()
    assert not is_ssh_signed(subprocess.run(["git", "cat-file", "commit", oid], cwd=work, capture_output=True,
                                            check=True).stdout)


def test_a_submodule_under_a_governed_path_is_a_finding(tmp_path):
    bare, work = server(tmp_path)
    lib = tmp_path / "lib"
    git(tmp_path, "init", "-q", "-b", "main", str(lib))
    (lib / "pay.py").write_text("import stripe\n")
    git(lib, "add", "-A")
    git(lib, "commit", "-q", "-m", "lib")
    sub = git(lib, "rev-parse", "HEAD").strip()
    git(work, "update-index", "--add", "--cacheinfo", f"160000,{sub},app/api/vendored")
    git(work, "commit", "-q", "-m", "vendor a payments lib")
    done = push(work)
    assert done.returncode != 0 and "[submodules]" in done.stderr and "app/api/vendored" in done.stderr
    git(work, "reset", "-q", "--hard", "HEAD~1")
    git(work, "update-index", "--add", "--cacheinfo", f"160000,{sub},tools/vendored")
    git(work, "commit", "-q", "-m", "a submodule outside every scope")
    done = push(work, "+HEAD:main")
    assert done.returncode == 0, done.stderr


def _signing_server(tmp_path, key, options: str = ""):
    public = key.with_suffix(".pub").read_text().split()
    files = {**BASE_FILES, ".govern/allowed_signers": f"alice {options}{public[0]} {public[1]}\n"}
    bare, work = server(tmp_path, files)
    git(work, "config", "gpg.format", "ssh")
    git(work, "config", "user.signingkey", str(key))
    return bare, work


def test_a_signature_approves_by_the_servers_clock_not_the_commit_date(tmp_path, mallory_key):
    """A key that expired (valid-before) is no approval, even on a commit dated before the expiry:
    the pusher writes commit dates (here 2026-01-01, before the key's end)."""
    bare, work = _signing_server(tmp_path, mallory_key, 'valid-before="20260201" ')
    commit(work, {"app/billing/charge.py": "import stripe\nFEE = 9\n"}, f"fee\n\n{AGENT_TRAILER}", args=("-S",))
    allowed = work / ".govern/allowed_signers"
    assert git(work, "-c", f"gpg.ssh.allowedSignersFile={allowed}", "log", "-1", "--format=%G?").strip() == "G"
    done = push(work)
    assert done.returncode != 0 and "[billing-needs-approval]" in done.stderr


def test_a_valid_signature_still_approves(tmp_path, mallory_key):
    bare, work = _signing_server(tmp_path, mallory_key)
    commit(work, {"app/billing/charge.py": "import stripe\nFEE = 9\n"}, f"fee\n\n{AGENT_TRAILER}", args=("-S",))
    done = push(work)
    assert done.returncode == 0, done.stderr
