"""Attack class 2 (issue 10): a push is judged by what it changes, not by first-parent diffs.

The pusher chooses every commit's first parent. A `merge -s ours` onto an older commit, or a
rewind, changes a ref's content while no commit "changes" it against its first parent. The
net change of each ref update that no new commit explains is judged as a change by the push
itself (protect, change rules, the built-in adr-changes check); rewinds of blocking refs are
refused outright unless the server allows them."""
from __future__ import annotations

from tests.conftest import git
from tests.e2e.hooks_support import AGENT_TRAILER, audit_entries, commit, push, server

NEW_ADR = """---
title: No pickle
status: accepted
rules:
  - id: no-pickle
    forbid-import:
      from: ["app/**"]
      to: ["pickle"]
    message: No pickle in app.
---
"""


def _history(tmp_path):
    """A server whose main has an older commit O and a newer X that adds an ADR and edits billing (by a human)."""
    bare, work = server(tmp_path)
    old = git(work, "rev-parse", "HEAD").strip()
    commit(work, {"adr/0004-no-pickle.md": NEW_ADR, "app/billing/charge.py": "import stripe\nFEE = 2\n"}, "decide")
    assert push(work).returncode == 0
    return bare, work, old


def test_merge_ours_onto_an_old_commit_cannot_drop_an_adr_or_revert_a_protected_file(tmp_path):
    bare, work, old = _history(tmp_path)
    main = git(bare, "rev-parse", "main").strip()
    git(work, "checkout", "-q", "-b", "evil", old)
    git(work, "merge", "-q", "-s", "ours", "main", "-m", f"merge main\n\n{AGENT_TRAILER}")
    git(work, "merge-base", "--is-ancestor", main, "HEAD")  # a fast-forward of main (fails otherwise)
    done = push(work, "evil:main", env={"GL_USERNAME": "claude"})
    assert done.returncode != 0, done.stderr
    assert "[adr-changes]" in done.stderr and "adr/0004-no-pickle.md" in done.stderr
    assert "[billing-needs-approval]" in done.stderr and "app/billing/charge.py" in done.stderr
    assert git(bare, "rev-parse", "main").strip() == main
    [*_, entry] = audit_entries(bare)
    assert entry["decision"] == "reject"
    assert {b["rule"] for b in entry["blocking"]} >= {"adr-changes", "billing-needs-approval"}
    assert any(".." in b["commit"] for b in entry["blocking"])  # the net change, not one commit


def test_a_rewind_is_refused_and_when_allowed_its_net_change_is_judged(tmp_path):
    bare, work, old = _history(tmp_path)
    done = push(work, f"+{old}:main", env={"GL_USERNAME": "claude-bot"})
    assert done.returncode != 0 and "non-fast-forward update of a governed ref is refused" in done.stderr
    assert "govern.allowRewrites = false (default)" in done.stderr
    git(bare, "config", "govern.allowRewrites", "true")
    git(bare, "config", "govern.agentPushers", "claude-bot")
    done = push(work, f"+{old}:main", env={"GL_USERNAME": "claude-bot"})  # 0 new commits
    assert done.returncode != 0 and "[adr-changes]" in done.stderr and "[billing-needs-approval]" in done.stderr
    done = push(work, f"+{old}:main", env={"GL_USERNAME": "ada"})  # a human account may rewind (humans policy)...
    assert "[adr-changes]" not in done.stderr
    assert "[billing-needs-approval]" not in done.stderr  # ...and protect only concerns agents here
    assert done.returncode == 0, done.stderr


def test_a_new_branch_that_merges_ours_is_judged_against_where_it_leaves_main(tmp_path):
    bare, work, old = _history(tmp_path)
    git(work, "checkout", "-q", "-b", "release/evil", old)
    git(work, "merge", "-q", "-s", "ours", "main", "-m", f"merge main\n\n{AGENT_TRAILER}")
    done = push(work, "release/evil")
    assert done.returncode != 0 and "[adr-changes]" in done.stderr


def test_an_ordinary_merge_is_not_blamed_for_what_its_parents_changed(tmp_path):
    """No false alarm: a feature merged into main by an agent, after a human changed adr/ on main."""
    bare, work, old = _history(tmp_path)
    git(work, "checkout", "-q", "-b", "feature", old)
    commit(work, {"app/api/health.py": "x = 1\n"}, "health")
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--no-ff", "feature", "-m", f"merge feature\n\n{AGENT_TRAILER}")
    done = push(work)
    assert done.returncode == 0, done.stderr
