"""Differential tests for aggregates: random programs, every engine against the naive evaluator,
the naive evaluator against a brute-force oracle, and every proof checked."""
from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govern.datalog.check import Checker
from govern.datalog.engine import get_engine
from govern.datalog.model import aggregate_value, value_key
from govern.datalog.proof import ground_atom
from govern.datalog.prover import Prover
from govern.datalog.store import FactStore
from govern.facts.model import Fact, Source
from govern.rules.parser import parse_program

VALUES = [0, 1, 2, 5, -3, "a", "b", ""]
# Inner literals over G (group), Y and Z; each entry: (text, python test over the bound values).
INNER = {
    "e(G, Y)": lambda m, g, y, z: (g, y) in m["e"],
    "e(Y, Z)": lambda m, g, y, z: (y, z) in m["e"],
    "d(G, Z)": lambda m, g, y, z: (g, z) in m["d"],
    "not f(Y)": lambda m, g, y, z: (y,) not in m["f"],
    "Y != Z": lambda m, g, y, z: y != z,
    "Y < Z": lambda m, g, y, z: value_key(y) < value_key(z),
}
FIRST = ["e(G, Y)", "d(G, Y)"]  # binds Y (and uses the group)
FIRST_TEST = {"e(G, Y)": lambda m, g, y, z: (g, y) in m["e"], "d(G, Y)": lambda m, g, y, z: (g, y) in m["d"]}


@st.composite
def programs(draw):
    op = draw(st.sampled_from(["count", "sum", "min", "max"]))
    first = draw(st.sampled_from(FIRST))
    extra = draw(st.lists(st.sampled_from(sorted(INNER)), max_size=2, unique=True))
    if any("Z" in x for x in extra) and not any(x in ("e(Y, Z)", "d(G, Z)") for x in extra):
        extra = ["e(Y, Z)"] + extra
    extra.sort(key=lambda x: x.startswith("not") or "!" in x or "<" in x)  # readable, order is free
    has_z = any("Z" in x for x in extra)
    elements = draw(st.sampled_from([["Y"], ["Y", "Z"], ["Z", "Y"]] if has_z else [["Y"]]))
    limit = draw(st.sampled_from(VALUES))
    text = (
        "d(X, Y) :- e(X, Y).\nd(X, Z) :- d(X, Y), e(Y, Z).\n"
        f"a(G, N) :- f(G), N = {op} {{ {', '.join(elements)} : {', '.join([first] + extra)} }}.\n"
        f"b(G) :- a(G, N), N > {limit if isinstance(limit, int) else chr(34) + limit + chr(34)}.\n"
        "c(G) :- f(G), not b(G).\n"
    )
    facts = {
        "e": set(draw(st.lists(st.tuples(st.sampled_from(VALUES), st.sampled_from(VALUES)), max_size=10))),
        "f": set(draw(st.lists(st.tuples(st.sampled_from(VALUES)), max_size=4))),
    }
    return text, facts, (op, first, extra, elements)


def _closure(edges):
    out = set(edges)
    while True:
        more = {(a, d) for a, b in out for c, d in edges if b == c} - out
        if not more:
            return out
        out |= more


def oracle(facts, shape):
    """a(G, N) by brute force over every value of Y and Z."""
    op, first, extra, elements = shape
    model = {"e": facts["e"], "f": facts["f"], "d": _closure(facts["e"])}
    domain = sorted({v for rows in facts.values() for row in rows for v in row}, key=value_key)
    out = set()
    for (g,) in facts["f"]:
        tuples = set()
        for y, z in itertools.product(domain, domain):
            if FIRST_TEST[first](model, g, y, z) and all(INNER[x](model, g, y, z) for x in extra):
                tuples.add(tuple({"Y": y, "Z": z}[e] for e in elements))
        value = aggregate_value(op, tuples)
        if value is not None:
            out.add((g, value))
    return out


SETTINGS = settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(programs())
def test_naive_matches_the_oracle_and_engines_match_naive(program):
    text, facts, shape = program
    rules = parse_program(text, "t.md")
    goals = ["a", "b", "c"]
    expected = get_engine("naive").evaluate(rules, facts, goals)
    assert set(expected["a"]) == oracle(facts, shape), text
    for name in ("pydatalog", "clingo"):
        assert get_engine(name).evaluate(rules, facts, goals) == expected, (name, text)


@SETTINGS
@given(programs())
def test_every_answer_has_a_proof_that_checks(program):
    text, facts, _ = program
    rules = parse_program(text, "t.md")
    store = FactStore(Fact(rel, row, Source("t", f"{rel}.py", 1)) for rel, rows in facts.items() for row in rows)
    answers = get_engine("naive").evaluate(rules, facts, ["a", "b", "c"])
    prover, checker = Prover(rules, store), Checker(rules, store)
    for goal, rows in answers.items():
        for row in rows:
            proof = prover.prove(ground_atom(goal, row))
            assert checker.check(proof) == [], (text, goal, row)
