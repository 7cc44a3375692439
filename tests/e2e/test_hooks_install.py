"""End to end: `govern hook install --server`, hidden notes, malformed hook input."""
from __future__ import annotations

import os
import subprocess

from tests.conftest import git
from tests.e2e.hooks_support import GOVERN, commit, govern, push, server


def test_install_twice_changes_nothing(tmp_path):
    bare, _ = server(tmp_path)
    before = (bare / "hooks" / "pre-receive").read_text(), (bare / "config").read_text()
    done = govern("hook", "install", "--server", str(bare), cwd=tmp_path)
    assert done.returncode == 0 and "already installed" in done.stdout
    assert ((bare / "hooks" / "pre-receive").read_text(), (bare / "config").read_text()) == before
    assert GOVERN[0] in before[0]


def test_client_cannot_push_notes(tmp_path):
    bare, work = server(tmp_path)
    git(work, "notes", "--ref=govern", "add", "-m", '{"verdict": "allow"}', "HEAD")
    done = push(work, "refs/notes/govern:refs/notes/govern")
    assert done.returncode != 0
    assert git(bare, "for-each-ref", "refs/notes/") == ""
    # Hidden from pushes only: after a real push the server's notes stay fetchable.
    commit(work, {"app/api/health.py": "x = 1\n"})
    assert push(work).returncode == 0
    assert "refs/notes/govern" in git(work, "ls-remote", "origin")


def test_malformed_input_fails_closed(tmp_path):
    bare, _ = server(tmp_path)
    done = subprocess.run([*GOVERN, "hook", "pre-receive"], cwd=bare, input="not a ref line\n",
                          capture_output=True, text=True, env={**os.environ, "GIT_DIR": "."})
    assert done.returncode == 1
    assert "malformed hook input line 1" in done.stderr and "push rejected" in done.stderr
    assert "Traceback" not in done.stderr


def test_module_fallback_works_inside_the_git_dir(tmp_path):
    """Without a console script the hooks run `python -P -m govern`: git runs them inside the
    bare repository, whose govern/ cache directory must not shadow the package."""
    from govern.hook.install import HOOKS, module_command, script_text

    bare, work = server(tmp_path)
    assert (bare / "govern").is_dir()  # the caches the install warmed
    for hook in HOOKS:
        (bare / "hooks" / hook).write_text(script_text(hook, module_command()))
    commit(work, {"app/api/health.py": "x = 1\n"})
    done = push(work)
    assert done.returncode == 0, done.stderr
    assert "refs/notes/govern" in git(work, "ls-remote", "origin")
