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

from govern.datalog.model import Aggregate, Literal, Rule, Value, tuple_key
from govern.datalog.program import Env, body_solutions, dependents, bound_positions, ground, plan, strata

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


def grows_only(rules: Sequence[Rule], changed: set[str]) -> bool:
    """Whether adding tuples to the `changed` predicates can only add tuples to the rules'
    model: no rule reads a predicate that depends on them under `not` or in an aggregate."""
    affected = dependents(rules, changed)
    return not any(
        isinstance(item, Aggregate) and item.pred in affected
        or isinstance(item, Literal) and item.negated and item.atom.pred in affected
        for rule in rules for item in rule.body
    )


def extend(model: Model, rules: Sequence[Rule], added: Mapping[str, set[Row]]) -> dict[str, set[Row]]:
    """The tuples the rules derive once the base tuples `added` join the facts `model` was
    solved from: {predicate: tuples not in `model`}, `added`'s new ones included.

    Semi-naive evaluation seeded with the additions alone (incremental maintenance under
    insertion): each round joins one literal with the previous round's new tuples and the
    others with everything known. `model` is not changed. Exact when grows_only(rules,
    set(added)) holds (the model can only grow); callers check it first."""
    new: dict[str, set[Row]] = {}
    for pred, rows in added.items():
        fresh = set(rows) - model.rows(pred)
        if fresh:
            new[pred] = fresh
    view = _Grown(model, new)
    for stratum in strata(rules):
        delta = {pred: set(rows) for pred, rows in new.items()}
        while delta:
            found: dict[str, set[Row]] = {}
            for rule in stratum:
                pred = rule.head.pred
                for row in _fire_new(rule, view, delta):
                    if row not in model.rows(pred) and row not in new.get(pred, ()):
                        found.setdefault(pred, set()).add(row)
            for pred, rows in found.items():
                view.grow(pred, rows)
            delta = found
    return new


class _Grown:
    """A model and the tuples added to it, read as one (what joins() needs)."""

    def __init__(self, model: Model, new: dict[str, set[Row]]) -> None:
        self.model, self.new = model, new
        self.tables: dict[str, Table | _Union] = dict(model.tables)
        for pred in new:
            self.tables[pred] = _Union(model.tables.get(pred), Table(new[pred]))

    def grow(self, pred: str, rows: set[Row]) -> None:
        if pred in self.new:
            self.tables[pred].extra.add(rows)  # its rows are self.new[pred]: both grow, indexes dropped
        else:
            self.new[pred] = set(rows)
            self.tables[pred] = _Union(self.model.tables.get(pred), Table(self.new[pred]))

    def rows(self, pred: str) -> _Rows:
        return _Rows(self.model.rows(pred), self.new.get(pred, set()))


class _Union:
    def __init__(self, base: Table | None, extra: Table) -> None:
        self.base, self.extra = base, extra

    def lookup(self, bound: Mapping[int, Value]) -> list[Row]:
        found = list(self.base.lookup(bound)) if self.base is not None else []
        return found + list(self.extra.lookup(bound))


class _Rows:
    def __init__(self, base: set[Row], extra: set[Row]) -> None:
        self.base, self.extra = base, extra

    def __contains__(self, row: object) -> bool:
        return row in self.base or row in self.extra


def _fire_new(rule: Rule, view: _Grown, delta: Mapping[str, set[Row]]) -> Iterator[Row]:
    """Head tuples of the rule's bodies that read new tuples in one positive literal."""
    for item in rule.body:
        if isinstance(item, Literal) and not item.negated and delta.get(item.atom.pred):
            rest = plan([b for b in rule.body if b is not item], item.atom.variables())
            for env in joins([item, *rest], view, {}, (0, delta[item.atom.pred])):
                yield ground(rule.head, env)
