import pytest

from govern.datalog import naive
from govern.datalog.program import NotStratifiable, plan, strata
from tests.unit.datalog_helpers import program


def test_negation_and_mixed_comparisons():
    rules = program(
        'ok(X) :- v(X), not bad(X).\n'
        'small(X) :- v(X), X < "a".\n'
        'big(X) :- v(X), X >= "b".\n'
    )
    facts = {"v": {(1,), (-3,), ("a",), ("b",), ("",)}, "bad": {(1,)}}
    out = naive.evaluate(rules, facts, ["ok", "small", "big"])
    assert out["ok"] == [(-3,), ("",), ("a",), ("b",)]
    assert out["small"] == [(-3,), (1,), ("",)]  # every int sorts before every string
    assert out["big"] == [("b",)]


def test_recursion_and_ranks():
    rules = program("path(X, Y) :- edge(X, Y).\npath(X, Z) :- edge(X, Y), path(Y, Z).\n")
    model = naive.solve(rules, {"edge": {("a", "b"), ("b", "c"), ("c", "d")}})
    assert model.rank("path", ("a", "b")) == 1
    assert model.rank("path", ("a", "c")) == 2
    assert model.rank("path", ("a", "d")) == 3
    assert model.rank("edge", ("a", "b")) == 0


def test_recursion_through_negation_is_refused():
    rules = program("p(X) :- v(X), not q(X).\nq(X) :- v(X), not p(X).\n")
    with pytest.raises(NotStratifiable):
        strata(rules)


def test_plan_binds_before_filters():
    (rule,) = program('h(X) :- X != "a", not n(X), v(X).')
    order = plan(rule.body)
    assert str(order[0]) == "v(X)"
