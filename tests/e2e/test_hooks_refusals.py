"""End to end: refusals that reproduce and explain (issue #12, item 4).

* the printed "see more" command, run in the pusher's clone, gives the server's exit code
  (`govern check --rev NEW --rules-from OLD --new-since OLD`), also where `--rev NEW` alone
  would not (the push edits the ADRs the server ignored, a bad commit hides under a good tip);
* a push that edits adr/ or the config is told those edits were not applied, and why;
* a `protect` refusal keeps its decisive lines: the actor with the trailer that made it, and
  the approval that is missing;
* every fix hint is followed here, and the push it leads to is accepted.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess

import pytest

from tests.conftest import git
from tests.e2e.hooks_support import AGENT_TRAILER, BASE_FILES, commit, push, server


@pytest.fixture
def alice_key(tmp_path):
    key = tmp_path / "alice_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", str(key)], check=True)
    return key


def _with_signers(tmp_path, key):
    public = key.with_suffix(".pub").read_text().split()
    return server(tmp_path, {**BASE_FILES, ".govern/allowed_signers": f"alice {public[0]} {public[1]}\n"})


def see_more(stderr: str) -> list[str]:
    """The printed command as argv (its environment prefix, if any, applied by `run_see_more`)."""
    [line] = [line for line in stderr.splitlines() if "see more:" in line]
    return shlex.split(re.sub(r"\s+\(run in your clone.*$", "", line.split("see more:", 1)[1]).strip())


def run_see_more(work, stderr: str, env: dict | None = None) -> subprocess.CompletedProcess:
    argv = see_more(stderr)
    extra = dict(env or {})
    while argv and "=" in argv[0]:
        name, _, value = argv.pop(0).partition("=")
        extra[name] = value
    assert argv[:2] == ["govern", "check"], argv
    from tests.e2e.hooks_support import GOVERN

    return subprocess.run([*GOVERN, *argv[1:]], cwd=work, capture_output=True, text=True,
                          env={**os.environ, **extra}, timeout=300)


def test_see_more_reproduces_a_tree_refusal(tmp_path):
    bare, work = server(tmp_path)
    commit(work, {"app/api/refunds.py": "import stripe\n"}, "refunds")
    done = push(work)
    assert done.returncode == 1
    check = run_see_more(work, done.stderr)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "stripe-only-in-billing" in check.stdout


def test_see_more_reproduces_when_the_push_relaxes_its_own_adr(tmp_path):
    """The push deletes the ADR it breaks: `--rev NEW` alone reads the pushed ADRs and allows;
    the printed command judges by the old tip's, like the server, and refuses. The refusal says
    the ADR edit was not applied, and following its advice lands both."""
    bare, work = server(tmp_path)
    commit(work, {"app/api/refunds.py": "import stripe\n"}, "refunds, and away with the rule",
           delete=("adr/0001-only-billing-talks-to-stripe.md",))
    done = push(work)
    assert done.returncode == 1
    assert "note: this push changes adr/0001-only-billing-talks-to-stripe.md; those changes were not applied" in done.stderr
    assert "push the rule change first, on its own" in done.stderr
    naive = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True).stdout.strip()
    from tests.e2e.hooks_support import govern

    assert govern("check", "--rev", naive, cwd=work).returncode == 0  # the pushed ADRs: a different verdict
    assert run_see_more(work, done.stderr).returncode == 1  # the server's
    # The advice: the rule change first, on its own (a human's ADR change is accepted) …
    git(work, "reset", "-q", "--hard", "HEAD~1")
    commit(work, {}, "retire the Stripe rule", delete=("adr/0001-only-billing-talks-to-stripe.md",))
    assert push(work).returncode == 0
    # … then the code it governed.
    commit(work, {"app/api/refunds.py": "import stripe\n"}, "refunds")
    done = push(work)
    assert done.returncode == 0, done.stderr


def test_see_more_covers_every_commit_of_the_push(tmp_path):
    """The violation is in a commit under a clean tip (a change rule): the command still finds it."""
    bare, work = server(tmp_path)
    commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 3\n"}, f"tune\n\n{AGENT_TRAILER}")
    commit(work, {"README.md": "docs\n"}, "docs")
    done = push(work)
    assert done.returncode == 1
    check = run_see_more(work, done.stderr)
    assert check.returncode == 1 and "billing-needs-approval" in check.stdout and "(in commit " in check.stdout


def test_see_more_carries_the_pusher(tmp_path):
    """The verdict depends on who pushed: the printed command names the pusher the server saw."""
    bare, work = server(tmp_path)
    commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 3\n"}, f"tune\n\n{AGENT_TRAILER}")
    commit(work, {"app/api/refunds.py": "import stripe\n"}, "refunds")
    done = push(work, env={"GL_USERNAME": "alice"})  # alice approves billing, not the Stripe import
    assert done.returncode == 1
    assert see_more(done.stderr)[0] == "GL_USERNAME=alice"
    check = run_see_more(work, done.stderr)
    assert check.returncode == 1 and "stripe-only-in-billing" in check.stdout
    assert "billing-needs-approval" not in check.stdout  # approved by the pusher, as on the server


def test_allowed_push_reproduces_as_allowed(tmp_path):
    bare, work = server(tmp_path)
    old = git(work, "rev-parse", "HEAD").strip()
    new = commit(work, {"app/api/health.py": "OK = 1\n"}, "health")
    assert push(work).returncode == 0
    from tests.e2e.hooks_support import govern

    done = govern("check", "--rev", new, "--rules-from", old, "--new-since", old, cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr


def test_protect_refusal_keeps_the_decisive_lines_and_its_hints_work(tmp_path, alice_key):
    bare, work = _with_signers(tmp_path, alice_key)
    commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 3\n"}, f"tune retries\n\n{AGENT_TRAILER}")
    done = push(work)
    assert done.returncode == 1
    text = done.stderr
    assert 'actor("agent")' in text
    assert "actor: trailer Co-authored-by: Claude <noreply@anthropic.com> matches built-in pattern" in text
    assert "missing approval: a signature of alice on the commit" in text and "or a push by alice" in text
    assert "not adr_0003__approved_billing_needs_approval" in text
    # Hint 1: a push by alice.
    assert push(work, env={"GL_USERNAME": "alice"}).returncode == 0
    # Hint 2: a signature of alice.
    commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 4\n"}, f"again\n\n{AGENT_TRAILER}")
    assert push(work).returncode == 1
    git(work, "reset", "-q", "--hard", "HEAD~1")
    git(work, "config", "gpg.format", "ssh")
    git(work, "config", "user.signingkey", str(alice_key))
    commit(work, {"app/billing/charge.py": "import stripe\nRETRIES = 4\n"}, f"again\n\n{AGENT_TRAILER}", args=("-S",))
    done = push(work)
    assert done.returncode == 0, done.stderr


def test_adr_change_refusal_hints_work(tmp_path, alice_key):
    """The ADR-change refusal's two ways out, each followed: an allowed signer's signature, and
    a human's own commit. A human merely pushing the agent's commit is not one of them."""
    bare, work = _with_signers(tmp_path, alice_key)
    weaker = BASE_FILES["adr/0002-no-requests.md"].replace("status: accepted", "status: deprecated")
    commit(work, {"adr/0002-no-requests.md": weaker}, f"retire the rule\n\n{AGENT_TRAILER}")
    done = push(work, env={"GL_USERNAME": "ada"})
    assert done.returncode == 1
    assert "have a human push it" not in done.stderr
    assert "have a human make the change in a commit of their own" in done.stderr
    assert run_see_more(work, done.stderr).returncode == 1
    # Way out 1: a human's own commit, without agent marks.
    git(work, "reset", "-q", "--hard", "HEAD~1")
    commit(work, {"adr/0002-no-requests.md": weaker}, "retire the rule")
    assert push(work, env={"GL_USERNAME": "ada"}).returncode == 0
    # Way out 2: the agent's commit, signed by an allowed signer.
    stricter = weaker.replace("status: deprecated", "status: accepted")
    git(work, "config", "gpg.format", "ssh")
    git(work, "config", "user.signingkey", str(alice_key))
    commit(work, {"adr/0002-no-requests.md": stricter}, f"restore the rule\n\n{AGENT_TRAILER}", args=("-S",))
    done = push(work)
    assert done.returncode == 0, done.stderr


def test_adr_change_hints_of_the_signed_and_owners_policies_work(tmp_path, alice_key):
    """`signed`: the hint to sign, followed. `owners`: the hint to have an owner push, followed
    (the agent's commit itself, unchanged), and to sign with an owner's key."""
    public = alice_key.with_suffix(".pub").read_text().split()
    bare, work = server(tmp_path, {**BASE_FILES, ".govern/allowed_signers": f"alice {public[0]} {public[1]}\n",
                                   "CODEOWNERS": "/adr/ @alice\n"})
    git(bare, "config", "govern.adrChangePolicy", "signed")
    proposed = "---\ntitle: X\nstatus: proposed\n---\n"
    commit(work, {"adr/0004-x.md": proposed}, "by a human, unsigned")
    done = push(work, env={"GL_USERNAME": "ada"})
    assert done.returncode == 1 and "to land it: sign the commit with an ssh key listed in .govern/allowed_signers" \
        in done.stderr.replace("remote: govern: ", "").replace("\n", " ")
    git(work, "reset", "-q", "--hard", "HEAD~1")
    git(work, "config", "gpg.format", "ssh")
    git(work, "config", "user.signingkey", str(alice_key))
    commit(work, {"adr/0004-x.md": proposed}, "by a human, signed", args=("-S",))
    assert push(work, env={"GL_USERNAME": "ada"}).returncode == 0
    git(bare, "config", "govern.adrChangePolicy", "owners")
    commit(work, {"adr/0005-y.md": proposed}, f"an agent's ADR\n\n{AGENT_TRAILER}")
    done = push(work, env={"GL_USERNAME": "bob"})
    assert done.returncode == 1 and "have an owner of each file (CODEOWNERS of the rules' tree) push it" \
        in done.stderr.replace("remote: govern: ", "").replace("\n", " ")
    assert push(work, env={"GL_USERNAME": "alice"}).returncode == 0  # the same commit, pushed by its owner
    commit(work, {"adr/0006-z.md": proposed}, f"another agent's ADR\n\n{AGENT_TRAILER}", args=("-S",))
    assert push(work, env={"GL_USERNAME": "bob"}).returncode == 0  # signed with the owner's key
