import random

from govern.datalog import reaches
from govern.datalog.graph import Graph
from tests.unit.datalog_helpers import program, store_of


def closure(edges):
    succ = {}
    for a, b in edges:
        succ.setdefault(a, set()).add(b)
    out = set()
    for start in {a for a, _ in edges}:
        seen, todo = set(), list(succ.get(start, ()))
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(succ.get(n, ()))
        out |= {(start, n) for n in seen}
    return out


def test_pairs_match_brute_force_closure_on_random_graphs():
    rng = random.Random(7)
    for _ in range(20):
        nodes = [f"m{i}" for i in range(12)]
        edges = {(rng.choice(nodes), rng.choice(nodes)) for _ in range(20)}
        assert Graph(edges).pairs(None, None) == closure(edges)
        sources, targets = set(nodes[:4]), set(nodes[6:])
        assert Graph(edges).pairs(sources, targets) == {
            (s, t) for s, t in closure(edges) if s in sources and t in targets
        }


def test_nearest_gives_one_witness_per_source():
    edges = {("a", "b"), ("b", "x1"), ("a", "x2"), ("c", "b"), ("x1", "x1")}
    near = Graph(edges).nearest(None, {"x1", "x2"})
    assert near == {("a", "x2"), ("b", "x1"), ("c", "x1"), ("x1", "x1")}


LAYERS = {
    "module": [("app.low.a", "app/low/a.py"), ("app.low.b", "app/low/b.py"), ("app.mid.c", "app/mid/c.py")],
    "imports": [("app.low.a", "app.mid.c"), ("app.mid.c", "app.high.d"), ("app.low.b", "app.low.a"),
                ("app.high.d", "app.high.e")],
    "under": [("app.low.a", "app.low"), ("app.low.b", "app.low"), ("app.high.d", "app.high"),
              ("app.high.e", "app.high")],
}


def test_materialize_projects_when_the_target_is_only_restricted():
    store = store_of(LAYERS)
    rules = program(
        'violation("layers", F, "low reaches high") :- module(S, F), under(S, "app.low"), '
        'reaches(S, D), under(D, "app.high").\n'
    )
    assert reaches.materialize(rules, store) == 2
    assert store.rows("reaches") == {("app.low.a", "app.high.d"), ("app.low.b", "app.high.d")}


def test_materialize_all_pairs_when_the_target_is_used():
    store = store_of(LAYERS)
    rules = program(
        'violation("layers", S, D) :- under(S, "app.low"), reaches(S, D), under(D, "app.high").\n'
    )
    reaches.materialize(rules, store)
    assert store.rows("reaches") == {
        ("app.low.a", "app.high.d"), ("app.low.a", "app.high.e"),
        ("app.low.b", "app.high.d"), ("app.low.b", "app.high.e"),
    }


def test_chain_is_shortest_with_sources():
    store = store_of(LAYERS)
    chain = reaches.chain(store, "app.low.b", "app.high.e")
    assert [f.args for f in chain] == [
        ("app.low.b", "app.low.a"), ("app.low.a", "app.mid.c"), ("app.mid.c", "app.high.d"),
        ("app.high.d", "app.high.e"),
    ]
    assert chain[0].source.location() == "imports.py:3"
    assert reaches.chain(store, "app.high.e", "app.low.a") == []


def test_chain_through_a_cycle_back_to_itself():
    store = store_of({"imports": [("a", "b"), ("b", "a")]})
    assert [f.args for f in reaches.chain(store, "a", "a")] == [("a", "b"), ("b", "a")]
    assert reaches.chain(store_of({"imports": [("a", "b")]}), "a", "a") == []


def test_ten_thousand_modules():
    rng = random.Random(1)
    mods = [f"app.l{i // 1000}.m{i}" for i in range(10_000)]
    imports = [(m, mods[rng.randrange(max(0, i - 2000), 10_000)]) for i, m in enumerate(mods) for _ in range(6)]
    under = [(m, "app.l9") for m in mods[9000:]] + [(m, "app.l0") for m in mods[:1000]]
    store = store_of({"imports": imports, "under": under})
    rules = program('violation("r", S, "m") :- under(S, "app.l9"), reaches(S, D), under(D, "app.l0").\n')
    added = reaches.materialize(rules, store)
    assert 0 < added <= 1000
    assert all(s.startswith("app.l9.") and d.startswith("app.l0.") for s, d in store.rows("reaches"))


LAYERED = (
    'layer(M, 0, "app.high") :- under(M, "app.high").\n'
    'layer(M, 1, "app.mid") :- under(M, "app.mid").\n'
    'layer(M, 2, "app.low") :- under(M, "app.low").\n'
    'violation("layers", F, "up") :- module(M, F), layer(M, Low, _), reaches(M, D), layer(D, High, _), Low > High.\n'
)


def test_one_witness_per_source_and_target_class():
    facts = dict(LAYERS)
    facts["under"] = LAYERS["under"] + [("app.mid.c", "app.mid")]
    store = store_of(facts)
    reaches.materialize(program(LAYERED), store)
    # app.low.a reaches app.mid.c (class mid) and app.high.d/e (class high): one witness each.
    assert {r for r in store.rows("reaches") if r[0] == "app.low.a"} == {
        ("app.low.a", "app.mid.c"), ("app.low.a", "app.high.d"),
    }
    # Sources outside every layer are not searched.
    assert all(s.startswith("app.") for s, _ in store.rows("reaches"))


def test_layered_answers_match_the_full_closure():
    from govern.datalog.engine import get_engine

    facts = dict(LAYERS)
    facts["under"] = LAYERS["under"] + [("app.mid.c", "app.mid")]
    rules = program(LAYERED)
    projected = store_of(facts)
    reaches.materialize(rules, projected)
    full = store_of(facts)
    full.add_rows("reaches", closure(full.rows("imports")))
    got = get_engine("naive").evaluate(rules, projected.as_mapping(), ["violation"])
    assert got == get_engine("naive").evaluate(rules, full.as_mapping(), ["violation"])
    assert got["violation"] == [("layers", "app/low/a.py", "", "up"), ("layers", "app/low/b.py", "", "up"),
                                ("layers", "app/mid/c.py", "", "up")]


def _distance(edges, src, dst):
    succ = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
    frontier, seen, depth = [src], set(), 0
    while frontier:
        depth += 1
        nxt = [b for a in frontier for b in succ.get(a, [])]
        if dst in nxt:
            return depth
        frontier = [n for n in nxt if n not in seen]
        seen |= set(nxt)
    return None


def test_chains_are_shortest_valid_and_deterministic_on_random_graphs():
    rng = random.Random(3)
    for _ in range(30):
        nodes = [f"m{i}" for i in range(10)]
        edges = sorted({(rng.choice(nodes), rng.choice(nodes)) for _ in range(18)})
        store = store_of({"imports": edges})
        shuffled = store_of({"imports": list(reversed(edges))})
        for src in nodes:
            for dst in nodes:
                found = reaches.chain(store, src, dst)
                want = _distance(edges, src, dst)
                assert len(found) == (want or 0), (src, dst, edges)
                if found:
                    assert found[0].args[0] == src and found[-1].args[1] == dst
                    assert all(a.args[1] == b.args[0] for a, b in zip(found, found[1:]))
                assert [f.args for f in found] == [f.args for f in reaches.chain(shuffled, src, dst)]
