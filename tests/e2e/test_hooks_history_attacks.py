"""Attacks on the long-push shortcuts (issue #12, item 1): what is skipped must have been judged.

The hook judges a push's commits in one batch, notes quiet commits (no protected path
touched) without evaluating each, and lets a new ref whose tip the default branch already
holds through without judging again. Each test here tries to slip an unjudged bad change
through one of those doors, on a real bare server with the hooks installed.
"""
from __future__ import annotations

import subprocess

from tests.conftest import git
from tests.e2e.hooks_support import AGENT_TRAILER, audit_entries, commit, push, server
from tests.e2e.test_hooks_history import fast_commits

BILLING = "app/billing/charge.py"


def _bad(work, retries: int) -> str:
    """An agent's change to the protected billing code, without alice's approval."""
    return commit(work, {BILLING: f"import stripe\nRETRIES = {retries}\n"}, f"tune {retries}\n\n{AGENT_TRAILER}")


def test_a_push_mixing_an_already_judged_commit_and_a_new_bad_one(tmp_path):
    """A commit judged before on a branch that only warns is judged again on main, with the
    quiet commits around it and a new bad one: the refusal names both bad commits."""
    bare, work = server(tmp_path)
    old = git(work, "rev-parse", "HEAD").strip()
    git(work, "checkout", "-q", "-b", "feature")
    first = _bad(work, 1)
    fast_commits(work, 50)
    done = push(work, "feature:feature")
    assert done.returncode == 0 and "billing-needs-approval" in done.stderr  # reported, not blocked
    second = _bad(work, 2)
    fast_commits(work, 50)
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--ff-only", "feature")
    done = push(work)
    assert done.returncode == 1
    assert f"in commit {first[:12]}" in done.stderr and f"in commit {second[:12]}" in done.stderr
    assert git(bare, "rev-parse", "main").strip() == old


def test_tags_of_commits_main_does_not_hold_are_judged(tmp_path):
    """A tag (annotated or not) of a commit only a warning branch holds, or no branch at all, is
    judged like a branch: the agent's unapproved billing change blocks it. In a push of many
    tags of judged commits, that one tag still blocks the push."""
    bare, work = server(tmp_path)
    fast_commits(work, 20)
    assert push(work).returncode == 0
    judged = git(work, "rev-list", "HEAD").split()
    git(work, "checkout", "-q", "-b", "feature")
    bad = _bad(work, 5)
    assert push(work, "feature:feature").returncode == 0  # a warning branch: reported, not blocked
    git(work, "tag", "-a", "-m", "release", "v-bad", bad)
    git(work, "tag", "light-bad", bad)
    stream = "".join(f"tag v{i}\nfrom {judged[i % len(judged)]}\ntagger Ada Human <ada@example.com> 1767225600 +0000\n"
                     f"data 8\nrelease\n" for i in range(200))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=work, input=stream, text=True, check=True)
    done = push(work, "--tags")
    assert done.returncode == 1
    assert "refs/tags/v-bad" in done.stderr and "refs/tags/light-bad" in done.stderr
    assert done.stderr.count("[billing-needs-approval]") == 2
    assert git(bare, "tag").split() == []  # git updates no ref of a refused push
    rejected = {e["ref"] for e in audit_entries(bare) if e["decision"] == "reject"}
    assert rejected == {"refs/tags/v-bad", "refs/tags/light-bad"}
    # alone, the tags of judged commits pass without judging again
    done = push(work, *(f"refs/tags/v{i}" for i in range(200)))
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("points at a commit already judged on refs/heads/main") == 200


def test_a_commit_judged_on_main_then_rewound_is_judged_again_elsewhere(tmp_path):
    """alice's push approves the agent's billing change on main; main is then rewound (rewrites
    allowed by the operator). The commit is no longer on main: a tag of it, or a release
    branch at it, pushed by someone else, is judged again and refused; while main held it, a
    tag of it was not judged again."""
    bare, work = server(tmp_path)
    git(bare, "config", "govern.allowRewrites", "true")
    old = git(work, "rev-parse", "HEAD").strip()
    approved = _bad(work, 7)
    assert push(work, env={"GL_USERNAME": "alice"}).returncode == 0
    git(work, "tag", "v1", approved)
    done = push(work, "refs/tags/v1", env={"GL_USERNAME": "bob"})
    assert done.returncode == 0 and "points at a commit already judged on refs/heads/main" in done.stderr
    git(work, "reset", "-q", "--hard", old)
    done = push(work, "+HEAD:main", env={"GL_USERNAME": "alice"})
    assert done.returncode == 0, done.stderr
    git(work, "tag", "v2", approved)
    done = push(work, "refs/tags/v2", f"{approved}:refs/heads/release/1", env={"GL_USERNAME": "bob"})
    assert done.returncode == 1
    assert "refs/tags/v2" in done.stderr and "refs/heads/release/1" in done.stderr
    assert "[billing-needs-approval]" in done.stderr
    assert "release/1" not in git(bare, "branch", "--list")
