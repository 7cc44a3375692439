"""`reaches(Src, Dst)`: transitive imports, computed natively, never by engine recursion.

For each rule literal `reaches(S, D)` we restrict S and D with the rule's other
literals (govern.datalog.restrict) and compute only those tuples:

* **Projection.** When D occurs nowhere else in the rule except in restricting
  helper literals (`under(D, "p")`, `glob(D, "p")`, `dist_match(D, "p")` with a
  constant pattern), the rule's answers do not depend on *which* D is reached, so
  one witness per source is enough: the nearest target (ties broken by value
  order). One multi-source reverse BFS from the target set, O(edges).
* **All pairs** otherwise: strongly connected components, then for each
  component the set of reachable targets as a bitset, in reverse topological
  order — O(edges × targets / 64).

`chain()` gives the shortest import chain for a proof.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from facts.model import Fact
from govern.datalog.graph import Graph
from govern.datalog.model import Const, Literal, Rule, Value, Var
from govern.datalog.program import base_preds, derived, item_vars
from govern.datalog.restrict import Allowed, allowed_values
from govern.datalog.store import FactStore

REACHES, IMPORTS = "reaches", "imports"
HELPERS = ("under", "glob", "dist_match")


def materialize(rules: Sequence[Rule], store: FactStore, restrictions: list[Allowed] | None = None) -> int:
    """Add to `store` the `reaches` tuples the rules can use; returns how many were added.

    `restrictions` (one dict per rule, from Relevance.restrictions) saves recomputing them.
    """
    if REACHES in derived(rules) or not any(_uses(rule) for rule in rules):
        return 0
    base = base_preds(rules)
    if restrictions is None:
        restrictions = [allowed_values(rule, store, base) for rule in rules]
    graph = Graph(store.rows(IMPORTS))
    rows: set[tuple[Value, Value]] = set()
    for rule, allowed in zip(rules, restrictions):
        for use in _uses(rule):
            sources = _side(use.atom.args[0], allowed)
            targets = _side(use.atom.args[1], allowed)
            if _projectable(rule, use):
                rows |= graph.nearest(sources, targets)
            else:
                rows |= graph.pairs(sources, targets)
    before = len(store)
    store.add_rows(REACHES, rows)
    return len(store) - before


def _uses(rule: Rule) -> list[Literal]:
    return [b for b in rule.body if isinstance(b, Literal) and b.atom.pred == REACHES]


def chain(store: FactStore, src: Value, dst: Value) -> list[Fact]:
    """The shortest chain of `imports` facts from src to dst (at least one edge), or [].

    Breadth-first over successors in value order, so the chain is the same every run.
    """
    parent: dict[Value, Value] = {}
    queue = deque([src])
    while queue:
        node = queue.popleft()
        for _, succ in store.lookup(IMPORTS, {0: node}):
            if succ in parent or (succ == src and succ != dst):
                continue
            parent[succ] = node
            if succ == dst:
                return _walk(store, parent, src, dst)
            queue.append(succ)
    return []


def _walk(store: FactStore, parent: dict, src: Value, dst: Value) -> list[Fact]:
    edges = []
    node = dst
    while True:
        prev = parent[node]
        edges.append(store.fact(IMPORTS, (prev, node)))
        if prev == src:
            return edges[::-1]
        node = prev


def _side(term, allowed) -> set[Value] | None:
    if isinstance(term, Const):
        return {term.value}
    return allowed.get(term.name)


def _projectable(rule: Rule, use: Literal) -> bool:
    """Is one witness Dst per Src enough for this rule? (see module docstring)"""
    src, dst = use.atom.args
    if use.negated or not isinstance(dst, Var) or dst == src or dst.name in rule.head.variables():
        return False
    for item in rule.body:
        if item is use or dst.name not in item_vars(item):
            continue
        helper = (
            isinstance(item, Literal) and not item.negated and item.atom.pred in HELPERS
            and item.atom.args[0] == dst and all(isinstance(a, Const) for a in item.atom.args[1:])
        )
        if not helper:
            return False
    return True
