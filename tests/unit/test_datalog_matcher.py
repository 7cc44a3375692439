"""restrict.matcher(atom, allowed) answers as restrict.matches(atom, row, allowed) for every row."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govern.datalog.model import Atom, Const, Var
from govern.datalog.restrict import matcher, matches

VALUES = st.sampled_from(["a", "b", "", 0, 1, -1, "1"])
TERMS = st.one_of(st.builds(Var, st.sampled_from(["X", "Y", "Z", "_1"])), st.builds(Const, VALUES))


@settings(max_examples=500, deadline=None)
@given(st.lists(TERMS, min_size=0, max_size=4),
       st.dictionaries(st.sampled_from(["X", "Y", "W"]), st.sets(VALUES, max_size=3), max_size=3),
       st.lists(st.lists(VALUES, min_size=0, max_size=5).map(tuple), max_size=12))
def test_matcher_is_matches(args, allowed, rows):
    atom = Atom("p", tuple(args))
    check = matcher(atom, allowed)
    assert [check(r) for r in rows] == [matches(atom, r, allowed) for r in rows]


def test_matching_rows_by_index_are_the_rows_a_scan_keeps():
    """restrict.matching_rows looks a small candidate set up in an index (an optimisation the
    relevance filter now shares with the graph searches' restriction): the rows a scan with
    matches() keeps, whichever way it reads them."""
    from govern.datalog.restrict import matching_rows
    from govern.datalog.store import FactStore
    from govern.facts.model import Fact, Source

    facts = [Fact("imports", (f"m{i % 50}", f"d{i % 7}"), Source("t", f"f{i}.py", 1, "b")) for i in range(400)]
    facts += [Fact("imports", ("m1", "m1"), Source("t", "x.py", 1, "b"))]
    store = FactStore(facts)
    for args, allowed in [((Var("S"), Var("D")), {"S": {"m1", "m2"}}), ((Var("S"), Var("D")), {"D": {"d3"}, "S": {"m3", "m10", "m17"}}),
                          ((Var("S"), Var("S")), {"S": {"m1"}}), ((Const("m1"), Var("D")), {"D": {"d1", "m1"}}),
                          ((Var("S"), Var("D")), {}), ((Var("S"), Var("D")), {"S": set(f"m{i}" for i in range(40))})]:
        atom = Atom("imports", args)
        scanned = {r for r in store.rows("imports") if matches(atom, r, allowed)}
        assert set(matching_rows(store, atom, allowed)) == scanned and len(matching_rows(store, atom, allowed)) == len(scanned)
