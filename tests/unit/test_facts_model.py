"""Fact and Source: tuples underneath, with the behaviour of the frozen dataclasses they replaced."""
from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError

import pytest

from govern.facts.model import Fact, Source, new_fact, new_source

SRC = Source("python", "src/a.py", 3, "abc")
FACT = Fact("imports", ("a", "b"), SRC)


def test_fields_by_name_position_and_keyword():
    assert Source(extractor="python", path="src/a.py", line=3, blob="abc") == SRC
    assert Source("files", "x", 0).blob == ""
    assert (FACT.relation, FACT.args, FACT.source) == ("imports", ("a", "b"), SRC)
    assert FACT.key() == ("imports", ("a", "b"))
    assert SRC.location() == "src/a.py:3" and Source("files", "x", 0).location() == "x"
    assert repr(FACT) == ("Fact(relation='imports', args=('a', 'b'), "
                          "source=Source(extractor='python', path='src/a.py', line=3, blob='abc'))")


def test_equal_and_hashed_field_by_field_only_within_the_class():
    assert FACT == Fact("imports", ("a", "b"), Source("python", "src/a.py", 3, "abc"))
    assert hash(FACT) == hash(("imports", ("a", "b"), ("python", "src/a.py", 3, "abc")))
    plain = ("imports", ("a", "b"), SRC)
    assert FACT != plain and plain != FACT and not FACT == plain and not plain == FACT
    assert SRC != ("python", "src/a.py", 3, "abc") and FACT != SRC and SRC != FACT
    assert len({FACT, plain}) == 2
    assert FACT != None  # noqa: E711


def test_ordered_field_by_field_and_never_against_other_types():
    sources = [Source("b", "", 0), Source("a", "z", 1), Source("a", "z", 0, "x"), Source("a", "y", 9)]
    assert sorted(sources) == sorted(sources, key=lambda s: (s.extractor, s.path, s.line, s.blob))
    assert Source("a", "z", 0) < Source("a", "z", 0, "x") <= Source("a", "z", 0, "x")
    assert Fact("a", ("x",), SRC) < Fact("a", ("x",), Source("python", "src/a.py", 4, ""))
    for left, right in [(SRC, ("python",)), (("python",), SRC), (FACT, SRC), (SRC, 1)]:
        with pytest.raises(TypeError):
            left < right  # noqa: B015


def test_immutable():
    with pytest.raises(FrozenInstanceError):
        FACT.relation = "x"
    with pytest.raises(FrozenInstanceError):
        SRC.extra = 1
    with pytest.raises(FrozenInstanceError):
        del SRC.line


def test_copies_and_fast_constructors():
    assert pickle.loads(pickle.dumps(FACT)) == FACT and type(pickle.loads(pickle.dumps(FACT)).source) is Source
    assert copy.deepcopy(FACT) == FACT
    built = new_fact(("imports", ("a", "b"), new_source(("python", "src/a.py", 3, "abc"))))
    assert built == FACT and type(built) is Fact and type(built.source) is Source
