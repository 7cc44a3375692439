"""Evaluate rules on one tree: extract only what the rules read, then answers (with proofs)."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from govern.facts.api import Wanted, extract
from govern.facts.cache import Cache
from govern.facts.model import Fact
from govern.facts.tree import Tree
from govern.config import Config
from govern.datalog import reaches
from govern.datalog.engine import choose_engine, get_engine
from govern.datalog.evaluate import evaluate_with_proofs
from govern.datalog.model import Rule
from govern.datalog.parse_scope import parse_scope
from govern.datalog.program import needed_rules
from govern.datalog.relevance import relevant
from govern.facts.memory import without_gc
from govern.datalog.store import FactStore
from govern.verdict.inputs import facts_config

GOALS = ("violation", "exempt")
Answer = tuple[str, str, str, str]  # (rule, subject, target, message or reason)


@dataclass
class Evaluation:
    """The rules and facts of one evaluation, and its answers with their proofs (JSON)."""

    rules: list[Rule]
    store: FactStore
    engine: str
    violations: dict[Answer, dict[str, Any] | None]  # None: not proven (JudgeRequest.prove = "new")
    exemptions: dict[Answer, dict[str, Any] | None]
    stats: dict[str, Any] = field(default_factory=dict)
    # Answers of the `values` goals evaluate() was also asked for (no proofs): e.g. the
    # no-growth metrics, read from the same evaluation instead of a second one.
    values: dict[str, list[tuple]] | None = None


def extract_facts(repo: str | os.PathLike, tree: Tree, rules: Sequence[Rule], config: Config,
                  extra: Sequence[Fact], use_cache: bool = True) -> tuple[FactStore, dict[str, Any]]:
    """The store the rules need: tree facts for what they read, plus `extra` (ADR, change facts)."""
    started = time.perf_counter()
    need = relevant(rules)
    wanted = Wanted(frozenset(need.relations), frozenset(need.globs), frozenset(need.prefixes), frozenset(need.dists),
                    frozenset(need.groups), frozenset(need.modules), parse_scope(rules))
    cache = Cache.for_repo(repo) if use_cache else None
    facts = extract(tree, facts_config(config), wanted, cache, ordered=False)  # the store orders them
    store = FactStore([*facts, *(f for f in extra if f.relation in need.relations)])
    stats = {"extract_s": time.perf_counter() - started, "facts": len(store)}
    if cache is not None:
        stats["cache_hits"], stats["cache_misses"] = cache.stats.hits, cache.stats.misses
    return store, stats


def answers_only(rules: Sequence[Rule], store: FactStore, engine: str, goals: Sequence[str],
                 threshold: int) -> dict[str, list[tuple]]:
    """The goals' tuples without proofs: evaluate_with_proofs minus its prover, for the
    `--new-since` base (only which findings it has matters) and queries
    (proving 23,000 `imports` answers took 3 s at 2,000 modules)."""
    rules = needed_rules(list(rules), goals)
    reaches.materialize(rules, store)
    rules = needed_rules(rules, goals, native=False)  # what only the native search read is done
    facts = relevant(rules).filter(store, goals)
    chosen = choose_engine(engine, sum(len(rows) for rows in facts.values()), threshold)
    answers = get_engine(chosen).evaluate(rules, facts, list(goals))
    return {goal: answers.get(goal, []) for goal in goals}


def evaluate(repo: str | os.PathLike, tree: Tree, rules: Sequence[Rule], config: Config,
             extra: Sequence[Fact], engine: str, use_cache: bool = True,
             skip: Callable[[str, tuple], bool] | None = None, values: Sequence[str] = ()) -> Evaluation:
    """Extract and evaluate; `engine` is auto/pydatalog/clingo (auto uses the config threshold).

    Answers `skip(goal, row)` chooses get no proof (None); the `values` goals are answered
    without proofs (Evaluation.values)."""
    store, stats = extract_facts(repo, tree, rules, config, extra, use_cache)
    unproven = frozenset(values)

    def skipped(goal: str, row: tuple) -> bool:
        return goal in unproven or (skip is not None and skip(goal, row))

    result = evaluate_with_proofs(list(rules), store, engine, (*GOALS, *values), config.engine_threshold,
                                  skip=skipped)
    started = time.perf_counter()
    answers: dict[str, dict] = {goal: {} for goal in GOALS}
    memo: dict = {}  # shared sub-proofs are converted once (and share their JSON)
    with without_gc():  # as many new dicts as proof nodes, none garbage
        for goal in GOALS:
            for row in result.answers.get(goal, []):
                proof = result.proofs.pop((goal, row), None)  # popped: objects and JSON never all coexist
                answers[goal][tuple(row)] = None if proof is None else proof.to_json(memo)
    stats.update(result.stats)
    stats["proof_json"] = time.perf_counter() - started
    return Evaluation(list(rules), store, result.engine, answers["violation"], answers["exempt"], stats,
                      {goal: result.answers.get(goal, []) for goal in values})
