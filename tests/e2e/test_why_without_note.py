"""End to end: `govern why` on a commit without a note says which case it is (issue #12, item 5):
notes not fetched, a commit older than the hook, a push the server refused (from its audit log)."""
from __future__ import annotations

from tests.conftest import git
from tests.e2e.hooks_support import commit, govern, push, server


def test_notes_not_fetched(tmp_path):
    bare, work = server(tmp_path)
    sha = commit(work, {"app/api/health.py": "OK = 1\n"}, "health")
    assert push(work).returncode == 0
    done = govern("why", sha, cwd=work)
    assert done.returncode == 2
    assert "no verdict notes at all" in done.stderr and "git fetch origin refs/notes/govern:refs/notes/govern" in done.stderr
    git(work, "fetch", "-q", "origin", "refs/notes/govern:refs/notes/govern")
    assert govern("why", sha, cwd=work).returncode == 0


def test_commit_older_than_the_hook(tmp_path):
    bare, work = server(tmp_path, install=False)
    first = git(work, "rev-parse", "HEAD").strip()
    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    commit(work, {"app/api/health.py": "OK = 1\n"}, "health")
    assert push(work).returncode == 0
    git(work, "fetch", "-q", "origin", "refs/notes/govern:refs/notes/govern")
    done = govern("why", first, cwd=work)
    assert done.returncode == 2 and "predates the hook" in done.stderr, done.stderr


def test_refused_push_from_the_audit_log(tmp_path):
    bare, work = server(tmp_path)
    sha = commit(work, {"app/api/refunds.py": "import stripe\n"}, "refunds")
    assert push(work, env={"GL_USERNAME": "mallory"}).returncode == 1
    done = govern("why", sha, "--repo", str(bare), cwd=tmp_path)  # on the server: the objects are gone
    assert done.returncode == 2
    assert "the server refused the push of it" in done.stderr and "pusher mallory" in done.stderr
    assert "stripe-only-in-billing" in done.stderr
    done = govern("why", sha[:12], "--repo", str(bare), cwd=tmp_path)
    assert "the server refused the push of it" in done.stderr
