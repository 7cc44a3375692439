"""Packed notes (issue 12 item 6): exact round trip, canonical bytes, format-1 notes still read,
no recursion on a proof thousands of levels deep, hostile packed notes refused clearly."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from govern.datalog.proof import Proof
from govern.errors import UsageError
from govern.notes.codec import decode, encode, note_bytes, upgraded
from govern.notes.packed import pack, unpack
from govern.verdict import proof_table
from govern.verdict.model import AdrInfo, Finding, RuleInfo, Verdict
from govern.verdict.render_json import render_json
from tests.unit.datalog_helpers import program, store_of

CASES = Path(__file__).resolve().parents[1] / "cases"
FORMAT_1 = Path(__file__).resolve().parents[1] / "data" / "note-format-1.json"


def _golden() -> list[dict]:
    return [json.loads(p.read_text()) | {"govern": "0", "engine": "naive"} for p in sorted(CASES.glob("*/expected.json"))]


@pytest.mark.parametrize("verdict", _golden(), ids=lambda v: str(v.get("commit"))[:8])
def test_every_golden_verdict_packs_and_unpacks_exactly(verdict):
    body = note_bytes(verdict)
    assert decode(body) == verdict
    assert note_bytes(decode(body)) == body  # canonical: the same bytes again
    assert len(body) <= len(encode(verdict)) + 100  # the packed tables cost a few bytes when empty


def test_findings_and_nodes_that_do_not_follow_are_written_out_and_come_back():
    verdict = _golden()[0]
    [case] = [v for v in _golden() if v["exemptions"]][:1]
    weird = json.loads(json.dumps(case))
    finding = weird["exemptions"][0]
    finding["location"] = "somewhere/else.py:99"  # not what its proof gives: written as an object
    weird["violations"].append(dict(weird["exemptions"][0], rule="no-such-rule", proof=None, new=False))
    node = weird["proofs"][finding["proof"]]
    node["extra"] = [1.5, True]  # a node no packed shape holds: written verbatim
    back = decode(note_bytes(weird))
    assert back["exemptions"][0]["location"] == "somewhere/else.py:99" and back["violations"][-1]["proof"] is None
    assert back["proofs"][back["exemptions"][0]["proof"]]["extra"] == [1.5, True]
    assert decode(note_bytes(verdict)) == verdict


def test_the_bytes_do_not_depend_on_the_order_of_the_proof_table():
    for verdict in _golden():
        items = list(verdict["proofs"].items())
        random.Random(7).shuffle(items)
        assert note_bytes(dict(verdict, proofs=dict(items))) == note_bytes(verdict)


SCRIPT = """
import json, sys
from pathlib import Path
from govern.notes.codec import note_bytes
for p in sorted(Path({cases!r}).glob("*/expected.json")):
    sys.stdout.buffer.write(note_bytes(json.loads(p.read_text())))
"""


def test_the_bytes_do_not_depend_on_the_hash_seed():
    outputs = set()
    for seed in ("1", "2", "random"):
        done = subprocess.run([sys.executable, "-c", SCRIPT.format(cases=str(CASES))], capture_output=True, check=True,
                              env=dict(os.environ, PYTHONHASHSEED=seed))
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_a_format_1_note_still_reads():
    old = json.loads(FORMAT_1.read_text())
    assert old["format"] == 1 and isinstance(old["violations"][0]["proof"], dict)
    now = decode(FORMAT_1.read_bytes())
    assert now["format"] == 2 and all(isinstance(f["proof"], str) for f in now["violations"] + now["exemptions"])
    assert Verdict.from_json(now).to_json() == Verdict.from_json(old).to_json() == now
    assert upgraded(old) == now


def test_a_proof_thousands_of_levels_deep_needs_no_recursion():
    from govern.datalog.check import check_proof
    from govern.datalog.evaluate import evaluate_with_proofs

    n = 3000
    rules = program('reached(Y) :- imports("m0", Y).\nreached(Z) :- reached(Y), imports(Y, Z).\n'
                    f'violation("deep", F, "", "far") :- module(M, F), M = "m{n}", reached(M).\n')
    facts = {"imports": [(f"m{i}", f"m{i + 1}") for i in range(n)], "module": [(f"m{n}", f"m{n}.py")]}
    result = evaluate_with_proofs(rules, store_of(facts), "naive")
    (proof,) = result.proofs.values()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(300)  # far below the depth: any recursion over the chain fails
    try:
        found = Finding("deep", "ADR-0001", "Deep", f"m{n}.py", f"m{n}.py", "far", "block", True, proof.to_json())
        verdict = Verdict("0", "naive", "commit", "c" * 40, "t" * 40, None, "2026-01-01",
                          adrs=(AdrInfo("ADR-0001", "Deep", "accepted", "adr/0001.md", "b" * 40),),
                          rules=(RuleInfo("deep", "ADR-0001", "datalog", "block", True, None, "far", "adr/0001.md:5"),),
                          violations=(found,))
        text = render_json(verdict)  # the check's JSON: one flat object per node
        body = note_bytes(verdict.to_json())
        back = Verdict.from_json(decode(body))
        assert json.loads(text) == decode(body) and len(body) < len(text) / 3
        node = Proof.from_json(back.violations[0].proof)
        assert node.id == proof.id and check_proof(node, rules, store_of(facts)) == []
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize("change", [
    {"nodes": [[0, [5]]]}, {"values": [[99, "x"]]}, {"values": [{"a": 1}]}, {"violations": ["x"]},
    {"violations": [5]}, {"version": 2}, {"shapes": [[2, 99]]}, {"nodes": [[-1]] * 3}, {"files": [[0]]},
    {"clauses": [{}]}, {"nodes": "x"},
])
def test_a_malformed_packed_note_is_refused_clearly(change):
    verdict = next(v for v in _golden() if v["violations"])
    note = json.loads(note_bytes(verdict))
    note["packed"].update(change)
    with pytest.raises(UsageError, match="not a valid verdict note"):
        decode(json.dumps(note).encode())


def test_a_proof_table_with_a_cycle_or_a_missing_node_is_refused():
    table = {"a": {"kind": "rule", "children": ["b"]}, "b": {"kind": "rule", "children": ["a"]}}
    with pytest.raises(ValueError, match="its own descendant"):
        proof_table.nested(table, "a", {})
    with pytest.raises(ValueError, match="not in the proof table"):
        proof_table.nested({"a": {"kind": "fact", "children": ["zz"]}}, "a", {})
    with pytest.raises(ValueError, match="two different proof nodes"):
        proof_table.add({"x": {"kind": "fact", "children": []}}, {"id": "x", "kind": "absence", "children": []})


def test_pack_of_an_empty_verdict():
    verdict = {"format": 2, "verdict": "allow", "violations": [], "exemptions": [], "proofs": {}}
    assert unpack(pack(verdict)) == verdict


def test_every_key_of_a_packed_note_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "json-format.md").read_text()
    verdict = next(v for v in _golden() if v["violations"])
    for key in pack(verdict)["packed"]:
        assert f"| `{key}` |" in doc, key
