"""Attack class 1 (issue 10): object substitution through refs/replace/* and grafts.

git honours `refs/replace/*` whenever it reads an object; a server that did so would judge a
decoy commit or tree and serve forged verdict notes. govern reads the real objects in every git
process it runs, install hides replace refs from both directions, and the hook refuses them even
where the install settings are missing (a forge that only runs the hook)."""
from __future__ import annotations

import json
import subprocess

from tests.conftest import git, write
from tests.e2e.hooks_support import audit_entries, commit, govern, note, push, server

VIOLATION = {"app/api/refunds.py": "import stripe\n"}


def _decoy(work) -> tuple[str, str]:
    """(a violating commit, a clean decoy commit on the same parent)."""
    base = git(work, "rev-parse", "HEAD").strip()
    bad = commit(work, VIOLATION, "refunds")
    git(work, "reset", "-q", "--hard", base)
    good = commit(work, {"app/api/refunds.py": "x = 1\n"}, "decoy")
    git(work, "reset", "-q", "--hard", bad)
    return bad, good


def test_pushing_a_replace_ref_is_refused_even_without_the_install_settings(tmp_path):
    bare, work = server(tmp_path)
    git(bare, "config", "--unset-all", "transfer.hideRefs")  # a forge that installed only the hook
    main = git(bare, "rev-parse", "main").strip()
    bad, good = _decoy(work)
    done = push(work, "HEAD:main", f"{good}:refs/replace/{bad}", env={"GL_USERNAME": "mallory"})
    assert done.returncode != 0
    assert f"✗ refs/replace/{bad}: rejected" in done.stderr and "pushes to refs/replace/* are refused" in done.stderr
    assert "[stripe-only-in-billing]" in done.stderr  # main was judged on the real commit, not the decoy
    assert git(bare, "rev-parse", "main").strip() == main
    assert git(bare, "for-each-ref", "refs/replace/") == ""
    entries = {e["ref"]: e for e in audit_entries(bare)}
    assert entries[f"refs/replace/{bad}"]["decision"] == "reject"
    assert "refs/replace/*" in entries[f"refs/replace/{bad}"]["error"]
    assert entries["refs/heads/main"]["decision"] == "reject" and entries["refs/heads/main"]["pusher"] == "mallory"


def test_install_hides_replace_refs_from_pushes(tmp_path):
    bare, work = server(tmp_path)
    bad, good = _decoy(work)
    done = push(work, f"{good}:refs/replace/{bad}")
    assert done.returncode != 0 and git(bare, "for-each-ref", "refs/replace/") == ""
    assert git(bare, "config", "core.useReplaceRefs").strip() == "false"
    assert git(bare, "config", "receive.shallowUpdate").strip() == "false"


def test_a_planted_replace_ref_for_a_commit_does_not_fool_the_hook(tmp_path):
    """A replace ref already on the server (planted before install, or by another tool)."""
    bare, work = server(tmp_path)
    git(bare, "config", "core.useReplaceRefs", "true")  # even if an operator turned it back on
    bad, good = _decoy(work)
    push(work, f"{good}:refs/heads/decoy")  # the decoy's objects reach the server (a warn branch)
    git(bare, "update-ref", f"refs/replace/{bad}", good)
    done = push(work, f"{bad}:refs/heads/release/1")
    assert done.returncode != 0 and "[stripe-only-in-billing]" in done.stderr


def test_a_planted_replace_ref_for_a_tree_does_not_fool_the_hook(tmp_path):
    bare, work = server(tmp_path)
    bad, good = _decoy(work)
    push(work, f"{good}:refs/heads/decoy")
    git(bare, "update-ref", f"refs/replace/{git(work, 'rev-parse', bad + '^{tree}').strip()}",
        git(work, "rev-parse", good + "^{tree}").strip())
    done = push(work, f"{bad}:main")
    assert done.returncode != 0 and "[stripe-only-in-billing]" in done.stderr
    [*_, entry] = audit_entries(bare)
    assert entry["decision"] == "reject" and entry["blocking"][0]["subject"] == "app/api/refunds.py"


def test_a_replace_ref_for_the_notes_commit_does_not_forge_why(tmp_path):
    """A clone that fetched a replace ref for the notes commit still reads the real note."""
    bare, work = server(tmp_path)
    tip = commit(work, {"app/api/health.py": "x = 1\n"})
    assert push(work).returncode == 0
    real = json.loads(note(bare, tip))
    git(work, "fetch", "-q", "origin", "refs/notes/govern:refs/notes/govern")
    notes_commit = git(work, "rev-parse", "refs/notes/govern").strip()
    forged = dict(real, violations=[], engine="forged")
    write(tmp_path, {"forged.json": json.dumps(forged)})
    blob = git(work, "hash-object", "-w", str(tmp_path / "forged.json")).strip()
    listing = git(work, "ls-tree", notes_commit)
    listing = listing.replace(listing.split()[2], blob)
    tree = subprocess.run(["git", "mktree"], cwd=work, input=listing, capture_output=True, text=True,
                          check=True).stdout.strip()
    fake = git(work, "commit-tree", tree, "-m", "forged").strip()
    git(work, "replace", notes_commit, fake)
    assert git(work, "notes", "--ref=govern", "show", tip) == json.dumps(forged)  # git itself is fooled
    shown = govern("why", tip, "--format", "json", cwd=work)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["engine"] == real["engine"] != "forged"
    done = push(work, f"refs/replace/{notes_commit}")
    assert done.returncode != 0 and git(bare, "for-each-ref", "refs/replace/") == ""


def test_grafts_are_ignored(make_repo):
    from govern.facts.gitio import run_git

    repo = make_repo({"a.py": "x = 1\n"})
    first = git(repo, "rev-parse", "HEAD").strip()
    write(repo, {"a.py": "x = 2\n"})
    git(repo, "commit", "-q", "-am", "second")
    second = git(repo, "rev-parse", "HEAD").strip()
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "grafts").write_text(f"{second}\n")  # pretend `second` has no parent
    assert run_git(repo, "rev-list", "HEAD").decode().split() == [second, first]
