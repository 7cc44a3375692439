import pytest

from govern.datalog.check import Checker
from govern.datalog.evaluate import evaluate_with_proofs
from tests.unit.datalog_helpers import program, store_of
from tests.unit.test_datalog_proof import FACTS, RULES

EXPECTED = [("cycle", "a.py", "", "import cycle"), ("cycle", "b.py", "", "import cycle"),
            ("far", "low/x.py", "", "low reaches high")]


@pytest.mark.parametrize("engine", ["naive", "pydatalog", "clingo"])
def test_every_engine_gives_the_same_answers_and_proofs(engine):
    rules = program(RULES)
    reference = evaluate_with_proofs(rules, store_of(FACTS), "naive")
    store = store_of(FACTS)
    result = evaluate_with_proofs(rules, store, engine)
    assert result.engine == engine
    assert result.answers == {"violation": EXPECTED, "exempt": []}
    assert {k: p.dumps() for k, p in result.proofs.items()} == {k: p.dumps() for k, p in reference.proofs.items()}
    checker = Checker(rules, store)
    assert all(checker.check(p) == [] for p in result.proofs.values())
    assert {"relevance", "reaches", "load", "query", "proofs", "relevant_facts"} <= set(result.stats)


def test_auto_picks_by_threshold():
    rules = program(RULES)
    assert evaluate_with_proofs(rules, store_of(FACTS), "auto", threshold=1000).engine == "pydatalog"
    assert evaluate_with_proofs(rules, store_of(FACTS), "auto", threshold=1).engine == "clingo"
    assert evaluate_with_proofs(rules, store_of(FACTS), "auto", threshold=0).engine == "naive"  # the default


def test_exemptions_are_proven_too():
    rules = program(
        'violation("r", F, "m") :- file(F).\n'
        'exempt("r", F, "legacy") :- file(F), glob(F, "old/**").\n'
    )
    store = store_of({"file": [("old/a.py",), ("new/b.py",)], "glob": [("old/a.py", "old/**")]})
    result = evaluate_with_proofs(rules, store, "clingo")
    assert result.answers["exempt"] == [("r", "old/a.py", "*", "legacy")]
    assert ("exempt", ("r", "old/a.py", "*", "legacy")) in result.proofs
