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


def choose_engine(name: str, n_relevant_facts: int, threshold: int) -> str:
    """Resolve "auto": pyDatalog below `threshold` relevant facts, clingo from it on (the
    default threshold, 0, always picks clingo: docs/engine.md has the measurements)."""
    if name == "auto":
        return "clingo" if n_relevant_facts >= threshold else "pydatalog"
    get_engine(name)  # validates the name
    return name
