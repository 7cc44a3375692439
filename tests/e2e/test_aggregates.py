"""Aggregates end to end: an ADR counting importers blocks, its proof lists the counted tuples,
`--verify` accepts it and rejects a tampered count or tuple list; many tuples become a digest."""
from __future__ import annotations

import copy
import json

from govern.verdict.verify import verify_verdict_json
from tests.conftest import git
from tests.e2e.check_support import check_json, commit, govern, proof_nodes

FAN_IN_ADR = """---
title: Keep the fan-in of core modules small
status: accepted
date: 2025-12-01
rules:
  - id: core-fan-in
    datalog: true
    message: a core module has too many importers
---
```datalog
fan_in(M, N) :- module(M, _), under(M, "core"), N = count { S : imports(S, M) }.
violation("core-fan-in", F, "a core module has too many importers") :-
    module(M, F), fan_in(M, N), N > LIMIT.
```
"""


def _repo(tmp_path, importers: int, limit: int = 2):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    files = {"adr/0001-fan-in.md": FAN_IN_ADR.replace("LIMIT", str(limit)), "core/__init__.py": "",
             "core/config.py": "X = 1\n"}
    files |= {f"app/m{i}.py": "import core.config\n" for i in range(importers)}
    commit(repo, files, "start")
    return repo


def _aggregate(data):
    """The aggregate node of the first violation's proof (in the verdict's proof table)."""
    return next(n for n in proof_nodes(data, data["violations"][0]["proof"]) if n["kind"] == "aggregate")


def test_count_blocks_and_the_proof_lists_the_counted_importers(tmp_path):
    repo = _repo(tmp_path, importers=3)
    result = govern(repo, "check", "--rev", "HEAD")
    assert result.returncode == 1, result.stderr
    assert "count = 3 over 3 tuples" in result.stdout
    code, data = check_json(repo, "--rev", "HEAD")
    node = _aggregate(data)
    assert node["aggregate"]["value"] == 3 and node["aggregate"]["count"] == 3
    counted = sorted(data["proofs"][c]["conclusion"]["args"][1] for c in node["children"])
    assert counted == ["app.m0", "app.m1", "app.m2"]
    assert verify_verdict_json(repo, data) == []


def test_tampered_aggregate_proofs_are_rejected(tmp_path):
    repo = _repo(tmp_path, importers=3)
    _, data = check_json(repo, "--rev", "HEAD")
    for tamper in ("value", "drop", "digest"):
        bad = copy.deepcopy(data)
        node = _aggregate(bad)
        if tamper == "value":
            node["aggregate"]["value"] = 2
        elif tamper == "drop":
            node["children"].pop()
        else:
            node["aggregate"]["digest"] = "0" * 64
        assert verify_verdict_json(repo, bad), tamper


def test_many_tuples_are_pinned_by_a_digest_and_still_verified(tmp_path):
    repo = _repo(tmp_path, importers=60, limit=50)
    result = govern(repo, "check", "--rev", "HEAD", "--verify", "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    node = _aggregate(data)
    assert node["aggregate"]["count"] == 60 and node["children"] == []
    text = govern(repo, "check", "--rev", "HEAD").stdout
    assert "count = 60 over 60 tuples" in text and "not listed" in text


def test_recorded_note_verifies_through_why(tmp_path):
    repo = _repo(tmp_path, importers=3)
    assert govern(repo, "record", "HEAD").returncode in (0, 1)
    result = govern(repo, "why", "HEAD", "--verify")
    assert result.returncode in (0, 1), result.stderr
    assert "count = 3" in result.stdout
