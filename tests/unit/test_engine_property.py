"""Differential test: random small stratified programs give the same answers in every engine."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govern.datalog.engine import get_engine
from govern.datalog.model import COMPARISON_OPS, Atom, Comparison, Const, Literal, Origin, Rule, Var

VALUES = [0, 1, 2, -1, "a", "b", "B", ""]
BASE = {"e": 2, "f": 1}
VARS = ["X", "Y", "Z"]
ORIGIN = Origin("ADR-0001", "r", "adr/0001-x.md", 1, "")


@st.composite
def programs(draw):
    n_derived = draw(st.integers(1, 3))
    derived = {f"d{i}": draw(st.integers(1, 2)) for i in range(n_derived)}
    level = {p: draw(st.integers(0, 1)) for p in derived}
    rules = []
    for pred, arity in derived.items():
        for _ in range(draw(st.integers(1, 2))):
            rules.append(draw(rule_for(pred, arity, derived, level)))
    facts = {
        rel: set(draw(st.lists(st.tuples(*[st.sampled_from(VALUES)] * arity), max_size=8)))
        for rel, arity in BASE.items()
    }
    return rules, facts, sorted(derived)


@st.composite
def rule_for(draw, pred, arity, derived, level):
    positive_preds = dict(BASE) | {p: a for p, a in derived.items() if level[p] <= level[pred]}
    negative_preds = dict(BASE) | {p: a for p, a in derived.items() if level[p] < level[pred]}
    body = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(positive_preds)))
        body.append(Literal(Atom(name, tuple(draw(term()) for _ in range(positive_preds[name])))))
    bound = sorted({v for lit in body for v in lit.atom.variables()})
    if bound and draw(st.booleans()):
        name = draw(st.sampled_from(sorted(negative_preds)))
        args = tuple(draw(bound_term(bound)) for _ in range(negative_preds[name]))
        body.append(Literal(Atom(name, args), negated=True))
    if bound and draw(st.booleans()):
        op = draw(st.sampled_from(COMPARISON_OPS))
        body.append(Comparison(op, draw(bound_term(bound)), draw(bound_term(bound))))
    head_args = tuple(draw(bound_term(bound)) if bound else Const(draw(st.sampled_from(VALUES))) for _ in range(arity))
    return Rule(Atom(pred, head_args), tuple(body), ORIGIN)


def term():
    return st.one_of(st.sampled_from([Var(v) for v in VARS]), st.sampled_from([Const(v) for v in VALUES]))


def bound_term(bound):
    return st.one_of(st.sampled_from([Var(v) for v in bound]), st.sampled_from([Const(v) for v in VALUES]))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_engines_agree_with_naive(program):
    rules, facts, goals = program
    expected = get_engine("naive").evaluate(rules, facts, goals)
    for name in ("pydatalog", "clingo"):
        assert get_engine(name).evaluate(rules, facts, goals) == expected, name


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_every_answer_has_a_proof_that_checks(program):
    from govern.facts.model import Fact, Source
    from govern.datalog.check import Checker
    from govern.datalog.proof import Proof, ground_atom
    from govern.datalog.prover import Prover
    from govern.datalog.store import FactStore

    rules, facts, goals = program
    store = FactStore(Fact(rel, row, Source("t", f"{rel}.py", 1)) for rel, rows in facts.items() for row in rows)
    answers = get_engine("naive").evaluate(rules, facts, goals)
    prover, checker = Prover(rules, store), Checker(rules, store)
    for goal in goals:
        for row in answers[goal]:
            proof = prover.prove(ground_atom(goal, row))
            assert checker.check(proof) == []
            assert Proof.from_json(proof.to_json()) == proof


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.data())
def test_narrowed_evaluation_keeps_every_answer_and_proof(program, data):
    """The facts handed to the engine and the prover are narrowed (base literals, helper
    rules seeded by what their callers ask): the goals' answers and proofs do not change."""
    from govern.facts.model import Fact, Source
    from govern.datalog.check import Checker
    from govern.datalog.evaluate import evaluate_with_proofs
    from govern.datalog.store import FactStore

    rules, facts, derived = program
    goals = data.draw(st.lists(st.sampled_from(derived), min_size=1, unique=True).map(sorted))
    store = FactStore(Fact(rel, row, Source("t", f"{rel}.py", 1)) for rel, rows in facts.items() for row in rows)
    expected = get_engine("naive").evaluate(rules, facts, goals)
    for engine in ("naive", "pydatalog"):
        result = evaluate_with_proofs(rules, store, engine, goals)
        assert {g: result.answers.get(g, []) for g in goals} == expected, engine
        checker = Checker(rules, store)
        for proof in result.proofs.values():
            assert checker.check(proof) == []
