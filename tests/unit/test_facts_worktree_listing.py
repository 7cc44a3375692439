"""WorkTree takes blob ids from git's index for files git reports unchanged: the listing
must equal hashing every file on disk, whatever state the working tree is in."""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from govern.facts.indexstat import eol_listing, listing
from govern.facts.tree import REGULAR, Entry, WorkTree, decode_path
from tests.conftest import git, write

BASE = {
    "clean.py": "import os\n",
    "pkg/__init__.py": "",
    "pkg/mod.py": "import sys\n",
    "grows.py": "x = 1\n",
    "same_size.py": "AAAA\n",
    "restored.py": "BBBB\n",
    "gone.py": "gone\n",
    "moved.py": "moved\n",
    "mvdisk.py": "mvdisk\n",
    "chmod.sh": "#!/bin/sh\n",
    "staged.py": "v1\n",
    "assumed.py": "assumed\n",
    "skipped.py": "skipped\n",
    "link_target.txt": "target\n",
    "becomes_dir": "file\n",
    "becomes_link.py": "link\n",
    "with\ttab.py": "tab\n",
    "new\nline.py": "newline\n",
    "? looks untracked": "q\n",
    ".gitignore": "ignored.txt\n",
}


def reference(repo: Path) -> list[Entry]:
    """The listing by hashing every file git lists (the implementation before the index was used)."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=repo, capture_output=True, check=True).stdout
    entries = []
    for raw in dict.fromkeys(out.split(b"\0")):
        full = os.path.join(os.fsencode(repo), raw)
        try:
            info = os.lstat(full) if raw else None
        except OSError:
            continue
        if info is None or not stat.S_ISREG(info.st_mode):
            continue
        data = Path(os.fsdecode(full)).read_bytes()
        blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        entries.append(Entry(decode_path(raw), blob, "100755" if info.st_mode & stat.S_IXUSR else "100644", len(data)))
    return sorted(e for e in entries if e.mode in REGULAR)


def check(repo: Path) -> list[Entry]:
    tree = WorkTree(repo)
    entries = tree.entries()
    assert entries == reference(repo)
    data = tree.read_many([e.blob for e in entries])
    assert all(hashlib.sha1(b"blob %d\0" % len(data[e.blob]) + data[e.blob]).hexdigest() == e.blob for e in entries)
    return entries


def rewrite_keeping_stat(path: Path, content: bytes) -> None:
    """Same size, mtime put back: only ctime (or git's racy check) can tell."""
    before = path.stat()
    path.write_bytes(content)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.fixture
def busy_repo(make_repo):
    """A repository whose working tree is in every state at once."""
    repo = make_repo(BASE)
    (repo / "link.txt").symlink_to("link_target.txt")
    git(repo, "add", "link.txt")
    git(repo, "commit", "-q", "-m", "link")
    write(repo, {"grows.py": "x = 1\ny = 2\n", "ignored.txt": "ignored\n", "untracked.py": "import json\n",
                 "staged.py": "v2\n", "added_clean.py": "added\n", "ita.py": "intent\n",
                 "assumed.py": "changed though assumed\n", "skipped.py": "changed though skipped\n"})
    (repo / "same_size.py").write_bytes(b"CCCC\n")  # same size, same second as the index write
    rewrite_keeping_stat(repo / "restored.py", b"DDDD\n")
    (repo / "gone.py").unlink()
    git(repo, "mv", "moved.py", "renamed.py")
    (repo / "mvdisk.py").rename(repo / "mvdisk_new.py")
    (repo / "chmod.sh").chmod(0o755)
    git(repo, "add", "staged.py", "added_clean.py")
    write(repo, {"staged.py": "v3 on disk\n"})  # staged, then modified again
    git(repo, "add", "-N", "ita.py")
    git(repo, "update-index", "--assume-unchanged", "assumed.py")
    git(repo, "update-index", "--skip-worktree", "skipped.py")
    (repo / "becomes_dir").unlink()
    write(repo, {"becomes_dir/inner.py": "inner\n"})
    (repo / "becomes_link.py").unlink()
    (repo / "becomes_link.py").symlink_to("clean.py")
    (repo / "link.txt").unlink()
    write(repo, {"link.txt": "now a regular file\n"})
    (repo / b"raw\xff.py".decode("utf-8", "surrogateescape")).write_bytes(b"raw\n")
    return repo


def test_busy_work_tree_equals_hashing_every_file(busy_repo):
    entries = {e.path: e for e in check(busy_repo)}
    assert "gone.py" not in entries and "moved.py" not in entries and "becomes_link.py" not in entries
    assert entries["chmod.sh"].mode == "100755"
    assert {"renamed.py", "mvdisk_new.py", "untracked.py", "becomes_dir/inner.py", "link.txt"} <= set(entries)


def test_git_vouches_only_for_unchanged_plain_files(busy_repo):
    known = {decode_path(raw): blob for raw, blob in listing(str(busy_repo)).items()}
    vouched = {path for path, blob in known.items() if blob is not None}
    # Clean files, a staged rename and a staged file equal to the disk.
    assert {"clean.py", "pkg/mod.py", "renamed.py", "added_clean.py", "with\ttab.py",
            "new\nline.py", "? looks untracked"} <= vouched
    doubted = {"chmod.sh", "grows.py", "same_size.py", "restored.py", "staged.py", "ita.py", "assumed.py", "skipped.py",
               "link.txt", "becomes_link.py", "becomes_dir", "gone.py", "untracked.py", "mvdisk_new.py"}
    assert not vouched & doubted
    assert "ignored.txt" not in known


def test_racy_index_entry_is_checked_by_content(make_repo):
    repo = make_repo({"a.py": "AAAA\n", "b.py": "BBBB\n"})
    rewrite_keeping_stat(repo / "a.py", b"XXXX\n")
    index = repo / ".git" / "index"
    mtime = (repo / "a.py").stat().st_mtime_ns
    os.utime(index, ns=(mtime, mtime))  # the index written in the same instant as the files: all racy
    assert {e.path: e.blob for e in check(repo)}["a.py"] == git(repo, "hash-object", "a.py").strip()


def test_repository_settings_that_would_hide_a_change(make_repo):
    repo = make_repo({"a.py": "AAAA\n", "x.sh": "#!/bin/sh\n"})
    git(repo, "config", "core.checkStat", "minimal")  # git would compare only sizes and mtimes
    git(repo, "config", "core.fileMode", "false")
    for name in ("a.py", "x.sh"):  # files older than the index: not racy, git trusts their stat data
        os.utime(repo / name, (1_700_000_000, 1_700_000_000))
    git(repo, "update-index", "--refresh")
    # As `rsync -t` does: a new file of the same size and mtime renamed over the old one.
    (repo / "a.tmp").write_bytes(b"ZZZZ\n")
    os.utime(repo / "a.tmp", (1_700_000_000, 1_700_000_000))
    (repo / "a.tmp").rename(repo / "a.py")
    (repo / "x.sh").chmod(0o755)
    entries = {e.path: e for e in check(repo)}
    assert entries["x.sh"].mode == "100755"


@pytest.mark.parametrize("attributes, config", [
    ("*.txt text eol=crlf\n", {}),
    ("*.txt ident\n", {}),
    ("*.txt filter=upper\n", {"filter.upper.clean": "tr a-z A-Z", "filter.upper.smudge": "cat"}),
    ("", {"core.autocrlf": "true"}),
    ("*.txt working-tree-encoding=UTF-16\n", {}),
])
def test_converted_files_are_hashed_as_they_are_on_disk(make_repo, attributes, config):
    repo = make_repo({"plain.py": "import os\n", "doc.txt": "$Id$ line\r\nsecond\n"})
    for key, value in config.items():
        git(repo, "config", key, value)
    write(repo, {".gitattributes": attributes})
    git(repo, "add", "--renormalize", ".")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-q", "-m", "attributes")
    (repo / "doc.txt").unlink()
    git(repo, "checkout", "--", "doc.txt")  # written through the conversion
    entries = {e.path: e for e in check(repo)}
    assert entries["doc.txt"].size == len((repo / "doc.txt").read_bytes())
    vouched = {decode_path(raw) for raw, blob in listing(str(repo)).items() if blob}
    assert "doc.txt" not in vouched


@pytest.mark.parametrize("attributes, config", [("* text=auto eol=lf\n", {}), ("", {"core.autocrlf": "input"})])
def test_line_ending_conversions_trust_the_index_only_for_files_without_cr(make_repo, monkeypatch, attributes, config):
    """Under `text=auto eol=lf` (or autocrlf) every file is in doubt; one git reports unchanged
    whose bytes hold no CR is its staged blob (no hashing), one with a CR on disk is hashed."""
    monkeypatch.setattr(WorkTree, "HASH_DIRECTLY", 0)  # git's index is asked even for a few files
    monkeypatch.setattr(WorkTree, "INDEX_UNDER_CONVERSIONS", True)  # and even under text=auto
    import govern.facts.tree as tree

    hashed = []
    real_hash = tree._hash_file
    monkeypatch.setattr(tree, "_hash_file", lambda full, size, algo: hashed.append(full) or real_hash(full, size, algo))
    repo = make_repo({".gitattributes": attributes, "lf.py": "import os\n", "data.bin": b"\x00\x01\r\n",
                      "crlf.svg": "<svg>\n</svg>\n", "plain.txt": "no newline at all"})
    for key, value in config.items():
        git(repo, "config", key, value)
    write(repo, {"crlf.svg": b"<svg>\r\n</svg>\r\n"})  # CRLF on disk, LF staged: git reports it unchanged
    git(repo, "add", "crlf.svg")
    os.utime(repo / ".git" / "index", (1_700_000_000, 1_700_000_000))  # every entry racy: git compares contents
    git(repo, "update-index", "--refresh")
    entries = {e.path: e for e in check(repo)}  # equal to hashing every file on disk
    vouched, eol = eol_listing(str(repo))
    assert {b"lf.py", b"plain.txt"} <= set(eol) and all(vouched[p] is None for p in eol)
    assert entries["lf.py"].blob == eol[b"lf.py"] == git(repo, "rev-parse", ":lf.py").strip()
    assert entries["crlf.svg"].blob != git(repo, "rev-parse", ":crlf.svg").strip()  # hashed as it is on disk
    assert sorted(os.path.basename(p) for p in hashed) == [b"crlf.svg", b"data.bin"]


def test_unmerged_paths_and_submodules(make_repo, tmp_path):
    repo = make_repo({"c.py": "base\n", "keep.py": "keep\n"})
    git(repo, "checkout", "-q", "-b", "other")
    write(repo, {"c.py": "other\n"})
    git(repo, "commit", "-q", "-am", "other")
    git(repo, "checkout", "-q", "main")
    write(repo, {"c.py": "main\n"})
    git(repo, "commit", "-q", "-am", "main")
    git(repo, "merge", "-q", "other", check=False)
    sub = make_repo({"s.py": "s\n"})
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "sub")
    entries = {e.path for e in check(repo)}
    assert "c.py" in entries and "sub" not in entries and "sub/s.py" not in entries


def test_empty_and_fresh_repositories(make_repo):
    repo = make_repo()
    assert check(repo) == []
    write(repo, {"a.py": "a\n"})
    assert [e.path for e in check(repo)] == ["a.py"]


@pytest.mark.parametrize("attributes, converting", [
    ("* text=auto eol=lf\n", True), ("*.bat text eol=crlf\n", True), ("*.txt ident\n", True),
    ("*.c filter=indent\n", True), ("*.png binary\n*.txt -text\n# * text\n", False), ("", False),
])
def test_trees_under_conversions_are_hashed_without_asking_the_index(make_repo, monkeypatch, attributes, converting):
    """A .gitattributes setting a conversion: every file is read anyway, so they are hashed
    directly (an optimisation); otherwise git's index vouches first. The same ids either way."""
    import govern.facts.tree as tree

    monkeypatch.setattr(WorkTree, "HASH_DIRECTLY", 0)
    asked = []
    real = tree.eol_listing
    monkeypatch.setattr(tree, "eol_listing", lambda repo: asked.append(repo) or real(repo))
    repo = make_repo({"a.py": "import os\n", "doc.txt": "x\r\ny\n", "sub/b.py": "import a\n"})
    write(repo, {"sub/.gitattributes": attributes})
    check(repo)
    assert bool(asked) is not converting
    if converting:  # larger files on average (assets): the index, which vouches for `binary` ones
        write(repo, {"asset.bin": b"\0" * 100_000})
        shutil.rmtree(repo / ".git" / "govern", ignore_errors=True)  # no stat cache: every file unknown
        check(repo)
        assert len(asked) == 1
    from govern.facts.statcache import stat_pass

    assert tree._converting(os.path.join(os.fsencode(repo), b""), stat_pass(str(repo))) is converting


def test_a_gitattributes_link_is_never_read_for_the_guess(make_repo, tmp_path):
    import govern.facts.tree as tree
    from govern.facts.statcache import stat_pass

    outside = tmp_path / "outside"
    outside.write_text("* text=auto\n")
    repo = make_repo({"a.py": "import os\n"})
    (repo / ".gitattributes").symlink_to(outside)
    (repo / "sub").mkdir()
    os.mkfifo(repo / "sub" / ".gitattributes")  # were it listed, opening it would block: never opened
    assert tree._converting(os.path.join(os.fsencode(repo), b""), stat_pass(str(repo))) is False


@pytest.mark.parametrize("size", [0, 5, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 << 20])
def test_hashing_a_file_whole_or_in_chunks_gives_git_s_id(tmp_path, size):
    import govern.facts.tree as tree

    path = tmp_path / "f"
    path.write_bytes(os.urandom(size))
    expected = subprocess.run(["git", "hash-object", "--no-filters", str(path)], capture_output=True, text=True,
                              check=True).stdout.strip()
    assert tree._hash_file(os.fsencode(path), size, "sha1") == expected
