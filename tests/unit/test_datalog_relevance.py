import pytest

from govern.datalog.engine import get_engine
from govern.datalog.relevance import relevant
from tests.unit.datalog_helpers import program, store_of

RULES = (
    'violation("no-orm", F, "orm") :- module(M, F), glob(F, "app/api/**"), imports(M, D), under(D, "sqlalchemy").\n'
    'violation("deps", M, "bad") :- declares(M, D), dist_match(D, "left-*").\n'
    'violation("far", S, "x") :- module(S, _), reaches(S, D), under(D, "vendor").\n'
)
FACTS = {
    "module": [("app.api.x", "app/api/x.py"), ("app.core.y", "app/core/y.py")],
    "glob": [("app/api/x.py", "app/api/**"), ("app/api/x.py", "other/**")],
    "imports": [("app.api.x", "sqlalchemy.orm"), ("app.core.y", "sqlalchemy"), ("app.api.x", "json"),
                ("app.core.y", "app.api.x")],
    "under": [("sqlalchemy.orm", "sqlalchemy"), ("sqlalchemy", "sqlalchemy"), ("json", "json")],
    "declares": [("pyproject.toml", "left-pad"), ("pyproject.toml", "requests")],
    "dist_match": [("left-pad", "left-*")],
    "owner": [("a", "b")],
}


def test_relevant_names_relations_and_patterns():
    rel = relevant(program(RULES))
    assert rel.relations == {"module", "glob", "imports", "under", "declares", "dist_match", "reaches"}
    assert rel.globs == {"app/api/**"} and rel.prefixes == {"sqlalchemy", "vendor"} and rel.dists == {"left-*"}


def test_filter_keeps_only_matchable_facts():
    rules = program(RULES)
    store = store_of(FACTS)
    kept = relevant(rules).filter(store)
    assert "owner" not in kept
    assert kept["glob"] == {("app/api/x.py", "app/api/**")}
    # imports(M, D): D restricted by under(D, "sqlalchemy"), M by module(M, F) + glob(F, "app/api/**").
    assert kept["imports"] == {("app.api.x", "sqlalchemy.orm")}
    assert kept["declares"] == {("pyproject.toml", "left-pad")}


@pytest.mark.parametrize("engine", ["naive", "clingo"])
def test_filtered_facts_give_the_same_answers(engine):
    from govern.datalog import reaches

    rules = program(RULES)
    store = store_of(FACTS)
    reaches.materialize(rules, store)
    full = get_engine(engine).evaluate(rules, store.as_mapping(), ["violation"])
    assert get_engine(engine).evaluate(rules, relevant(rules).filter(store), ["violation"]) == full
    assert full["violation"]
