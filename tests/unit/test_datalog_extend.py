"""naive.extend: what adding facts derives, from the additions alone, equals solving again."""
from __future__ import annotations

import random

import pytest

from govern.datalog import naive
from tests.unit.datalog_helpers import program

RULES = program(
    'path(X, Y) :- edge(X, Y).\n'
    'path(X, Z) :- edge(X, Y), path(Y, Z).\n'
    'hot(X) :- path(X, X).\n'
    'pair(X, Y) :- path(X, Y), tag(Y, "t"), not cold(X).\n'
    'bad(X, N) :- hot(X), tag(X, N).\n'
)


def random_facts(rng: random.Random) -> dict[str, set[tuple]]:
    nodes = [f"n{i}" for i in range(8)]
    return {
        "edge": {(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.randrange(1, 12))},
        "tag": {(rng.choice(nodes), rng.choice(["t", "u"])) for _ in range(rng.randrange(0, 6))},
        "cold": {(rng.choice(nodes),) for _ in range(rng.randrange(0, 3))},
    }


@pytest.mark.parametrize("seed", range(60))
def test_extend_gives_what_solving_again_adds(seed):
    rng = random.Random(seed)
    facts, more = random_facts(rng), random_facts(rng)
    more.pop("cold")  # `cold` is read under `not`: adding to it is not monotone
    assert naive.grows_only(RULES, set(more))
    before = naive.solve(RULES, facts)
    frozen = {pred: set(table.rows) for pred, table in before.tables.items()}
    grown = naive.extend(before, RULES, more)
    after = naive.solve(RULES, {p: facts.get(p, set()) | more.get(p, set()) for p in facts.keys() | more.keys()})
    for pred in ("edge", "tag", "path", "hot", "pair", "bad"):
        assert grown.get(pred, set()) == after.rows(pred) - before.rows(pred), pred
    assert {pred: set(table.rows) for pred, table in before.tables.items()} == frozen  # left as it was


def test_negated_or_aggregated_inputs_are_not_monotone():
    assert not naive.grows_only(RULES, {"cold"})
    counted = program('n(X, C) :- v(X), C = count { Y : e(X, Y) }.\n')
    assert not naive.grows_only(counted, {"e"})
    assert naive.grows_only(counted, {"w"})
