"""FactStore: the facts of one evaluation, by relation, with sources and lazy indexes.

A fact is a (relation, args) pair; when several extractors report the same
fact, the smallest `Source` (dataclass order) is kept so proofs are stable.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Sequence

from govern.facts.derived import inside
from govern.facts.memory import without_gc
from govern.facts.model import Fact, Source
from govern.datalog.graph import Graph
from govern.datalog.model import Value, sort_rows

Row = tuple[Value, ...]
# Facts that govern computes itself (e.g. `reaches`) have no file behind them.
COMPUTED = Source("govern", "", 0, "")


class FactStore:
    """Facts grouped by relation: tuples, the smallest source of each, indexes on demand."""

    def __init__(self, facts: Iterable[Fact] = ()) -> None:
        self._rows: dict[str, set[Row]] = {}
        # Each relation's rows in the order they came: extraction hands them over sorted,
        # and sorting an already sorted list is linear (9x faster than from a set's order).
        self._arrival: dict[str, list[Row]] = {}
        self._sorted: dict[str, list[Row]] = {}  # relation -> rows in value order (cached)
        self._sources: dict[tuple[str, Row], Source] = {}
        # (relation, bound positions) -> {values at those positions: [rows]}
        self._indexes: dict[tuple[str, tuple[int, ...]], dict[Row, list[Row]]] = {}
        self._graphs: dict[str, Graph] = {}  # relation -> its pairs as a graph (reaches, chains)
        self._ignored: dict[Value, tuple[frozenset, frozenset]] = {}  # graph name -> (left-out imports, modules)
        # (relation, G) -> (prefixes, patterns) of the sources whose reachable edges alone are kept
        self._closures: dict[tuple, tuple[frozenset[str], list[list[str]]]] = {}
        # Inlined add(): building the store is on every run's path (226k facts at 10,000 modules).
        sources, rows, arrival = self._sources, self._rows, self._arrival
        with without_gc():
            for fact in facts:
                key = (fact.relation, fact.args)
                known = sources.get(key)
                if known is None:
                    sources[key] = fact.source
                    relation = rows.get(fact.relation)
                    if relation is None:
                        relation = rows[fact.relation] = set()
                        arrival[fact.relation] = []
                    relation.add(fact.args)
                    arrival[fact.relation].append(fact.args)
                elif fact.source < known:
                    sources[key] = fact.source

    def add(self, relation: str, args: Sequence[Value], source: Source = COMPUTED) -> None:
        """Add one fact; keeps the smallest source when the fact is already known."""
        row = tuple(args)
        key = (relation, row)
        known = self._sources.get(key)
        if known is None:
            self._rows.setdefault(relation, set()).add(row)
            self._arrival.setdefault(relation, []).append(row)
            self._sources[key] = source
            self._drop_indexes(relation)
        elif source < known:
            self._sources[key] = source

    def add_rows(self, relation: str, rows: Iterable[Row], source: Source = COMPUTED) -> None:
        """Add many computed facts of one relation (e.g. materialised `reaches`)."""
        sources = self._sources
        known_rows = self._rows.setdefault(relation, set())
        arrival = self._arrival.setdefault(relation, [])
        with without_gc():
            for row in rows:
                row = tuple(row)
                key = (relation, row)
                known = sources.get(key)
                if known is None:
                    sources[key] = source
                    known_rows.add(row)
                    arrival.append(row)
                elif source < known:
                    sources[key] = source
        self._drop_indexes(relation)

    def relations(self) -> list[str]:
        return sorted(self._rows)

    def rows(self, relation: str) -> set[Row]:
        """All tuples of a relation (do not mutate)."""
        return self._rows.get(relation, set())

    def contains(self, relation: str, args: Sequence[Value]) -> bool:
        return (relation, tuple(args)) in self._sources

    def source(self, relation: str, args: Sequence[Value]) -> Source | None:
        """The smallest source of a fact, or None when the fact is not in the store."""
        return self._sources.get((relation, tuple(args)))

    def fact(self, relation: str, args: Sequence[Value]) -> Fact:
        """The fact with its smallest source (KeyError when absent)."""
        row = tuple(args)
        return Fact(relation, row, self._sources[(relation, row)])

    def lookup(self, relation: str, bound: Mapping[int, Value]) -> list[Row]:
        """Tuples whose argument at each bound position equals the given value, in value order."""
        positions = tuple(bound) if len(bound) < 2 else tuple(sorted(bound))
        index = self.index(relation, positions)
        return index.get(tuple(bound[p] for p in positions), [])

    def as_mapping(self, relations: Iterable[str] | None = None) -> dict[str, set[Row]]:
        """relation -> tuples, for engines (all relations, or the given ones)."""
        names = self.relations() if relations is None else relations
        return {name: set(self.rows(name)) for name in names}

    def facts(self) -> list[Fact]:
        """Every fact with its source, sorted (relation, then args in value order)."""
        return [
            Fact(rel, row, self._sources[(rel, row)])
            for rel in self.relations()
            for row in self.sorted_rows(rel)
        ]

    def sorted_rows(self, relation: str) -> list[Row]:
        """All tuples of a relation in value order (cached; do not mutate)."""
        rows = self._sorted.get(relation)
        if rows is None:
            rows = self._sorted[relation] = sort_rows(self._arrival.get(relation, ()))
        return rows

    def __len__(self) -> int:
        return len(self._sources)

    def index(self, relation: str, positions: tuple[int, ...]) -> dict[Row, list[Row]]:
        """{values at `positions`: rows in value order}, built on first use (do not mutate)."""
        key = (relation, positions)
        index = self._indexes.get(key)
        if index is None:
            # From the sorted rows so lookups return rows in value order: proofs pick the
            # same fact every run (and one sort serves every index of the relation).
            rows = self.sorted_rows(relation)
            if not positions:
                index = {(): rows} if rows else {}
            else:
                index = {}
                with without_gc():
                    if len(positions) == 1:  # the common case, without a generator per row
                        p = positions[0]
                        for row in rows:
                            index.setdefault((row[p],), []).append(row)
                    else:
                        for row in rows:
                            index.setdefault(tuple(row[p] for p in positions), []).append(row)
            self._indexes[key] = index
        return index

    def graph(self, relation: str) -> Graph:
        """A binary relation as a directed graph, built on first use (do not mutate)."""
        graph = self._graphs.get(relation)
        if graph is None:
            with without_gc():
                graph = self._graphs[relation] = Graph(self.sorted_rows(relation))
        return graph

    def ignore_edges(self, key: Value, edges: Iterable[tuple[Value, Value]], modules: Iterable[Value] = ()) -> None:
        """Record the `imports` edges that the graph named `key` leaves out (the rows of
        `ignore_import(key, A, B)`, for `reaches_except`): `edges`, and every import of `modules`."""
        self._ignored[key] = (frozenset(edges), frozenset(modules))
        self._graphs.pop(_except_key(key), None)

    def keep_reachable(self, graph: tuple, prefixes: frozenset[str], patterns: frozenset[str]) -> None:
        """Keep in the graphs of `graph` ((relation, G) of a native search, as
        govern.datalog.parse_scope.closures names them) only the edges of modules reachable
        from a module under `prefixes` or matching `patterns`."""
        self._closures[graph] = (prefixes, [p.split(".") for p in sorted(patterns)])
        for key in [k for k in self._graphs if k.startswith(_EXCEPT)]:
            del self._graphs[key]

    def kept_reachable(self, key: Value | None) -> bool:
        """Whether graph_except(key) keeps only what some sources reach (keep_reachable)."""
        return _closure_key(key) in self._closures

    def graph_except(self, key: Value | None) -> Graph:
        """The `imports` graph minus the edges ignored for `key` (None: every import), and
        only what its sources reach (keep_reachable); built on first use."""
        closure = self._closures.get(_closure_key(key))
        if key is None and closure is None:
            return self.graph("imports")
        graph = self._graphs.get(_except_key(key))
        if graph is None:
            edges, modules = self._ignored.get(key, (frozenset(), frozenset())) if key is not None else ((), ())
            rows = self.sorted_rows("imports")
            with without_gc():
                kept = [r for r in rows if r[0] not in modules and r not in edges] if edges or modules else rows
                graph = self._graphs[_except_key(key)] = Graph(kept if closure is None else _reachable(kept, *closure))
                graph.kept_only = closure is not None
        return graph

    def _drop_indexes(self, relation: str) -> None:
        self._graphs.pop(relation, None)
        if relation == "imports":
            for key in [k for k in self._graphs if k.startswith(_EXCEPT)]:
                del self._graphs[key]
        self._sorted.pop(relation, None)
        if self._indexes:
            for key in [k for k in self._indexes if k[0] == relation]:
                del self._indexes[key]



_EXCEPT = "imports\x00except\x00"


def _except_key(key: Value) -> str:
    return _EXCEPT + repr(key)


def _closure_key(key: Value | None) -> tuple:
    """The (relation, G) naming the graph `key` of graph_except: None every import (reaches),
    (G, Part) a part of a reaches_in graph, else a reaches_except graph."""
    if key is None:
        return ("reaches", None)
    return ("reaches_in", key[0]) if isinstance(key, tuple) else ("reaches_except", key)


def _reachable(rows: list[Row], prefixes: frozenset[str], patterns: list[list[str]]) -> list[Row]:
    """The rows (edges, in order) whose source is reachable from a source under `prefixes`
    or matching `patterns` (in zero or more steps)."""
    succ: dict[Value, list[Value]] = {}
    for a, b in rows:
        succ.setdefault(a, []).append(b)
    todo = [a for a in succ if isinstance(a, str) and inside(a, prefixes, patterns)]
    seen = set(todo)
    while todo:
        for b in succ.get(todo.pop(), ()):
            if b not in seen:
                seen.add(b)
                todo.append(b)
    return [r for r in rows if r[0] in seen]
