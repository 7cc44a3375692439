"""End to end: real bare server, installed hooks, real `git push` (SPEC §6)."""
from __future__ import annotations

import json

from tests.conftest import git
from tests.e2e.hooks_support import AGENT_TRAILER, audit_entries, commit, govern, note, push, server


def test_clean_push_is_accepted_noted_and_audited(tmp_path):
    bare, work = server(tmp_path)
    new = commit(work, {"app/api/health.py": "import app.api.orders\n"}, "health endpoint")
    done = push(work)
    assert done.returncode == 0, done.stderr
    assert "✓ refs/heads/main: allowed" in done.stderr
    body = note(bare, new)
    assert body is not None
    data = json.loads(body)
    assert data["commit"] == new and data["verdict"] == "allow"
    assert [e["decision"] for e in audit_entries(bare)] == ["allow"]


def test_forbidden_import_is_rejected_naming_the_rule(tmp_path):
    bare, work = server(tmp_path)
    old = git(bare, "rev-parse", "main").strip()
    bad = commit(work, {"app/api/refunds.py": "import os\nimport stripe\n"}, "refunds")
    done = push(work)
    assert done.returncode != 0
    err = done.stderr
    assert "remote: govern: ✗ refs/heads/main: rejected" in err
    assert "[stripe-only-in-billing]" in err and "Only the billing service talks to Stripe" in err
    assert "app/api/refunds.py:2" in err and "Only app/billing may call Stripe." in err
    assert "proof:" in err and f"govern check --rev {bad[:12]}" in err
    assert git(bare, "rev-parse", "main").strip() == old  # the ref did not move
    assert git(bare, "cat-file", "-t", bad, check=False) == ""  # a rejected push leaves no objects
    [entry] = audit_entries(bare)
    assert entry["decision"] == "reject" and entry["new"] == bad
    assert entry["blocking"][0]["rule"] == "stripe-only-in-billing"
    text = govern("audit", cwd=tmp_path, env={"GIT_DIR": str(bare)}).stdout  # GIT_DIR is respected
    assert f"REJECT  refs/heads/main  {old[:12]}..{bad[:12]}" in text
    assert "blocked by stripe-only-in-billing (app/api/refunds.py:2)" in text
    assert govern("audit", "--since", "2999-01-01", cwd=bare).stdout == ""


def test_legacy_violation_does_not_block_a_clean_push(tmp_path):
    bare, work = server(tmp_path, install=False)
    commit(work, {"app/api/refunds.py": "import stripe\n"}, "legacy: before govern was installed")
    assert push(work).returncode == 0
    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    commit(work, {"app/api/health.py": "x = 1\n"}, "clean change")
    done = push(work)
    assert done.returncode == 0, done.stderr
    assert "1 legacy" in done.stderr


def test_deleting_an_adr_does_not_lift_it(tmp_path):
    bare, work = server(tmp_path)
    commit(work, {"app/api/refunds.py": "import stripe\n"}, "drop the rule and break it",
           delete=("adr/0001-only-billing-talks-to-stripe.md",))
    done = push(work)
    assert done.returncode != 0 and "[stripe-only-in-billing]" in done.stderr


def test_forbidden_dependency_on_a_new_branch(tmp_path):
    """release/* branches block by default; other branches are judged and reported, not blocked."""
    bare, work = server(tmp_path)
    git(work, "checkout", "-q", "-b", "release/2")
    commit(work, {"requirements.txt": "requests==2.31\n"}, "add requests")
    done = push(work, "release/2")
    assert done.returncode != 0
    assert "✗ refs/heads/release/2" in done.stderr and "[no-requests]" in done.stderr
    assert "blocking because of govern.refs 'refs/heads/release/* block' (default)" in done.stderr
    assert git(bare, "branch", "--list", "release/2") == ""
    done = push(work, "release/2:feature")
    assert done.returncode == 0, done.stderr
    assert "✓ refs/heads/feature: allowed" in done.stderr and "[no-requests]" in done.stderr
    assert "not blocking (govern.refs 'refs/heads/* warn' (default))" in done.stderr
    [*_, entry] = audit_entries(bare)
    assert entry["decision"] == "allow" and entry["mode"] == "warn" and entry["blocking"][0]["rule"] == "no-requests"


def test_sneaky_branch_then_main_is_caught(tmp_path):
    """Commits parked on another branch are judged again when they move onto a governed ref.

    The parked commit breaks a change rule only (an agent edits app/billing), so the tip's
    tree is clean: only judging every new commit catches it. `rev-list NEW --not --all`
    would skip it as "already in the repository"."""
    bare, work = server(tmp_path, install=False)
    git(work, "checkout", "-q", "-b", "sneaky")
    commit(work, {"app/billing/charge.py": "import stripe\nFEE = 0\n"}, f"parked\n\n{AGENT_TRAILER}")
    assert push(work, "sneaky").returncode == 0
    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    main = git(bare, "rev-parse", "main").strip()
    done = push(work, "sneaky:main")
    assert done.returncode != 0 and "[billing-needs-approval]" in done.stderr
    done = push(work, "sneaky:refs/heads/release/innocent")
    assert done.returncode != 0 and "✗ refs/heads/release/innocent" in done.stderr
    assert "[billing-needs-approval]" in done.stderr
    assert git(bare, "rev-parse", "main").strip() == main


def test_annotated_tag_and_delete(tmp_path):
    bare, work = server(tmp_path)
    git(work, "tag", "-a", "-m", "release", "v1")
    assert push(work, "v1").returncode == 0
    done = push(work, ":refs/tags/v1")  # tags are governed (block): deleting one is refused by default
    assert done.returncode != 0 and "deleting a governed ref is refused" in done.stderr
    assert "govern.allowRewrites = false (default)" in done.stderr
    git(bare, "config", "govern.allowRewrites", "true")
    done = push(work, ":refs/tags/v1")
    assert done.returncode == 0, done.stderr
    assert [e["decision"] for e in audit_entries(bare)] == ["allow", "reject", "allow"]


def test_invalid_adr_is_rejected_with_its_location(tmp_path):
    """An ADR that does not load would make every later push fail closed: refuse it now."""
    bare, work = server(tmp_path)
    commit(work, {"adr/0004-broken.md": "---\ntitle: Broken\nstatus: accepted\nrules:\n  - id: x\n    nonsense: 1\n---\n"},
           "a broken ADR")
    done = push(work)
    assert done.returncode != 0
    assert "[rules-load]" in done.stderr and "adr/0004-broken.md:" in done.stderr


def test_legacy_read_from_the_old_tips_note_gives_the_same_note(tmp_path):
    """The second push takes the old tip's legacy violations from its note; the result must be
    byte-identical to judging the base again (`govern record` judges it again: no new notes commit)."""
    bare, work = server(tmp_path, install=False)
    commit(work, {"app/api/refunds.py": "import stripe\n"}, "legacy")
    assert push(work).returncode == 0
    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    for i in range(2):  # the first push has no note on its old tip, the second one has
        tip = commit(work, {f"app/api/clean_{i}.py": "x = 1\n"}, f"clean {i}")
        done = push(work)
        assert done.returncode == 0 and "1 legacy" in done.stderr, done.stderr
        notes_before = git(bare, "rev-parse", "refs/notes/govern")
        assert govern("record", tip, cwd=bare).returncode == 0
        assert git(bare, "rev-parse", "refs/notes/govern") == notes_before
        assert json.loads(note(bare, tip))["base"] is not None
        blob = git(bare, "notes", "--ref=govern", "list", tip).strip()
        assert (bare / "govern" / "summaries" / blob).is_file()  # the next push reads this, not the note
    commit(work, {"app/api/more.py": "import stripe\n"}, "a new violation")
    done = push(work)
    assert done.returncode != 0 and "app/api/more.py:1" in done.stderr
    assert "app/api/refunds.py" not in done.stderr.split("see more")[0]
