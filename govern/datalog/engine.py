"""The engine seam: one protocol, a registry of backends, and the `auto` choice.

Every backend takes govern's own rules and plain tuples and returns, per goal
predicate, its tuples sorted in value order. Backends are imported only when
chosen, so pyDatalog and clingo stay behind their own modules.
"""
from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Protocol

from govern.datalog import staged
from govern.datalog.model import Rule, Value
from govern.datalog.program import has_aggregates
from govern.errors import UsageError

Row = tuple[Value, ...]


class Engine(Protocol):
    name: str

    def evaluate(
        self, rules: Sequence[Rule], facts: Mapping[str, set[Row]], goals: Sequence[str],
        timings: dict | None = None,
    ) -> dict[str, list[Row]]:
        """Answers (tuples in value order) for each goal predicate; `timings`, when
        given, receives the seconds spent loading (`load`) and evaluating (`query`)."""
        ...


class _ModuleEngine:
    """An Engine whose `evaluate` is a module-level function of a backend module."""

    def __init__(self, name: str, module: str) -> None:
        self.name = name
        self._module = module

    def evaluate(self, rules, facts, goals, timings=None):
        backend = importlib.import_module(self._module)
        rules = list(rules)
        if self.name != "naive" and has_aggregates(rules):  # aggregates: govern/datalog/staged.py
            return staged.evaluate(backend.evaluate, rules, facts, list(goals), timings)
        return backend.evaluate(rules, facts, list(goals), timings)


# name -> module implementing evaluate(rules, facts, goals)
BACKENDS: dict[str, str] = {
    "pydatalog": "govern.datalog.pydatalog_backend",
    "clingo": "govern.datalog.clingo_backend",
    "naive": "govern.datalog.naive",
}


def get_engine(name: str) -> Engine:
    """The backend called `name` (pydatalog, clingo or naive)."""
    module = BACKENDS.get(name)
    if module is None:
        raise UsageError(f"unknown engine {name!r} (known: {', '.join(sorted(BACKENDS))}, auto)")
    return _ModuleEngine(name, module)


# With the default threshold (0), `auto` runs govern's naive evaluator (govern.datalog.naive, the
# reference every engine is tested against) below this many relevant facts: it needs no
# import (clingo's is ~10 ms of a cold check) and it was faster than clingo on every such
# program measured, the real projects' included (docs/engine.md).
NAIVE_BELOW = 2_000


def choose_engine(name: str, n_relevant_facts: int, threshold: int) -> str:
    """Resolve "auto": with a `threshold` (> 0), pyDatalog below that many relevant facts and
    clingo from it on; with the default 0, the naive evaluator below NAIVE_BELOW relevant
    facts and clingo from it on (docs/engine.md has the measurements)."""
    if name == "auto":
        if threshold > 0:
            return "clingo" if n_relevant_facts >= threshold else "pydatalog"
        return "naive" if n_relevant_facts < NAIVE_BELOW else "clingo"
    get_engine(name)  # validates the name
    return name
