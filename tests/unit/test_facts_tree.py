"""Tree seam and git I/O on real repositories, hostile ones included."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from govern.facts.api import TREE_RELATIONS, Wanted, extract
from govern.facts.config import FactsConfig
from govern.facts.gitio import CatFile, GitFailure, git_dir, run_git
from govern.facts.tree import CommitTree, IndexTree, MemoryTree, WorkTree, blob_id
from tests.conftest import GIT_ENV, git, write

HOSTILE = {
    "with space.py": "import os\n",
    "new\nline.py": "import sys\n",
    "ünïcødé/mödule.py": "x = 1\n",
    "--output=x": "not an option\n",
    "-rf": "still a file\n",
    "pkg/__init__.py": "",
}


@pytest.fixture
def hostile_repo(make_repo):
    repo = make_repo(HOSTILE)
    (repo / "passwd").symlink_to("/etc/passwd")
    (repo / "latin1.py").write_bytes(b"# \xe9t\xe9\nimport os\n")
    (repo / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (repo / b"raw\xff.txt".decode("utf-8", "surrogateescape")).write_bytes(b"raw name\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hostile")
    return repo


def test_run_git_raises_with_stderr(make_repo):
    repo = make_repo({"a.txt": "a"})
    assert run_git(repo, "rev-parse", "--is-inside-work-tree") == b"true\n"
    with pytest.raises(GitFailure) as err:
        run_git(repo, "rev-parse", "--verify", "no-such-rev")
    assert err.value.returncode != 0 and "no-such-rev" in err.value.stderr or err.value.stderr


def test_commit_tree_hostile_names(hostile_repo):
    tree = CommitTree(hostile_repo, "HEAD")
    paths = [e.path for e in tree.entries()]
    assert paths == sorted(paths)
    assert "new\nline.py" in paths and "with space.py" in paths and "--output=x" in paths
    assert "ünïcødé/mödule.py" in paths
    assert "passwd" not in paths  # symlink: never followed, never listed
    raw = next(p for p in paths if p.startswith("raw"))
    assert os.fsencode(raw) == b"raw\xff.txt"  # surrogateescape round-trips the bytes
    data = tree.read_many([e.blob for e in tree.entries()])
    assert {data[e.blob] for e in tree.entries() if e.path == "--output=x"} == {b"not an option\n"}
    assert all(len(data[e.blob]) == e.size for e in tree.entries())


def test_index_and_work_trees_agree_with_git(hostile_repo):
    commit = CommitTree(hostile_repo, "HEAD").entries()
    assert IndexTree(hostile_repo).entries() == commit
    assert WorkTree(hostile_repo).entries() == commit  # blob ids computed as git does


def test_work_tree_untracked_ignored_and_staged(make_repo):
    repo = make_repo({".gitignore": "ignored.txt\n", "a.py": "import os\n"})
    write(repo, {"ignored.txt": "x", "new.py": "import json\n", "a.py": "import sys\n"})
    work = {e.path: e for e in WorkTree(repo).entries()}
    assert set(work) == {".gitignore", "a.py", "new.py"}
    assert work["a.py"].blob == blob_id(b"import sys\n")
    git(repo, "add", "new.py")
    staged = {e.path: e.blob for e in IndexTree(repo).entries()}
    assert set(staged) == {".gitignore", "a.py", "new.py"}
    assert staged["a.py"] == blob_id(b"import os\n")  # staged content, not the disk


def test_submodule_and_symlinks_are_links_never_entries(make_repo, tmp_path):
    sub = make_repo({"inner.py": "import os\n"})
    repo = make_repo({"top.py": "x = 1\n", "real/x.py": "import os\n"})
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor/sub")
    (repo / "alias").symlink_to("real")
    (repo / "link.py").symlink_to("top.py")
    git(repo, "add", "alias", "link.py")
    git(repo, "commit", "-q", "-m", "submodule")
    commit = git(sub, "rev-parse", "HEAD").strip()
    for tree in (CommitTree(repo, "HEAD"), IndexTree(repo), WorkTree(repo)):
        assert [e.path for e in tree.entries()] == [".gitmodules", "real/x.py", "top.py"]
        links = {e.path: (e.mode, e.blob) for e in tree.links()}
        assert links == {"alias": ("120000", blob_id(b"real")), "link.py": ("120000", blob_id(b"top.py")),
                         "vendor/sub": ("160000", commit)}
        facts = extract(tree, FactsConfig(), Wanted(frozenset({"imports"})))
        assert {f.args for f in facts if f.relation == "submodule"} == {("vendor/sub", commit)}
        assert {f.args[0] for f in facts if f.relation == "unreadable"} == {"alias", "link.py", "vendor/sub"}


def test_bare_repo_and_git_dir(make_repo, tmp_path):
    repo = make_repo({"pkg/__init__.py": "", "pkg/a.py": "import pkg\n"})
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    tree = CommitTree(bare, "main")
    assert [e.path for e in tree.entries()] == ["pkg/__init__.py", "pkg/a.py"]
    assert git_dir(bare) == bare.resolve()
    assert git_dir(repo) == (repo / ".git").resolve()
    facts = extract(tree, FactsConfig(), Wanted(frozenset({"imports"})))
    assert [f.args for f in facts] == [("pkg.a", "pkg")]


def test_unknown_rev_and_option_like_rev(make_repo):
    repo = make_repo({"a.txt": "a"})
    for rev in ("nope", "--output=/tmp/x", "-h"):
        with pytest.raises(GitFailure):
            CommitTree(repo, rev)


def test_catfile_batches_and_missing_object(make_repo):
    repo = make_repo({f"f{i}.txt": f"content {i}\n" * 500 for i in range(300)})
    entries = CommitTree(repo, "HEAD").entries()
    reader = CatFile(repo)
    data = reader.read_many([e.blob for e in entries])  # ~2 MB: more than a pipe buffer
    assert len(data) == 300 and all(len(data[e.blob]) == e.size for e in entries)
    with pytest.raises(GitFailure):
        reader.read_many(["0" * 40])
    reader.close()


def test_memory_tree():
    tree = MemoryTree({"b.py": b"import a\n", "a.py": b""})
    assert [e.path for e in tree.entries()] == ["a.py", "b.py"]
    assert tree.read_many([blob_id(b"")]) == {blob_id(b""): b""}
    assert blob_id(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory):
    """One repo per module holding a 50 MB blob (created once: it is the slow part)."""
    repo = tmp_path_factory.mktemp("big")
    env = {**os.environ, **GIT_ENV, "HOME": str(repo)}
    run = lambda *a: subprocess.run(["git", *a], cwd=repo, env=env, check=True, capture_output=True)
    run("init", "-q", "-b", "main")
    with open(repo / "huge.py", "wb") as handle:
        handle.write(b"import os\n")
        handle.truncate(50 * 1024 * 1024)
    (repo / "small.py").write_text("import json\n")
    run("add", "-A")
    run("-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-q", "-m", "big")
    return repo


def test_big_blob_is_unreadable_not_read(big_repo):
    facts = extract(CommitTree(big_repo, "HEAD"), FactsConfig(), Wanted(frozenset({"imports", "file"})))
    by = {(f.relation, f.args) for f in facts}
    reason = f"is too large to read ({50 * 1024 * 1024} bytes; max-blob-size is 1000000); govern cannot judge it"
    assert ("unreadable", ("huge.py", reason)) in by
    assert ("imports", ("small", "json")) in by
    assert ("file", ("huge.py",)) in by
    assert not any(f.relation == "imports" and f.args[0] == "huge" for f in facts)


def test_big_blob_read_when_limit_allows(big_repo):
    facts = extract(WorkTree(big_repo), FactsConfig(max_blob_size=60_000_000), Wanted(frozenset({"imports"})), workers=1)
    # The padding is NUL bytes: read, refused, reported, never a crash.
    assert [(f.args[0], f.args[1][:40]) for f in facts if f.relation == "unreadable"] == [
        ("huge.py", "could not be decoded (source contains a ")]


def test_all_relations_on_hostile_tree_never_crash(hostile_repo):
    facts = extract(CommitTree(hostile_repo, "HEAD"), FactsConfig(), Wanted(TREE_RELATIONS))
    files = {f.args[0] for f in facts if f.relation == "file"}
    assert "new\nline.py" in files and "passwd" not in files
    modules = {f.args[0] for f in facts if f.relation == "module"}
    assert {"latin1", "pkg", "with space", "/new\nline.py"} <= modules  # a newline: named by its path
    # Latin-1 bytes without a coding cookie: CPython refuses the file, so does govern (loudly).
    unreadable = {f.args[0]: f.args[1] for f in facts if f.relation == "unreadable"}
    assert unreadable["latin1.py"].startswith("could not be decoded (")
    assert unreadable["passwd"] == "is a symbolic link; govern does not follow links"


def test_closing_a_reader_never_waits_on_a_forked_copy_of_its_pipe(make_repo):
    # A process forked after the reader started (a worker pool) holds our end of
    # git's stdin: git never sees end-of-input, and a close that waited for it
    # deadlocked the whole test suite once (from a garbage-collector finalizer).
    import multiprocessing
    import time

    repo = make_repo({"a.txt": "a"})
    reader = CatFile(repo)
    reader.read_many([CommitTree(repo, "HEAD").entries()[0].blob])
    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(20,))
    child.start()
    try:
        started = time.monotonic()
        reader.close()
        assert time.monotonic() - started < 10
    finally:
        child.terminate()
        child.join()


def test_deleted_files_tags_and_executables(make_repo):
    repo = make_repo({"gone.py": "x\n", "run.sh": "#!/bin/sh\n", "keep.py": "y\n"})
    (repo / "run.sh").chmod(0o755)
    git(repo, "add", "run.sh")
    git(repo, "commit", "-q", "-m", "exec")
    git(repo, "tag", "-a", "-m", "release", "v1")
    (repo / "gone.py").unlink()
    assert [e.path for e in WorkTree(repo).entries()] == ["keep.py", "run.sh"]
    modes = {e.path: e.mode for e in CommitTree(repo, "v1").entries()}  # annotated tag: peeled to its tree
    assert modes == {"gone.py": "100644", "keep.py": "100644", "run.sh": "100755"}
    assert {e.path: e.mode for e in WorkTree(repo).entries()}["run.sh"] == "100755"
