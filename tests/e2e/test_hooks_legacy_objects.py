"""End to end: a real old history passes the object checks of a freshly installed hook.

`govern hook install` keeps receive.fsckObjects on, but downgrades the fsck message ids that
early git and import tools wrote into histories still in use (docs/hooks.md, "Object checks").
The objects are crafted byte for byte with `git hash-object --literally`: zero-padded tree
modes (Flask's history has them), a committer line with an invalid time zone, a tag without a
tagger. The same history is refused by a server with plain receive.fsckObjects, and objects
that are malformed in a way that matters (a tree entry named `.git`) are still refused.
"""
from __future__ import annotations

import subprocess

from tests.conftest import git, write
from tests.e2e.hooks_support import BASE_FILES, govern, note, push


def _object(repo, kind: str, body: bytes) -> str:
    done = subprocess.run(["git", "hash-object", "--literally", "-t", kind, "-w", "--stdin"], cwd=repo,
                          input=body, capture_output=True, check=True)
    return done.stdout.decode().strip()


def _zero_padded(repo, tree: str) -> str:
    """`tree` rewritten with every directory mode written `040000` (as early git did), recursively."""
    raw = subprocess.run(["git", "cat-file", "tree", tree], cwd=repo, capture_output=True, check=True).stdout
    out, i = b"", 0
    while i < len(raw):
        space, nul = raw.index(b" ", i), raw.index(b"\0", raw.index(b" ", i))
        mode, name, oid = raw[i:space], raw[space + 1:nul], raw[nul + 1:nul + 21]
        if mode == b"40000":
            mode, oid = b"040000", bytes.fromhex(_zero_padded(repo, oid.hex()))
        out += mode + b" " + name + b"\0" + oid
        i = nul + 21
    return _object(repo, "tree", out)


def _legacy_history(work) -> tuple[str, str]:
    """(tip commit, tag object) of a two-commit history carrying the legacy oddities."""
    write(work, BASE_FILES)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "initial")
    tree = _zero_padded(work, git(work, "rev-parse", "HEAD^{tree}").strip())
    root = _object(work, "commit", (f"tree {tree}\nauthor Ada Human <ada@example.com> 1136073600 +0000\n"
                                    f"committer Ada Human <ada@example.com> 1136073600 +0000\n\nold root\n").encode())
    write(work, {"app/api/health.py": "OK = True\n"})
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "second")
    tree = _zero_padded(work, git(work, "rev-parse", "HEAD^{tree}").strip())
    tip = _object(work, "commit", (f"tree {tree}\nparent {root}\nauthor Ada Human <ada@example.com> 1136073700 +0000\n"
                                   f"committer Ada Human <ada@example.com> 1136073700 +05\n\nbad time zone\n").encode())
    tag = _object(work, "tag", f"object {tip}\ntype commit\ntag v0.1\n\nno tagger, as in 2005\n".encode())
    git(work, "update-ref", "refs/heads/main", tip)
    git(work, "update-ref", "refs/tags/v0.1", tag)
    return tip, tag


def _fsck_ids(repo) -> str:
    done = subprocess.run(["git", "fsck", "--strict", "--no-dangling"], cwd=repo, capture_output=True, text=True)
    return done.stdout + done.stderr


def test_legacy_history_passes_a_freshly_installed_hook(tmp_path):
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    tip, _ = _legacy_history(work)
    found = _fsck_ids(work)
    for msg_id in ("zeroPaddedFilemode", "badTimezone", "missingTaggerEntry"):
        assert msg_id in found, found  # the crafted objects really are what git complains about

    plain = tmp_path / "plain.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(plain))
    git(plain, "config", "receive.fsckObjects", "true")
    refused = subprocess.run(["git", "push", str(plain), "main", "v0.1"], cwd=work, capture_output=True, text=True)
    assert refused.returncode != 0 and "remote: error: object" in refused.stderr  # git stops at the first

    bare = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    installed = govern("hook", "install", "--server", str(bare), cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    assert "set receive.fsck.zeroPaddedFilemode=ignore" in installed.stdout
    assert git(bare, "config", "receive.fsckObjects").strip() == "true"
    git(work, "remote", "add", "origin", str(bare))
    done = push(work, "main", "v0.1")
    assert done.returncode == 0, done.stderr
    assert "✓ refs/heads/main: allowed" in done.stderr and "✓ refs/tags/v0.1: allowed" in done.stderr
    assert git(bare, "rev-parse", "main").strip() == tip
    assert note(bare, tip) is not None  # judged and recorded like any other commit


def test_objects_that_matter_are_still_refused(tmp_path):
    """A tree with an entry named `.GIT` (a checkout would write into the git dir): still an error."""
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    write(work, BASE_FILES)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "initial")
    blob = git(work, "rev-parse", "HEAD:app/api/orders.py").strip()
    raw = subprocess.run(["git", "cat-file", "tree", "HEAD^{tree}"], cwd=work, capture_output=True, check=True).stdout
    tree = _object(work, "tree", b"100644 .GIT\0" + bytes.fromhex(blob) + raw)
    evil = _object(work, "commit", (f"tree {tree}\nparent {git(work, 'rev-parse', 'HEAD').strip()}\n"
                                    "author Ada Human <ada@example.com> 1767225600 +0000\n"
                                    "committer Ada Human <ada@example.com> 1767225600 +0000\n\nevil\n").encode())
    bare = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    assert govern("hook", "install", "--server", str(bare), cwd=tmp_path).returncode == 0
    git(work, "remote", "add", "origin", str(bare))
    assert push(work, "main").returncode == 0, "the plain history goes in"
    git(work, "update-ref", "refs/heads/main", evil)
    done = push(work, "main")
    assert done.returncode != 0 and "hasDotgit" in done.stderr
    assert git(bare, "rev-parse", "main").strip() != evil
