"""The reference evaluator: semi-naive, bottom-up, stratum by stratum.

Small and obviously correct rather than fast. It also records each derived
tuple's *rank* (the iteration that first derived it, base facts 0): a tuple of
rank k has a derivation whose derived premises all have rank < k, which is what
the prover needs for well-founded proofs.
"""
from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from govern.datalog.model import Literal, Rule, Value, tuple_key
from govern.datalog.program import Env, body_solutions, bound_positions, ground, plan, strata

Row = tuple[Value, ...]


class Table:
    """A set of tuples with hash indexes on bound positions, rebuilt when the set grows."""

    def __init__(self, rows: set[Row] | None = None) -> None:
        self.rows: set[Row] = rows if rows is not None else set()
        self._indexes: dict[tuple[int, ...], dict[Row, list[Row]]] = {}

    def add(self, rows: set[Row]) -> None:
        self.rows |= rows
        self._indexes.clear()

    def lookup(self, bound: Mapping[int, Value]) -> list[Row] | set[Row]:
        if not bound:
            return self.rows
        positions = tuple(sorted(bound))
        index = self._indexes.get(positions)
        if index is None:
            index = {}
            for row in self.rows:
                index.setdefault(tuple(row[p] for p in positions), []).append(row)
            self._indexes[positions] = index
        return index.get(tuple(bound[p] for p in positions), [])


@dataclass
class Model:
    """Every relation after evaluation, and the rank of each derived tuple."""

    tables: dict[str, Table]
    ranks: dict[tuple[str, Row], int] = field(default_factory=dict)

    def rows(self, pred: str) -> set[Row]:
        table = self.tables.get(pred)
        return table.rows if table else set()

    def rank(self, pred: str, row: Row) -> int:
        return self.ranks.get((pred, row), 0)


def solve(rules: Sequence[Rule], facts: Mapping[str, set[Row]]) -> Model:
    """Evaluate the rules over the facts; returns all relations with ranks."""
    model = Model({pred: Table(set(rows)) for pred, rows in facts.items()})
    iteration = 0
    for stratum in strata(rules):
        heads = {r.head.pred for r in stratum}
        plans = [(r, plan(r.body)) for r in stratum]
        delta: dict[str, set[Row]] | None = None  # None: first round, every rule in full
        while delta is None or any(delta.values()):
            found: dict[str, set[Row]] = {}
            for rule, order in plans:
                for row in _fire(rule, order, model, heads, delta):
                    if row not in model.rows(rule.head.pred):
                        found.setdefault(rule.head.pred, set()).add(row)
            iteration += 1
            for pred, rows in found.items():
                model.tables.setdefault(pred, Table()).add(rows)
                for row in rows:
                    model.ranks[(pred, row)] = iteration
            delta = found
    return model


def evaluate(
    rules: Sequence[Rule], facts: Mapping[str, set[Row]], goals: Sequence[str], timings: dict | None = None
) -> dict[str, list[Row]]:
    """The Engine entry point: answers for the goal predicates, in value order."""
    started = time.perf_counter()
    model = solve(rules, facts)
    if timings is not None:
        timings.update(load=0.0, query=time.perf_counter() - started)
    return {g: sorted(model.rows(g), key=tuple_key) for g in goals}


def _fire(rule: Rule, order: list, model: Model, heads: set[str], delta) -> Iterator[Row]:
    """Head tuples of one rule; in later rounds one recursive literal reads only the delta
    (and goes first, so the delta is scanned once and the rest uses indexes)."""
    if delta is None:
        for env in joins(order, model, {}, None):
            yield ground(rule.head, env)
        return
    for item in rule.body:
        if isinstance(item, Literal) and not item.negated and item.atom.pred in heads:
            rest = plan([b for b in rule.body if b is not item], item.atom.variables())
            for env in joins([item, *rest], model, {}, (0, delta.get(item.atom.pred, set()))):
                yield ground(rule.head, env)


def joins(order: list, model: Model, env: Env, delta=None) -> Iterator[Env]:
    """Every extension of env satisfying order (optionally literal delta[0] reads delta[1])."""

    def candidates(k: int, atom, bound_env: Env):
        if delta is not None and delta[0] == k:
            return delta[1]
        table = model.tables.get(atom.pred)
        return table.lookup(bound_positions(atom, bound_env)) if table else ()

    return body_solutions(order, env, candidates, lambda pred, row: row in model.rows(pred))
