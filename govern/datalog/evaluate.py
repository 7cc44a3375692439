"""The one call the judge makes: rules + facts -> answers + proofs, with timings.

Phases: relevance (which facts can matter), reaches (native graph search),
load + query (the engine, fed only relevant facts), proofs (built by govern
from the full store, independent of the engine that ran).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from govern.datalog import reaches
from govern.datalog.engine import choose_engine, get_engine
from govern.datalog.model import Rule, Value
from govern.datalog.program import needed_rules
from govern.datalog.proof import Proof, ground_atom
from govern.datalog.prover import Prover
from govern.datalog.relevance import relevant
from govern.facts.memory import without_gc
from govern.datalog.store import FactStore

Row = tuple[Value, ...]


@dataclass
class Result:
    engine: str  # the backend that ran ("pydatalog", "clingo" or "naive")
    answers: dict[str, list[Row]]  # goal -> tuples in value order
    proofs: dict[tuple[str, Row], Proof]  # (goal, tuple) -> proof (answers `skip` chose have none)
    stats: dict[str, float] = field(default_factory=dict)  # seconds per phase, plus fact counts


def evaluate_with_proofs(
    rules: Sequence[Rule],
    store: FactStore,
    engine_name: str = "auto",
    goals: Sequence[str] = ("violation", "exempt"),
    threshold: int = 0,
    *,
    engine: str | None = None,
    skip: Callable[[str, Row], bool] | None = None,
) -> Result:
    """Evaluate the rules on the store's facts and prove every answer but those `skip` chooses.

    `store` gains the materialised `reaches` tuples. `engine_name` (or the keyword
    `engine`, same meaning) is a backend name or "auto" (clingo from `threshold`
    relevant facts). `skip(goal, row)` true: the answer is returned without a proof
    (a pre-receive hook needs none for legacy violations; proving is the costly part).
    """
    engine_name = engine or engine_name
    stats: dict[str, float] = {}
    clock = time.perf_counter()
    rules = needed_rules(list(rules), goals)
    stats["reaches_tuples"] = reaches.materialize(rules, store)
    rules = needed_rules(rules, goals, native=False)  # what only the native search read is done
    clock = _lap(stats, "reaches", clock)
    facts = relevant(rules).filter(store, goals)  # after reaches: its few pairs narrow the rest
    stats["relevant_facts"] = sum(len(rows) for rows in facts.values())
    clock = _lap(stats, "relevance", clock)
    chosen = choose_engine(engine_name, int(stats["relevant_facts"]), threshold)
    timings: dict[str, float] = {}
    answers = get_engine(chosen).evaluate(rules, facts, list(goals), timings)
    stats["load"] = timings.get("load", 0.0)
    stats["query"] = timings.get("query", 0.0)
    clock = time.perf_counter()
    with without_gc():  # ~170k proof nodes at 10,000 modules, none garbage: collections only cost
        prover = Prover(rules, store, facts)
        proofs = {
            (goal, row): prover.prove(ground_atom(goal, row)) for goal in goals for row in answers.get(goal, [])
            if skip is None or not skip(goal, row)
        }
    _lap(stats, "proofs", clock)
    return Result(chosen, answers, proofs, stats)


def _lap(stats: dict[str, float], phase: str, since: float) -> float:
    now = time.perf_counter()
    stats[phase] = stats.get(phase, 0.0) + (now - since)
    return now
