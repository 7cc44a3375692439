"""End to end: 20 pushes from 20 clones at once, each to its own branch → 20 notes, 20 audit lines."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.conftest import git
from tests.e2e.hooks_support import audit_entries, commit, note, push, server

N = 20


def test_concurrent_pushes_lose_no_note(tmp_path):
    bare, _ = server(tmp_path)
    clones = []
    for i in range(N):
        clone = tmp_path / f"clone{i}"
        git(tmp_path, "clone", "-q", str(bare), str(clone))
        git(clone, "checkout", "-q", "-b", f"topic-{i}")
        clones.append((clone, commit(clone, {f"app/api/feature_{i}.py": f"VALUE = {i}\n"}, f"feature {i}")))
    # Each push is its own `git push` process (and its own hook processes on the server).
    with ThreadPoolExecutor(N) as pool:
        results = list(pool.map(lambda i: push(clones[i][0], f"topic-{i}"), range(N)))
    assert [r.returncode for r in results] == [0] * N, [r.stderr for r in results if r.returncode]
    assert all(note(bare, new) is not None for _, new in clones)
    entries = audit_entries(bare)
    assert sorted(e["ref"] for e in entries) == sorted(f"refs/heads/topic-{i}" for i in range(N))
