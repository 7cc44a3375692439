"""Aggregates in the rule language: parsing, the helper clause, and every check's diagnostics."""
import pytest

from govern.datalog.model import Aggregate, aggregate_value
from govern.errors import AdrError
from govern.rules.parser import parse_program, parse_query
from tests.unit.test_rules_checks import load, problems


def test_parsed_into_an_item_and_a_helper_clause():
    outer, helper = parse_program('fan(M, N) :- mod(M), N = count { S, _ : imp(S, M, _) }.', "a.md", 7)
    agg = outer.body[1]
    assert isinstance(agg, Aggregate) and agg.op == "count" and agg.pred == "aggregate@7:22"
    assert [v.name for v in agg.group] == ["M"] and agg.width == 2
    assert str(helper) == "aggregate@7:22(M, S, _1) :- imp(S, M, _2)."
    assert helper.origin.text == str(agg) == "N = count { S, _1 : imp(S, M, _2) }"


def test_aggregate_words_stay_usable_as_predicate_names():
    [rule] = parse_program("count(X) :- sum(X), min(X), max(X).", "a.md")
    assert [b.atom.pred for b in rule.body] == ["sum", "min", "max"]


@pytest.mark.parametrize("op, rows, value", [
    ("count", [], 0), ("count", [(1,), (1,), (2,)], 2), ("sum", [(2, "a"), (2, "b"), ("x", "c")], 4),
    ("sum", [], 0), ("min", [], None), ("min", [("b",), (3,)], 3), ("max", [("b",), (3,), ("a",)], "b"),
])
def test_values(op, rows, value):
    assert aggregate_value(op, rows) == value


def test_a_valid_block_namespaces_the_helper():
    adrs = load('violation("r", F, "m") :- module(M, F), N = count { S : imports(S, M) }, N > 1.')
    [spec] = adrs.rules()
    assert sorted(r.head.pred for r in spec.rules) == ["adr_0007__aggregate@9:41", "violation"]
    assert spec.rules[0].body[1].pred == "adr_0007__aggregate@9:41"


@pytest.mark.parametrize("block, expected", [
    ('violation("r", F, "m") :- module(M, F), N = count { S : imports(S, D) }, N > D.',
     "unsafe variable D in an aggregate (a group variable): it must also occur in a positive body literal outside the aggregate"),
    ('violation("r", F, "m") :- module(M, F), N = count { S : S != M }.',
     "unsafe variable S in the aggregate: it must also occur in a positive body literal inside the aggregate"),
    ('violation("r", F, "m") :- module(M, F), N < count { S : imports(S, M) }.',
     "an aggregate is written `Result = count { … }`, not with <"),
    ('violation("r", F, "m") :- module(M, F), N = count { S : imports(S, M), K = count { X : file(X) } }.',
     "syntax error: unexpected 'count'"),
    ('violation("r", F, "m") :- module(M, F), N = count { N : imports(N, M) }.',
     "the result variable N must not occur inside its aggregate"),
    ('violation("r", F, "m") :- module(M, F), deep(M, N), N > 0.\n'
     'deep(M, N) :- module(M, _), N = count { D : deep(D, _) }.',
     "recursion through an aggregate: deep depends on its own count (aggregates must be stratified)"),
    ('violation("r", F, "m") :- module(M, F), N = count { S : importz(S, M) }.',
     "unknown predicate importz/2"),
    ('violation("r", F, "m") :- module(M, F), N = avg { S : imports(S, M) }.', "syntax error"),
])
def test_bad_aggregates_are_refused_with_a_position(block, expected):
    found = problems(block)
    assert any(expected in p for p in found), found
    assert all(p.startswith("adr/0007-t.md:9:") or p.startswith("adr/0007-t.md:10:") for p in found), found


def test_queries_refuse_aggregates():
    with pytest.raises(AdrError) as err:
        parse_query('N = count { S : imports(S, "a") }')
    assert "aggregates are allowed in rules only" in str(err.value.diagnostics[0])


def test_deeply_nested_text_is_a_syntax_error_not_a_crash():
    text = 'p(N) :- q(M), ' + "N = count { S : " * 5000 + "q(S)" + " }" * 5000 + "."
    with pytest.raises(AdrError) as err:
        parse_program(text, "a.md")
    assert "syntax error" in str(err.value.diagnostics[0])


def test_the_documented_example_parses_and_counts_zero_for_nobody():
    import re
    from pathlib import Path
    from govern.datalog.engine import get_engine

    doc = (Path(__file__).resolve().parents[2] / "docs" / "rule-language.md").read_text()
    block = re.search(r"## Aggregates\n\n```datalog\n(.*?)```", doc, re.S).group(1)
    rules = parse_program(block, "docs/rule-language.md")
    facts = {"module": {("app.core.a", "app/core/a.py"), ("app.x", "app/x.py")},
             "under": {("app.core.a", "app.core")}, "imports": {("app.x", "app.core.a")}}
    assert get_engine("naive").evaluate(rules, facts, ["fan_in"]) == {"fan_in": [("app.core.a", 1)]}
    facts["imports"] = set()
    assert get_engine("naive").evaluate(rules, facts, ["fan_in"]) == {"fan_in": [("app.core.a", 0)]}
