"""govern.hook.pending: the pre→post-receive handover, keyed by the exact update line."""
from __future__ import annotations

import os

from govern.hook import pending
from govern.hook.refs import ZERO, RefUpdate

UPDATE = RefUpdate(ZERO, "a" * 40, "refs/heads/main")
VERDICT = {"verdict": "allow", "violations": [{"message": "Zürich → 東京", "new": True, "line": 3}], "base": None}


def test_save_take_forget(tmp_path):
    pending.save(tmp_path, UPDATE, {"a" * 40: VERDICT})
    assert pending.take(tmp_path, RefUpdate(ZERO, "b" * 40, "refs/heads/main")) is None
    assert pending.take(tmp_path, UPDATE) == {"a" * 40: VERDICT}
    pending.forget(tmp_path, UPDATE)
    assert pending.take(tmp_path, UPDATE) is None


def test_unreadable_file_is_ignored(tmp_path):
    pending.save(tmp_path, UPDATE, {"a" * 40: VERDICT})
    path = next((tmp_path / "govern" / "pending").glob("*.pending"))
    path.write_bytes(b"\x00garbage")
    assert pending.take(tmp_path, UPDATE) is None  # post-receive then judges again


def test_sweep_removes_only_stale_files(tmp_path):
    pending.save(tmp_path, UPDATE, {})
    other = RefUpdate(ZERO, "d" * 40, "refs/heads/x")
    pending.save(tmp_path, other, {})
    stale = tmp_path / "govern" / "pending" / f"{UPDATE.key()}.pending"
    os.utime(stale, (0, 0))
    pending.sweep(tmp_path)
    assert not stale.exists() and pending.take(tmp_path, other) == {}


def test_updates_let_through_unjudged_are_one_mark_for_the_push(tmp_path):
    tags = [RefUpdate(ZERO, f"{i:040x}", f"refs/tags/v{i}") for i in range(1000)]
    pending.save_unjudged(tmp_path, tags)
    assert len(list((tmp_path / "govern" / "pending").iterdir())) == 1
    marks = pending.unjudged(tmp_path)
    assert set(marks) == {tag.key() for tag in tags} and UPDATE.key() not in marks
    pending.forget_unjudged(marks, {tag.key() for tag in tags[:10]})  # not all seen: kept
    assert pending.unjudged(tmp_path) == marks
    pending.forget_unjudged(marks, {tag.key() for tag in tags})
    assert pending.unjudged(tmp_path) == {}
    pending.save_unjudged(tmp_path, tags[:1])
    (path,) = (tmp_path / "govern" / "pending").glob("*.unjudged")
    path.write_bytes(b"\x00garbage")
    assert pending.unjudged(tmp_path) == {}  # unreadable: post-receive judges those again
    os.utime(path, (0, 0))
    pending.sweep(tmp_path)
    assert not path.exists()
