"""End to end: `protect … unless-approved-by` counts only authenticated approvals, and
changes to adr/ are governed (SPEC §6). Signatures are real ssh signatures (gpg.format=ssh)
checked against the governed tree's .govern/allowed_signers."""
from __future__ import annotations

import subprocess

import pytest

from tests.conftest import git
from tests.e2e.hooks_support import AGENT_TRAILER, BASE_FILES, commit, push, server


@pytest.fixture
def alice_key(tmp_path):
    key = tmp_path / "alice_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", str(key)], check=True)
    return key


def _server_with_signers(tmp_path, alice_key):
    public = (alice_key.with_suffix(".pub")).read_text().split()
    files = {**BASE_FILES, ".govern/allowed_signers": f"alice {public[0]} {public[1]}\n"}
    return server(tmp_path, files)


def _sign_config(work, key):
    git(work, "config", "gpg.format", "ssh")
    git(work, "config", "user.signingkey", str(key))


def test_agent_rejected_human_accepted(tmp_path):
    bare, work = server(tmp_path)
    commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 3\n"}, f"tune retries\n\n{AGENT_TRAILER}")
    done = push(work)
    assert done.returncode != 0
    assert "[billing-needs-approval]" in done.stderr and "app/billing/charge.py" in done.stderr
    git(work, "reset", "-q", "--hard", "HEAD~1")
    commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 3\n"}, "tune retries (by a human)")
    done = push(work)
    assert done.returncode == 0, done.stderr


def test_trailer_approval_does_not_count_but_signature_does(tmp_path, alice_key):
    bare, work = _server_with_signers(tmp_path, alice_key)
    commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 4\n"},
           f"tune retries\n\n{AGENT_TRAILER}\nApproved-by: alice")
    done = push(work)
    assert done.returncode != 0 and "[billing-needs-approval]" in done.stderr
    git(work, "reset", "-q", "--hard", "HEAD~1")
    _sign_config(work, alice_key)
    signed = commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 4\n"},
                    f"tune retries\n\n{AGENT_TRAILER}", args=("-S",))
    assert git(work, "cat-file", "-p", signed).count("BEGIN SSH SIGNATURE") == 1
    done = push(work)
    assert done.returncode == 0, done.stderr


def test_pusher_approval_counts(tmp_path):
    bare, work = server(tmp_path)
    commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 5\n"}, f"tune\n\n{AGENT_TRAILER}")
    assert push(work, env={"GL_USERNAME": "mallory"}).returncode != 0
    done = push(work, env={"GL_USERNAME": "alice"})  # the server says alice pushed it
    assert done.returncode == 0, done.stderr


def test_agent_cannot_change_adrs_unsigned(tmp_path, alice_key):
    bare, work = _server_with_signers(tmp_path, alice_key)
    weaker = BASE_FILES["adr/0002-no-requests.md"].replace("status: accepted", "status: deprecated")
    commit(work, {"adr/0002-no-requests.md": weaker}, f"retire the rule\n\n{AGENT_TRAILER}")
    done = push(work)
    assert done.returncode != 0
    assert "[adr-changes]" in done.stderr and "adr/0002-no-requests.md" in done.stderr
    git(work, "reset", "-q", "--hard", "HEAD~1")
    _sign_config(work, alice_key)
    commit(work, {"adr/0002-no-requests.md": weaker}, f"retire the rule\n\n{AGENT_TRAILER}", args=("-S",))
    done = push(work)
    assert done.returncode == 0, done.stderr


def test_human_can_change_adrs(tmp_path):
    bare, work = server(tmp_path)
    commit(work, {"adr/0004-new.md": "---\ntitle: Another decision\nstatus: proposed\n---\n"}, "propose an ADR")
    done = push(work)
    assert done.returncode == 0, done.stderr


def test_agent_cannot_add_a_signer_or_loosen_the_config(tmp_path, alice_key):
    """The allowed-signers file and [tool.govern] decide what later pushes may do: governed too."""
    bare, work = _server_with_signers(tmp_path, alice_key)
    signers = (work / ".govern/allowed_signers").read_text()
    commit(work, {".govern/allowed_signers": signers + "mallory ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB\n"},
           f"add a key\n\n{AGENT_TRAILER}")
    done = push(work)
    assert done.returncode != 0 and "[adr-changes]" in done.stderr and ".govern/allowed_signers" in done.stderr
    git(work, "reset", "-q", "--hard", "HEAD~1")
    pyproject = BASE_FILES["pyproject.toml"]
    commit(work, {"pyproject.toml": pyproject + 'adr-changes = "anyone"\n'}, f"loosen\n\n{AGENT_TRAILER}")
    done = push(work)
    assert done.returncode != 0 and "pyproject.toml" in done.stderr
    git(work, "reset", "-q", "--hard", "HEAD~1")
    commit(work, {"pyproject.toml": pyproject.replace('["httpx"]', '["httpx", "rich"]')}, f"dep\n\n{AGENT_TRAILER}")
    done = push(work)  # an ordinary dependency edit by an agent is fine
    assert done.returncode == 0, done.stderr
