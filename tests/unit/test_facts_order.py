"""sort_facts: Fact order (relation, args, source fields), duplicates dropped, for any values."""
from __future__ import annotations

import random

import pytest

from govern.facts.model import Fact, Source
from govern.facts.order import sort_facts

STRINGS = ["", "a", "a\0b", "a\0", "ab", "b", "\0", "é", "a.b", "a b"]


def random_facts(rng: random.Random, with_ints: bool) -> list[Fact]:
    facts = []
    for _ in range(rng.randrange(0, 80)):
        relation = rng.choice(["imports", "module", "r\0", "n"] if not with_ints else ["n", "m"])
        if relation in ("n", "m") and with_ints:
            args = tuple(rng.randrange(-3, 12) for _ in range(rng.randrange(0, 3)))
        else:
            args = tuple(rng.choice(STRINGS) for _ in range(rng.randrange(0, 3)))
        source = Source(rng.choice(["python", "x\0"]), rng.choice(STRINGS), rng.randrange(0, 4), rng.choice(["", "b1"]))
        facts.append(Fact(relation, args, source))
    facts += rng.sample(facts, len(facts) // 3)  # exact duplicates
    rng.shuffle(facts)
    return facts


@pytest.mark.parametrize("seed", range(200))
def test_sort_facts_is_sorted_set(seed):
    rng = random.Random(seed)
    facts = random_facts(rng, with_ints=seed % 4 == 0)
    assert sort_facts(facts) == sorted(set(facts))


def test_same_relation_and_args_ordered_by_source():
    a, b = Source("python", "p.py", 9, "x"), Source("python", "p.py", 10, "x")
    facts = [Fact("imports", ("m", "os"), b), Fact("imports", ("m", "os"), a), Fact("imports", ("m", "os"), b)]
    assert sort_facts(facts) == [Fact("imports", ("m", "os"), a), Fact("imports", ("m", "os"), b)]
