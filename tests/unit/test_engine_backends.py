"""Every backend against the same small programs (the naive evaluator is the reference)."""
import pytest

from govern.datalog.codec import Codec
from govern.datalog.engine import choose_engine, get_engine
from govern.errors import UsageError
from tests.unit.datalog_helpers import program

ENGINES = ["naive", "pydatalog", "clingo"]
DEPENDS = {("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("e", "f")}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("recursion", ["left", "right"])
def test_private_transitive_closure(engine, recursion):
    step = "dep(X, Y), depends(Y, Z)" if recursion == "left" else "depends(X, Y), dep(Y, Z)"
    rules = program(
        "dep(X, Y) :- depends(X, Y).\n"
        f"dep(X, Z) :- {step}.\n"
        'violation("no-cycles", X, "cycle") :- dep(X, X).\n'
    )
    out = get_engine(engine).evaluate(rules, {"depends": DEPENDS}, ["violation", "exempt"])
    assert out == {"violation": [("no-cycles", m, "", "cycle") for m in "abc"], "exempt": []}


@pytest.mark.parametrize("engine", ENGINES)
def test_negation_and_comparisons(engine):
    rules = program(
        'owned(F) :- owner(F, _).\n'
        'violation("r", F, "m") :- file(F), not owned(F), F != "README".\n'
        'exempt("r", F, "old") :- file(F), size(F, N), N > 10, N <= 100.\n'
        'violation("mixed", X, "lt") :- v(X), X < "a".\n'
    )
    facts = {
        "file": {("a.py",), ("b.py",), ("README",)},
        "owner": {("a.py", "alice")},
        "size": {("a.py", 50), ("b.py", 500)},
        "v": {(3,), ("A",), ("b",)},
    }
    out = get_engine(engine).evaluate(rules, facts, ["violation", "exempt"])
    assert out["violation"] == [("mixed", 3, "", "lt"), ("mixed", "A", "", "lt"), ("r", "b.py", "", "m")]
    assert out["exempt"] == [("r", "a.py", "*", "old")]


HOSTILE = [
    'a"b', "back\\slash", "new\nline", '"). violation("x", "y", "z").', "#include \"/etc/passwd\".",
    '#script (python)\nimport os\n#end.', "\x00nul", "p(X) :- q(X).", "%comment", "ünïcødé ✓", "Upper",
]


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_strings_are_data(engine):
    rules = program('violation("r", X, "m") :- s(X), not t(X).\n')
    facts = {"s": {(h,) for h in HOSTILE}, "t": {(HOSTILE[0],)}}
    out = get_engine(engine).evaluate(rules, facts, ["violation"])
    assert out["violation"] == sorted(("r", h, "", "m") for h in HOSTILE[1:])


def test_clingo_program_text_holds_no_user_text():
    from govern.datalog.clingo_backend import program_text
    from govern.datalog.codec import predicate_ids

    rules = program('violation("r", X, "#script") :- s(X), X != "#include".\n')
    facts = {"s": {(h,) for h in HOSTILE}}
    text = program_text(rules, facts, ["violation"], Codec.of(rules, facts), predicate_ids(rules, facts))
    assert '"' not in text and "#script" not in text and "#include" not in text
    assert "#show." in text


def test_codec_preserves_value_order():
    codec = Codec([3, "b", -1, "a", "", 10])
    assert codec.values == [-1, 3, 10, "", "a", "b"]
    assert codec.decode(codec.encode("a")) == "a"
    assert codec.encode(10) < codec.encode("")


def test_pydatalog_evaluations_are_isolated():
    rules = program('violation("r", X, "m") :- s(X).\n')
    engine = get_engine("pydatalog")
    assert engine.evaluate(rules, {"s": {("one",)}}, ["violation"])["violation"] == [("r", "one", "", "m")]
    assert engine.evaluate(rules, {"s": {("two",)}}, ["violation"])["violation"] == [("r", "two", "", "m")]


@pytest.mark.parametrize("engine", ENGINES)
def test_goal_without_rules_and_empty_relations(engine):
    rules = program('violation("r", X, "m") :- s(X), not t(X).\n')
    out = get_engine(engine).evaluate(rules, {}, ["violation", "exempt"])
    assert out == {"violation": [], "exempt": []}


def test_timings_reported():
    rules = program('violation("r", X, "m") :- s(X).\n')
    for name in ENGINES:
        timings = {}
        get_engine(name).evaluate(rules, {"s": {("a",)}}, ["violation"], timings)
        assert set(timings) == {"load", "query"}


def test_selection():
    assert choose_engine("auto", 10, 2000) == "pydatalog"
    assert choose_engine("auto", 2001, 2000) == "clingo"
    assert choose_engine("clingo", 1, 2000) == "clingo"
    # The default threshold 0: the naive evaluator for small programs (no import), clingo above.
    assert [choose_engine("auto", n, 0) for n in (0, 1_999, 2_000)] == ["naive", "naive", "clingo"]
    with pytest.raises(UsageError):
        get_engine("prolog")
