"""govern.hook.note_summary: the legacy identities of a note, cached by the note's blob id."""
from __future__ import annotations

import json

from govern.hook.note_summary import remember, summary_of
from govern.notes.codec import encode
from govern.notes.store import write_notes
from tests.conftest import git

NOTE = {"commit": None, "govern": "0.1.0", "base": None, "adrs": [], "rules": [],
        "violations": [{"rule": "r", "subject": "b.py", "target": "x"}, {"rule": "r", "subject": "b.py", "target": "y"}],
        "exemptions": [{"rule": "r", "subject": "a.py", "target": "x"}]}


def test_summary_parsed_then_cached(make_repo):
    repo = make_repo({"a.txt": "a"})
    commit = git(repo, "rev-parse", "HEAD").strip()
    note = {**NOTE, "commit": commit}
    write_notes(repo, {commit: encode(note)})
    summary = summary_of(repo, commit)
    # Every violation is its own identity; an exempted finding is not legacy for the next push.
    assert summary["legacy"] == [("r", "b.py", "x"), ("r", "b.py", "y")] and summary["commit"] == commit
    blob = git(repo, "notes", "--ref=govern", "list", commit).strip()
    assert (repo / ".git" / "govern" / "summaries" / blob).is_file()
    assert summary_of(repo, commit) == summary  # from the cache now


def test_remember_matches_the_blob_git_stores(make_repo):
    repo = make_repo({"a.txt": "a"})
    commit = git(repo, "rev-parse", "HEAD").strip()
    body = encode({**NOTE, "commit": commit})
    write_notes(repo, {commit: body})
    remember(repo, body, json.loads(body))
    blob = git(repo, "notes", "--ref=govern", "list", commit).strip()
    assert (repo / ".git" / "govern" / "summaries" / blob).is_file()


def test_no_note_no_summary(make_repo):
    repo = make_repo({"a.txt": "a"})
    assert summary_of(repo, git(repo, "rev-parse", "HEAD").strip()) is None
