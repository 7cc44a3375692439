"""govern.hook.audit: fsync'd JSON lines, rotation, concurrent appends, --since filtering."""
from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone

import pytest

from govern.errors import UsageError
from govern.hook import audit


def test_append_and_read(tmp_path):
    audit.append(tmp_path, {"decision": "allow", "ref": "refs/heads/main"})
    audit.append(tmp_path, {"decision": "reject", "ref": "refs/heads/x", "time": "2030-01-01T00:00:00+00:00"})
    entries = list(audit.read(tmp_path))
    assert [e["decision"] for e in entries] == ["allow", "reject"]
    assert [e["ref"] for e in audit.read(tmp_path, since=audit.parse_since("2029-12-31"))] == ["refs/heads/x"]
    raw = (tmp_path / "govern" / "audit.log").read_text().splitlines()
    assert all(json.loads(line) for line in raw) and raw[0].startswith('{"decision":"allow"')


def test_rotation_keeps_order(tmp_path):
    for i in range(30):
        audit.append(tmp_path, {"n": i}, max_bytes=200, keep=50)
    assert (tmp_path / "govern" / "audit.log.1").exists()
    assert [e["n"] for e in audit.read(tmp_path)] == list(range(30))


def test_rotation_drops_beyond_keep(tmp_path):
    for i in range(40):
        audit.append(tmp_path, {"n": i}, max_bytes=100, keep=2)
    assert not (tmp_path / "govern" / "audit.log.3").exists()
    numbers = [e["n"] for e in audit.read(tmp_path)]
    assert numbers == sorted(numbers) and numbers[-1] == 39


def _append(args):
    folder, i = args
    audit.append(folder, {"n": i, "pad": "x" * 3000})


def test_concurrent_appends_never_interleave(tmp_path):
    with ProcessPoolExecutor(4) as pool:
        list(pool.map(_append, [(tmp_path, i) for i in range(60)]))
    assert sorted(e["n"] for e in audit.read(tmp_path)) == list(range(60))


def test_bad_line_and_bad_since_are_clear_errors(tmp_path):
    (tmp_path / "govern").mkdir()
    (tmp_path / "govern" / "audit.log").write_text('{"n": 1}\nnot json\n')
    with pytest.raises(UsageError, match=r"audit.log:2: not a JSON line"):
        list(audit.read(tmp_path))
    with pytest.raises(UsageError, match="not an ISO date"):
        audit.parse_since("yesterday")
    assert audit.parse_since("2026-03-01") == datetime(2026, 3, 1, tzinfo=timezone.utc)
