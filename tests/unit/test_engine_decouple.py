from govern.datalog.decouple import constant_columns, decouple
from govern.datalog.engine import get_engine
from tests.unit.datalog_helpers import program

RULES = (
    'layer(M, 0, "") :- under(M, "a").\n'
    'layer(M, 1, "") :- under(M, "b").\n'
    'violation("r", M, "up") :- layer(M, Low, C), reaches(M, D), layer(D, High, C), Low > High.\n'
)
FACTS = {"under": {("x", "b"), ("y", "a")}, "reaches": {("x", "y"), ("y", "x")}}


def test_constant_columns_from_facts_and_heads():
    constant = constant_columns(program(RULES), FACTS)
    assert constant["layer"] == {2}
    assert constant["under"] == set()


def test_join_on_a_constant_column_becomes_comparisons():
    rules = program(RULES)
    rewritten = decouple(rules[2], constant_columns(rules, FACTS))
    assert str(rewritten).endswith("Low > High, ~d0 <= C, ~d0 >= C.")
    assert "layer(D, High, ~d0)" in str(rewritten)


def test_answers_unchanged():
    rules = program(RULES)
    assert get_engine("clingo").evaluate(rules, FACTS, ["violation"]) == \
        get_engine("naive").evaluate(rules, FACTS, ["violation"]) == {"violation": [("r", "x", "", "up")]}
