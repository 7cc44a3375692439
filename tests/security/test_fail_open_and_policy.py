"""Attack class 7 (issue 10) and server-side policy (issue 12 item 3).

Fail-open is for govern's own faults and only for the refs it could not judge; the pusher can
neither trigger it nor choose the policy: budget, fail-open and governed refs come from the
server's git config first, then from [tool.govern] of the default branch *before* the push."""
from __future__ import annotations

import os
import subprocess

from tests.conftest import git
from tests.e2e.hooks_support import BASE_FILES, GOVERN, audit_entries, commit, govern, note, push, server

PYPROJECT = BASE_FILES["pyproject.toml"].replace("hook-budget = 120.0\n", "")
VIOLATION = {"app/api/refunds.py": "import stripe\n"}


def _hook(bare, stdin: bytes, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed pre-receive as git does (cwd: the repository, input on stdin)."""
    return subprocess.run([*GOVERN, "hook", "pre-receive"], cwd=bare, input=stdin, capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_a_tag_of_a_tree_beside_a_violation_does_not_open_the_gate(tmp_path):
    bare, work = server(tmp_path, {**BASE_FILES, "pyproject.toml": PYPROJECT + "fail-open = true\n"})
    main = git(bare, "rev-parse", "main").strip()
    commit(work, VIOLATION, "refunds")
    tree = git(work, "rev-parse", "HEAD^{tree}").strip()
    git(work, "tag", "-a", "-m", "tree tag", "treetag", tree)
    done = push(work, "HEAD:main", "refs/tags/treetag", env={"GL_USERNAME": "mallory"})
    assert done.returncode != 0
    assert "[stripe-only-in-billing]" in done.stderr and "does not point to a commit" in done.stderr
    assert "ALLOWED UNJUDGED" not in done.stderr
    assert git(bare, "rev-parse", "main").strip() == main
    entries = {e["ref"]: e for e in audit_entries(bare)}
    assert entries["refs/heads/main"]["decision"] == "reject"
    assert entries["refs/tags/treetag"]["decision"] == "reject"
    assert "does not point to a commit" in entries["refs/tags/treetag"]["error"]


def test_a_ref_name_that_is_not_utf8_is_refused_and_audited(tmp_path):
    bare, work = server(tmp_path)
    main = git(bare, "rev-parse", "main").strip()
    line = f"{'0' * 40} {main} refs/heads/caf".encode() + b"\xff\xfe\n"
    done = _hook(bare, line, env={"GL_USERNAME": "mallory"})
    assert done.returncode == 1
    err = done.stderr.decode()
    assert "Traceback" not in err and "malformed hook input line 1" in err and "\\xff\\xfe" in err
    [entry] = audit_entries(bare)
    assert entry["decision"] == "reject" and entry["pusher"] == "mallory"
    assert "\\xff\\xfe" in entry["input"] and "malformed" in entry["error"]


def test_a_malformed_line_beside_a_clean_update_rejects_the_push_even_with_fail_open(tmp_path):
    bare, work = server(tmp_path, {**BASE_FILES, "pyproject.toml": PYPROJECT + "fail-open = true\n"})
    main = git(bare, "rev-parse", "main").strip()
    done = _hook(bare, f"{main} {main} refs/heads/main\nnonsense\n".encode())
    assert done.returncode == 1 and "malformed hook input line 2" in done.stderr.decode()
    assert [e["decision"] for e in audit_entries(bare)] == ["allow", "reject"]


def test_missing_default_branch_fails_closed_and_install_refuses(tmp_path):
    """HEAD names `master`, pushes go to `main`: without a default branch there are no rules."""
    bare, work = server(tmp_path, {**BASE_FILES, "pyproject.toml": PYPROJECT + "fail-open = true\n"})
    git(bare, "symbolic-ref", "HEAD", "refs/heads/master")
    refused = govern("hook", "install", "--server", str(bare), cwd=tmp_path)
    assert refused.returncode == 2 and "refs/heads/master (HEAD) does not exist" in refused.stderr
    commit(work, VIOLATION, "refunds")
    done = push(work, "HEAD:master")  # would become the default branch, carrying fail-open = true
    assert done.returncode != 0 and "does not exist in this non-empty repository" in done.stderr
    assert "ALLOWED UNJUDGED" not in done.stderr
    done = push(work, ":main")
    assert done.returncode != 0
    assert git(bare, "for-each-ref", "--format=%(refname)", "refs/heads/").split() == ["refs/heads/main"]
    assert {e["decision"] for e in audit_entries(bare)} == {"reject"}


def test_server_config_outranks_the_trees_policy(tmp_path):
    bare, work = server(tmp_path, {**BASE_FILES,
                                   "pyproject.toml": PYPROJECT + "hook-budget = 0.001\nfail-open = true\n"})
    git(bare, "config", "govern.failOpen", "false")
    commit(work, {"app/api/health.py": "x = 1\n"})
    done = push(work)
    assert done.returncode != 0 and "time budget of 0.001 s exceeded" in done.stderr
    assert "govern.hookBudget = 0.001 ([tool.govern] hook-budget of refs/heads/main at" in done.stderr
    git(bare, "config", "govern.hookBudget", "120")
    done = push(work)
    assert done.returncode == 0, done.stderr


def test_the_pushed_tree_never_sets_the_policy(tmp_path):
    """A push that sets fail-open and a tiny budget in its own pyproject.toml is judged by the old ones."""
    bare, work = server(tmp_path)
    commit(work, {**VIOLATION, "pyproject.toml": PYPROJECT + "hook-budget = 0.001\nfail-open = true\n"}, "open up")
    done = push(work)
    assert done.returncode != 0 and "[stripe-only-in-billing]" in done.stderr


def test_per_ref_modes_from_the_server(tmp_path):
    bare, work = server(tmp_path)
    git(work, "checkout", "-q", "-b", "feature")
    commit(work, VIOLATION, "refunds")
    assert push(work, "feature").returncode == 0  # default: other branches warn
    git(bare, "config", "govern.refs", "refs/heads/* block")
    commit(work, {"app/api/more.py": "import stripe\n"}, "more")
    done = push(work, "feature")
    assert done.returncode != 0
    assert "blocking because of govern.refs 'refs/heads/* block' (server git config)" in done.stderr
    git(bare, "config", "govern.refs", "refs/heads/feature off")
    done = push(work, "feature")
    assert done.returncode == 0 and "not governed (govern.refs 'refs/heads/feature off' (server git config))" in done.stderr
    entry = audit_entries(bare)[-1]
    assert entry["decision"] == "allow" and entry["mode"] == "off"
    assert note(bare, "feature") is None  # not judged: no verdict note claims otherwise


def test_a_bad_server_setting_fails_closed_with_its_name(tmp_path):
    bare, work = server(tmp_path)
    git(bare, "config", "govern.failOpen", "maybe")
    commit(work, {"app/api/health.py": "x = 1\n"})
    done = push(work)
    assert done.returncode != 0 and "govern.failOpen: 'maybe' is not a boolean" in done.stderr


def test_tags_of_judged_commits_are_not_judged_again(tmp_path):
    """A tag on a commit of the default branch is allowed without judging (it was judged there),
    even when the commit's tree has violations fixed later; a tag of new commits is judged and blocks."""
    bare, work = server(tmp_path, install=False)
    commit(work, VIOLATION, "legacy")
    assert push(work).returncode == 0
    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    git(work, "tag", "v0")
    done = push(work, "v0")
    assert done.returncode == 0 and "already judged on refs/heads/main" in done.stderr
    commit(work, {"app/api/other.py": "import stripe\n"}, "unjudged")
    git(work, "tag", "v1")
    done = push(work, "v1")
    assert done.returncode != 0 and "✗ refs/tags/v1" in done.stderr
