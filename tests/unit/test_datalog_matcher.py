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
