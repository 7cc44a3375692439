"""The working tree's stat cache (facts.statcache): ids remembered by stat data must equal
hashing every file on disk, a damaged or foreign cache is ignored, and files written in the
last moments are never remembered (their stat data could still hide a write)."""
from __future__ import annotations

import hashlib
import marshal
import os
import time
from pathlib import Path

import pytest

from govern.facts import statcache, tree
from govern.facts.tree import WorkTree
from tests.conftest import git, write
from tests.unit.test_facts_worktree_listing import BASE, reference, rewrite_keeping_stat


def stat_file(repo: Path) -> Path:
    return repo / ".git" / "govern" / statcache.FORMAT


@pytest.fixture
def aged(monkeypatch):
    """Every file counts as old enough to be remembered (as it would be a few seconds later)."""
    monkeypatch.setattr(statcache, "MARGIN_NS", -10 ** 15)


@pytest.fixture
def no_hashing(monkeypatch):
    """Hashing a file fails the test: ids must come from the stat cache (or git)."""
    def refuse(full, size, algo):
        raise AssertionError(f"hashed {full!r}")
    return lambda: monkeypatch.setattr(tree, "_hash_file", refuse)


def attributed_repo(make_repo) -> Path:
    """Every file under a conversion attribute: git vouches for none of them."""
    repo = make_repo({**BASE, ".gitattributes": "* text=auto eol=lf\n"})
    write(repo, {"untracked.py": "import json\n"})
    return repo


def test_second_listing_takes_ids_from_the_cache(make_repo, aged, no_hashing):
    repo = attributed_repo(make_repo)
    first = WorkTree(repo).entries()
    assert first == reference(repo) and stat_file(repo).exists()
    no_hashing()
    assert WorkTree(repo).entries() == first


def test_a_rewrite_that_keeps_size_and_mtime_is_seen(make_repo, aged):
    repo = attributed_repo(make_repo)
    WorkTree(repo).entries()
    time.sleep(0.05)  # past the kernel's clock tick: the rewrite gets a later ctime
    rewrite_keeping_stat(repo / "same_size.py", b"ZZZZ\n")
    write(repo, {"untracked.py": "import sys\n", "new.py": "x\n"})
    (repo / "clean.py").unlink()
    assert WorkTree(repo).entries() == reference(repo)


def test_recent_files_are_not_remembered(make_repo, no_hashing):
    repo = attributed_repo(make_repo)  # every file written a moment ago
    WorkTree(repo).entries()
    assert not stat_file(repo).exists()
    with pytest.raises(AssertionError, match="hashed"):
        no_hashing()
        WorkTree(repo).entries()


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty", "other tree", "other format"])
def test_a_damaged_or_foreign_cache_is_ignored(make_repo, aged, damage):
    repo = attributed_repo(make_repo)
    WorkTree(repo).entries()
    path = stat_file(repo)
    data = path.read_bytes()
    if damage == "flip":
        data = data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "garbage":
        data = os.urandom(200)
    elif damage == "empty":
        data = b""
    else:  # well-formed and checksummed, with the right stat data but wrong ids: not ours
        owner = "/elsewhere" if damage == "other tree" else str(repo)
        fmt = statcache.FORMAT if damage == "other tree" else "stat-v0"
        payload = marshal.dumps([fmt, owner, {raw: [list(statcache.stat_key(os.lstat(repo / raw.decode()))), "0" * 40]
                                              for raw in (b"clean.py", b"untracked.py")}])
        data = hashlib.sha256(payload).digest() + payload
    path.write_bytes(data)
    assert WorkTree(repo).entries() == reference(repo)


def test_linked_worktrees_keep_their_own_cache(make_repo, tmp_path, aged):
    repo = attributed_repo(make_repo)
    git(repo, "add", "untracked.py")
    git(repo, "commit", "-q", "-m", "more")
    other = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", str(other))
    write(other, {"clean.py": "import other\n"})
    assert WorkTree(repo).entries() == reference(repo)
    assert WorkTree(other).entries() == reference(other)
    assert WorkTree(repo).entries() == reference(repo)


def test_an_unwritable_cache_only_loses_the_speed_up(make_repo, aged):
    repo = attributed_repo(make_repo)
    (repo / ".git" / "govern").write_text("a file where the cache directory would be\n")
    assert WorkTree(repo).entries() == reference(repo)
    assert WorkTree(repo).entries() == reference(repo)
