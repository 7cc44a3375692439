"""govern.hook.refs: parsing hook input, zero ids, peeling, the commits a push brings."""
from __future__ import annotations

import pytest

from govern.errors import UsageError
from govern.hook.refs import ZERO, RefUpdate, default_branch, new_commits, parse_updates, peel_commit
from tests.conftest import git, write

A, B = "a" * 40, "b" * 40


def test_parse_and_classify():
    created, deleted = parse_updates(f"{ZERO} {A} refs/heads/new\n{B} {ZERO} refs/tags/v1\n\n")
    assert created.created and not created.deleted and deleted.deleted
    assert created.key() != deleted.key() and len(created.key()) == 64


@pytest.mark.parametrize("line", [f"{A} {B}", f"{A} {B} main", f"{A} zz refs/heads/x", f"{A} {B} refs/heads/a b"])
def test_malformed_input_names_the_line(line):
    with pytest.raises(UsageError, match="malformed hook input line 1"):
        parse_updates(line + "\n")


def test_peel_and_commits(make_repo):
    repo = make_repo({"a.txt": "1"})
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "tag", "-a", "-m", "t", "v1")
    tag = git(repo, "rev-parse", "v1").strip()
    assert tag != base and peel_commit(repo, tag, "refs/tags/v1") == base
    tree = git(repo, "rev-parse", "HEAD^{tree}").strip()
    with pytest.raises(UsageError, match="does not point to a commit"):
        peel_commit(repo, tree, "refs/tags/t")
    git(repo, "checkout", "-q", "-b", "side")
    write(repo, {"b.txt": "2"})
    git(repo, "add", "b.txt")
    git(repo, "commit", "-q", "-m", "two")
    tip = git(repo, "rev-parse", "HEAD").strip()
    assert new_commits(repo, RefUpdate(base, tip, "refs/heads/main"), tip, []) == [tip]
    assert new_commits(repo, RefUpdate(ZERO, tip, "refs/heads/x"), tip, [base]) == [tip]
    assert new_commits(repo, RefUpdate(ZERO, tip, "refs/heads/x"), tip, []) == [base, tip]
    assert default_branch(repo) == ("refs/heads/side", tip)


def test_default_branch_of_empty_repo(tmp_path):
    git(tmp_path, "init", "-q", "--bare", "e.git")
    assert default_branch(tmp_path / "e.git") is None
