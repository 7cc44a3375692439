"""govern.hook.pending: the pre→post-receive handover, keyed by the exact update line."""
from __future__ import annotations

import os

from govern.hook import pending
from govern.hook.refs import ZERO, RefUpdate

UPDATE = RefUpdate(ZERO, "a" * 40, "refs/heads/main")


def test_save_take_forget(tmp_path):
    pending.save(tmp_path, UPDATE, {"a" * 40: '{"verdict": "allow"}\n'.encode()})
    assert pending.take(tmp_path, RefUpdate(ZERO, "b" * 40, "refs/heads/main")) is None
    assert pending.take(tmp_path, UPDATE) == {"a" * 40: b'{"verdict": "allow"}\n'}
    pending.forget(tmp_path, UPDATE)
    assert pending.take(tmp_path, UPDATE) is None


def test_non_ascii_notes_survive_byte_exact(tmp_path):
    body = '{"message": "Zürich → 東京"}\n'.encode()
    pending.save(tmp_path, UPDATE, {"c" * 40: body})
    assert pending.take(tmp_path, UPDATE)["c" * 40] == body


def test_sweep_removes_only_stale_files(tmp_path):
    pending.save(tmp_path, UPDATE, {})
    other = RefUpdate(ZERO, "d" * 40, "refs/heads/x")
    pending.save(tmp_path, other, {})
    stale = tmp_path / "govern" / "pending" / f"{UPDATE.key()}.json"
    os.utime(stale, (0, 0))
    pending.sweep(tmp_path)
    assert not stale.exists() and pending.take(tmp_path, other) == {}
