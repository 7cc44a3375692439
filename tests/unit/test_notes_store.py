"""govern.notes.store on real repositories: CAS writes, idempotence, fanout, concurrency."""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from govern.notes.store import NOTES_REF, read_note, write_notes
from tests.conftest import git


def _commits(repo, n):
    for i in range(n):
        git(repo, "commit", "-q", "--allow-empty", "-m", f"c{i}")
    return git(repo, "rev-list", "--reverse", "HEAD").split()


def test_write_read_and_idempotent(make_repo):
    repo = make_repo({"a.txt": "a"})
    commits = _commits(repo, 2)
    first = write_notes(repo, {c: b'{"n": 1}\n' for c in commits})
    assert first and write_notes(repo, {c: b'{"n": 1}\n' for c in commits}) is None
    assert git(repo, "rev-parse", NOTES_REF).strip() == first
    assert read_note(repo, commits[0]) == b'{"n": 1}\n'
    assert git(repo, "notes", "--ref=govern", "show", commits[1]) == '{"n": 1}\n'  # git reads it too


def test_replace_keeps_history_and_other_notes(make_repo):
    repo = make_repo({"a.txt": "a"})
    one, two = _commits(repo, 2)[-2:]
    write_notes(repo, {one: b"1\n", two: b"2\n"})
    write_notes(repo, {one: b"changed\n"})
    assert read_note(repo, one) == b"changed\n" and read_note(repo, two) == b"2\n"
    assert len(git(repo, "rev-list", NOTES_REF).split()) == 2


def test_missing_note_is_none(make_repo):
    repo = make_repo({"a.txt": "a"})
    assert read_note(repo, "HEAD") is None


def test_existing_fanout_is_kept(make_repo):
    repo = make_repo({"a.txt": "a"})
    commits = _commits(repo, 300)  # git switches its notes tree to ab/cdef… fanout past 256 notes
    for c in commits[:-1]:
        git(repo, "notes", "--ref=govern", "add", "-m", "old", c)
    tree = git(repo, "ls-tree", "--name-only", NOTES_REF)
    assert all(len(name) == 2 for name in tree.split())
    write_notes(repo, {commits[-1]: b"new\n", commits[0]: b"replaced\n"})
    assert read_note(repo, commits[-1]) == b"new\n" and read_note(repo, commits[0]) == b"replaced\n"
    assert read_note(repo, commits[5]) == b"old\n"
    assert all(len(name) == 2 for name in git(repo, "ls-tree", "--name-only", NOTES_REF).split())


def _write_one(args):
    repo, commit = args
    write_notes(repo, {commit: f"note {commit}\n".encode()})


def test_concurrent_writers_lose_nothing(make_repo):
    repo = make_repo({"a.txt": "a"})
    commits = _commits(repo, 16)
    with ProcessPoolExecutor(8) as pool:
        list(pool.map(_write_one, [(str(repo), c) for c in commits]))
    assert all(read_note(repo, c) == f"note {c}\n".encode() for c in commits)


def test_file_named_like_an_option_is_harmless(make_repo):
    repo = make_repo({"--output=x": "hostile"})
    commit = git(repo, "rev-parse", "HEAD").strip()
    write_notes(repo, {commit: b"ok\n"})
    assert read_note(repo, commit) == b"ok\n" and not (repo / "x").exists()
