from govern.facts.model import Fact, Source
from govern.datalog.store import COMPUTED, FactStore


def test_keeps_smallest_source_and_dedupes():
    big, small = Source("python", "b.py", 9, "x"), Source("python", "a.py", 3, "y")
    store = FactStore([Fact("imports", ("a", "b"), big), Fact("imports", ("a", "b"), small)])
    assert len(store) == 1
    assert store.source("imports", ("a", "b")) == small
    assert store.fact("imports", ["a", "b"]) == Fact("imports", ("a", "b"), small)
    assert store.source("imports", ("b", "a")) is None


def test_lookup_by_bound_positions_in_value_order():
    src = Source("t", "f.py", 1)
    store = FactStore(Fact("p", row, src) for row in [("a", "z"), ("a", 2), ("b", 1), ("a", "b")])
    assert store.lookup("p", {0: "a"}) == [("a", 2), ("a", "b"), ("a", "z")]
    assert store.lookup("p", {1: 1}) == [("b", 1)]
    assert store.lookup("p", {}) == [("a", 2), ("a", "b"), ("a", "z"), ("b", 1)]
    assert store.lookup("missing", {0: "a"}) == []
    store.add("p", ("a", 0), src)  # indexes are rebuilt after a change
    assert store.lookup("p", {0: "a"})[0] == ("a", 0)


def test_computed_rows_and_mapping():
    store = FactStore()
    store.add_rows("reaches", [("a", "c")])
    assert store.source("reaches", ("a", "c")) == COMPUTED
    assert store.as_mapping() == {"reaches": {("a", "c")}}
    assert store.relations() == ["reaches"]
    assert [f.args for f in store.facts()] == [("a", "c")]
