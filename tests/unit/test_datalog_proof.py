import dataclasses
import json
import os
import subprocess
import sys

import pytest

from govern.facts.model import Source
from govern.datalog import reaches
from govern.datalog.check import check_proof
from govern.datalog.model import Comparison, Const
from govern.datalog.proof import Proof, content_id, ground_atom, prove
from govern.datalog.prover import NotProvable
from govern.datalog.render import render_tree
from tests.unit.datalog_helpers import program, store_of

RULES = (
    "dep(X, Y) :- depends(X, Y).\n"
    "dep(X, Z) :- dep(X, Y), depends(Y, Z).\n"
    'violation("cycle", F, "import cycle") :- module(M, F), dep(M, M), not waived(M), M != "z".\n'
    'violation("far", F, "low reaches high") :- module(S, F), under(S, "low"), reaches(S, D), under(D, "high").\n'
)
FACTS = {
    "module": [("a", "a.py"), ("b", "b.py"), ("low.x", "low/x.py")],
    "depends": [("a", "b"), ("b", "c"), ("c", "a")],
    "waived": [("c",)],
    "imports": [("low.x", "mid.y"), ("mid.y", "high.z")],
    "under": [("low.x", "low"), ("high.z", "high")],
}


@pytest.fixture
def setup():
    rules, store = program(RULES), store_of(FACTS)
    reaches.materialize(rules, store)
    return rules, store


def test_rule_proof_with_derived_premises_checks(setup):
    rules, store = setup
    proof = prove(ground_atom("violation", ["cycle", "a.py", "", "import cycle"]), rules, store)
    assert proof.kind == "rule" and proof.origin.line == 3
    assert [c.kind for c in proof.children] == ["fact", "rule", "absence", "comparison"]
    assert dict(proof.bindings) == {"F": "a.py", "M": "a"}
    assert check_proof(proof, rules, store) == []


def test_reaches_proof_is_the_import_chain(setup):
    rules, store = setup
    proof = prove(ground_atom("violation", ["far", "low/x.py", "", "low reaches high"]), rules, store)
    chain = proof.children[2]
    assert chain.kind == "reaches"
    assert [c.conclusion.args[1].value for c in chain.children] == ["mid.y", "high.z"]
    assert check_proof(proof, rules, store) == []
    text = render_tree(proof)
    assert "reaches low.x (imports.py:1) → mid.y (imports.py:2) → high.z" in text
    assert "module(\"low.x\", \"low/x.py\")  module.py:3" in text


def test_render_shows_rule_bindings_and_absence(setup):
    rules, store = setup
    text = render_tree(prove(ground_atom("violation", ["cycle", "a.py", "", "import cycle"]), rules, store))
    assert text.splitlines()[0].endswith("ADR-0001 cycle  adr/0001-x.md:3")
    assert 'F = "a.py", M = "a"' in text
    assert 'not waived("a"): not in the facts, not derivable' in text
    assert '"a" != "z"' in text


def test_not_provable(setup):
    rules, store = setup
    with pytest.raises(NotProvable):
        prove(ground_atom("violation", ["cycle", "zzz.py", "", "import cycle"]), rules, store)


def test_json_round_trip_and_ids(setup):
    rules, store = setup
    proof = prove(ground_atom("violation", ["cycle", "a.py", "", "import cycle"]), rules, store)
    data = json.loads(proof.dumps())
    back = Proof.from_json(data)
    assert back == proof and back.dumps() == proof.dumps()
    assert proof.id == content_id(proof) and len(proof.id) == 64
    assert "." not in json.dumps(data["children"][3]["comparison"])  # no floats anywhere


def test_to_json_memo_converts_shared_sub_proofs_once(setup):
    rules, store = setup
    from govern.datalog.prover import Prover

    prover = Prover(rules, store)
    goals = [["cycle", "a.py", "", "import cycle"], ["cycle", "b.py", "", "import cycle"]]
    proofs = [prover.prove(ground_atom("violation", goal)) for goal in goals]
    memo: dict = {}
    shared = [p.to_json(memo) for p in proofs]
    assert [json.dumps(d, sort_keys=True) for d in shared] == [json.dumps(p.to_json(), sort_keys=True) for p in proofs]
    # The `dep` facts both cycles rest on are the same node: one dict, converted once.
    ids = lambda d: [d["id"], *(i for c in d["children"] for i in ids(c))]  # noqa: E731
    common = set(ids(shared[0])) & set(ids(shared[1]))
    assert common
    objects = {}
    for d in shared:
        stack = [d]
        while stack:
            node = stack.pop()
            objects.setdefault(node["id"], set()).add(id(node))
            stack += node["children"]
    assert all(len(objects[i]) == 1 for i in common)


def _tamper(data, path, value):
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


TAMPERINGS = [
    (["conclusion", "args", 1], "b.py"),  # another subject
    (["rule", "line"], 99),  # another origin
    (["rule", "clause"], "violation(X) :- y(X)."),
    (["bindings", "M"], "b"),
    (["children", 0, "source", "line"], 7),  # a fact's source
    (["children", 0, "conclusion", "args", 0], "zz"),
    (["children", 2, "conclusion", "args", 0], "c"),  # absence of something present
    (["children", 3, "comparison", "right"], "a"),  # a false comparison
    (["children", 1, "children", 0, "conclusion", "args", 1], "q"),  # deep inside a sub-proof
    (["id"], "0" * 64),
]


@pytest.mark.parametrize("path,value", TAMPERINGS)
def test_tampering_is_detected(setup, path, value):
    rules, store = setup
    proof = prove(ground_atom("violation", ["cycle", "a.py", "", "import cycle"]), rules, store)
    data = _tamper(proof.to_json(), path, value)
    assert check_proof(Proof.from_json(data), rules, store)


def test_tampered_chain_and_resealed_ids_are_detected(setup):
    rules, store = setup
    proof = prove(ground_atom("violation", ["far", "low/x.py", "", "low reaches high"]), rules, store)
    chain = proof.children[2]
    broken = dataclasses.replace(chain, children=chain.children[1:], id="")
    forged = dataclasses.replace(proof, children=(*proof.children[:2], broken, proof.children[3]), id="")
    assert any("chain" in e for e in check_proof(forged, rules, store))


def test_wrong_kinds_and_invented_facts():
    store = store_of({"v": [("a",)]})
    rules = program('violation("r", X, "m") :- v(X).\n')
    fake = Proof("fact", ground_atom("v", ["b"]), source=Source("test", "v.py", 1, "b0"))
    assert check_proof(fake, rules, store) == ["fact node " + fake.id[:12] + ': v("b") is not a fact']
    bad = Proof("comparison", comparison=Comparison("<", Const("b"), Const(1)))
    assert check_proof(bad, rules, store)


SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from govern.datalog import reaches
from govern.datalog.evaluate import evaluate_with_proofs
from tests.unit.test_datalog_proof import RULES, FACTS
from tests.unit.datalog_helpers import program, store_of
result = evaluate_with_proofs(program(RULES), store_of(FACTS), "naive")
for key in sorted(result.proofs):
    print(result.proofs[key].dumps())
"""


def test_proof_json_is_identical_across_hash_seeds():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    outputs = []
    for seed in ("1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", SCRIPT.format(root=root)], env=env, capture_output=True, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") == 3


def test_a_proof_1500_levels_deep_is_built_converted_checked_and_rendered_without_recursion():
    """Issue 10 item 8: a recursive rule over a 1,500-module chain (each step one level)."""
    from govern.datalog.evaluate import evaluate_with_proofs
    from govern.verdict.proofwalk import fact_leaves, subject_location

    n = 1500
    rules = program('reached(Y) :- imports("m0", Y).\nreached(Z) :- reached(Y), imports(Y, Z).\n'
                    f'violation("deep", F, "far") :- module(M, F), M = "m{n}", reached(M).\n')
    facts = {"imports": [(f"m{i}", f"m{i + 1}") for i in range(n)], "module": [(f"m{n}", f"m{n}.py")]}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)  # far below the depth: any recursion over the chain would fail
    try:
        result = evaluate_with_proofs(rules, store_of(facts), "naive")
        (proof,) = result.proofs.values()
        data = proof.to_json()
        back = Proof.from_json(data)
        assert back == proof and back.id == proof.id
        assert check_proof(back, rules, store_of(facts)) == []
        assert len(fact_leaves(data)) == n + 1 and subject_location(data, f"m{n}.py") == f"m{n}.py"
        assert render_tree(back).startswith('violation("deep", "m1500.py", "", "far")')
    finally:
        sys.setrecursionlimit(limit)
    depth, stack = 0, [(data, 0)]
    while stack:
        node, level = stack.pop()
        depth = max(depth, level)
        stack += [(child, level + 1) for child in node["children"]]
    assert depth == n + 1  # violation, then one `reached` node per module of the chain, then a fact
