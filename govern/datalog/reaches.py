"""`reaches(Src, Dst)`: transitive imports, computed natively, never by engine recursion.

For each rule literal `reaches(S, D)` we restrict S and D with the rule's other
literals (govern.datalog.restrict) and compute only those tuples:

* **Projection.** When D is not in the head and occurs elsewhere only in
  positive literals over facts or over helper predicates that do not depend on
  `reaches` (`under(D, "p")`, `layer(D, High, _, C)`), the rule cannot tell
  apart two targets with the same values of those literals' other variables
  (their *class*, e.g. the layer High of D). So one witness per source and
  class is enough: the nearest target of that class (ties broken by value
  order). One multi-source reverse BFS per class, O(edges) each. The engine
  then sees fewer `reaches` tuples than hold; the answers are the same.
* **All pairs** otherwise: strongly connected components, then for each
  component the set of reachable targets as a bitset, in reverse topological
  order — O(edges × targets / 64).

`reaches_except(G, Src, Dst)` is the same search over the imports minus the
edges `ignore_import(G, A, B)` derives (evaluated first; G is a constant of the
literal): a rule's own graph, e.g. without the imports its ADR ignores.
`reaches_in(G, Part, Src, Dst)` searches one such graph per part, minus the edges
`ignore_import_in(G, Part, A, B)` derives: the parts are values the rule's other
literals bind Part to (each module a pattern matches), so a graph exists for every
part of the tree judged, named by no one in advance. Each part's search starts only
from the sources the rule pairs with that part.

`chain()` gives the shortest import chain for a proof.
"""
from __future__ import annotations

from collections.abc import Sequence

from govern.facts.model import Fact
from govern.datalog.model import Atom, Comparison, Const, Literal, Rule, Value, Var, tuple_key, value_key
from govern.datalog import naive
from govern.datalog.parse_scope import closures
from govern.datalog.program import base_preds, body_preds, comparison_holds, derived, item_vars, needed_rules, plan
from govern.datalog.restrict import Layered, allowed_values, solutions
from govern.datalog.store import FactStore
from govern.errors import UsageError

REACHES, IMPORTS = "reaches", "imports"
REACHES_EXCEPT, IGNORED = "reaches_except", "ignore_import"
REACHES_IN, IGNORED_IN = "reaches_in", "ignore_import_in"
NATIVE = (REACHES, REACHES_EXCEPT, REACHES_IN)
# The relation naming the edges each graph of a native search leaves out.
IGNORED_BY = {REACHES_EXCEPT: IGNORED, REACHES_IN: IGNORED_IN}
# Above this many target classes, one BFS per class costs more than all pairs.
MAX_CLASSES = 64


def materialize(rules: Sequence[Rule], store: FactStore) -> int:
    """Add to `store` the `reaches` tuples the rules can use; returns how many were added."""
    users = [rule for rule in rules if _uses(rule)]
    if derived(rules) & set(NATIVE) or not users:
        return 0
    prepare(rules, store)
    view = Layered(_helpers(rules, store), store)
    known = base_preds(rules) | set(view.first.relations())
    rows: dict[str, set[tuple]] = {pred: set() for pred in NATIVE}
    for rule in users:
        allowed = allowed_values(rule, view, known, skip=NATIVE)
        for use in _uses(rule):
            for graph, prefix, sources in _graphs(rule, use, store, view, known, allowed):
                found = _search(rule, use, graph, view, known, allowed, sources)
                rows[use.atom.pred] |= {prefix + pair for pair in found}
    before = len(store)
    for relation, found in rows.items():
        store.add_rows(relation, found)
    return len(store) - before


def prepare(rules: Sequence[Rule], store: FactStore) -> None:
    """Set up the graphs the rules' native searches walk in `store`: each graph's ignored
    edges, and, for a graph every search of which starts from restricted sources
    (govern.datalog.parse_scope.closures), only the edges of the modules those sources reach.

    The second is what makes parsing only that closure exact (an optimisation): the rows
    for those sources are the same either way, and the graph itself - hence each search's
    witnesses and each proof's chain, whatever its tie-breaks - is the same whether every
    file was parsed or only the closure's."""
    uses = [b for r in rules for b in _uses(r)]
    if any(b.atom.pred in IGNORED_BY for b in uses):
        for key, (edges, modules) in ignored_edges(rules, store).items():
            store.ignore_edges(key, edges, modules)
    if uses:
        for graph, found in closures(rules).items():
            store.keep_reachable(graph, found.prefixes, found.patterns)


def graph_key(pred: str, row: tuple):
    """The name of the graph a native row was searched in (None: every import) and the
    leading columns naming it: reaches_except(G, …) → G; reaches_in(G, P, …) → (G, P)."""
    if pred == REACHES_EXCEPT:
        return row[0], row[:1]
    if pred == REACHES_IN:
        return (row[0], row[1]), row[:2]
    return None, ()


def _graphs(rule: Rule, use: Literal, store: FactStore, view, known: set[str], allowed):
    """(graph, leading columns of its rows, the sources to search from or None for the rule's
    own) for each graph a literal searches: one, or for reaches_in one per part."""
    if use.atom.pred == REACHES:
        return [(store.graph_except(None), (), None)]
    head = tuple(a.value for a in use.atom.args[:1])  # a constant: govern.rules.checks refuses anything else
    if use.atom.pred == REACHES_EXCEPT:
        return [(store.graph_except(head[0]), head, None)]
    part = use.atom.args[1]
    if isinstance(part, Const):
        key = (head[0], part.value)
        return [(store.graph_except(key), key, None)]
    by_part = _part_sources(rule, use, store, view, known, allowed)
    return [(store.graph_except((head[0], p)), (head[0], p), sources)
            for p, sources in sorted(by_part.items(), key=lambda kv: value_key(kv[0])) if sources != set()]


def _part_sources(rule: Rule, use: Literal, store: FactStore, view, known: set[str], allowed) -> dict[Value, set[Value] | None]:
    """{part: the sources the rule pairs with it (None: any)} for `reaches_in(G, Part, Src, _)`
    with Part a variable: the solutions of the rule's positive literals over known relations
    that bind Part but not Dst (govern.rules.checks requires one binding Part), projected on
    Part and, when they bind it too, Src. A rule whose only such literal reads a relation
    computed from a native search cannot name its parts before the search: an error, never a
    part silently left out."""
    part, src, dst = use.atom.args[1:]
    wanted = _side(src, allowed)
    side = [b for b in rule.body if isinstance(b, Literal) and not b.negated and b.atom.pred in known
            and b.atom.pred not in NATIVE and part.name in b.atom.variables() and dst not in b.atom.args]
    if not side:
        raise UsageError(f"{rule.origin.path}:{rule.origin.line}: the parts of {use.atom} are bound only by relations "
                         "computed from a graph search; bind them with facts or helpers that are not")
    bound = set().union(*(b.atom.variables() for b in side))
    if not (isinstance(src, Var) and src.name in bound):
        return {env[part.name]: wanted for env in solutions([b.atom for b in plan(side)], view, {})}
    out: dict[Value, set[Value]] = {}
    for env in solutions([b.atom for b in plan(side)], view, {}):
        found = out.setdefault(env[part.name], set())
        if wanted is None or env[src.name] in wanted:
            found.add(env[src.name])
    return out


def _search(rule: Rule, use: Literal, graph, view, known: set[str], allowed,
            sources: set[Value] | None = None) -> set[tuple[Value, Value]]:
    src, dst = use.atom.args[-2:]
    sources = _side(src, allowed) if sources is None else sources
    targets = _side(dst, allowed)
    found = _classes(rule, use, view, known, targets)
    if found is not None and graph.kept_only:
        # Only reachable edges kept: count (and search) the classes with a member in the
        # graph, the same whether every file was parsed or only the closure (prepare).
        index = graph.index
        found = found[0], {k: m for k, m in found[1].items() if any(t in index for t in m)}
    if found is None or len(found[1]) > MAX_CLASSES:
        return graph.pairs(sources, targets)
    names, classes = found
    narrowed = _class_sources(rule, use, view, known, sources, names, classes)
    rows: set[tuple[Value, Value]] = set()
    for key, members in sorted(classes.items(), key=lambda kv: tuple_key(kv[0])):
        starts = narrowed.get(key, sources)
        if starts != set():
            rows |= graph.nearest(starts, members)
    return rows


def ignored_edges(rules: Sequence[Rule], store: FactStore) -> dict[Value | tuple, tuple[set, set]]:
    """{graph name: (the imports edges `ignore_import(name, A, B)` derives, the modules all of
    whose imports it ignores)}, by the naive evaluator (the rules may not read
    `reaches_except`: govern.rules.checks); the graphs of `ignore_import_in(G, P, A, B)` are
    named (G, P).

    A clause `ignore_import(G, S, D) :- …, imports(S, D)` where D occurs nowhere else ignores
    every import of each S it finds: it is solved without that literal, one row per module
    instead of one per import (a layer's graph leaves out what the other layers import)."""
    own = needed_rules(rules, [IGNORED, IGNORED_IN])
    own = [_whole_module(r) or r for r in own]
    facts = store.as_mapping(base_preds(own) & set(store.relations()) - {_SOURCES})
    if _SOURCES in base_preds(own):
        facts[_SOURCES] = {(src,) for src, _ in store.rows(IMPORTS)}
    model = naive.solve(own, facts)
    out: dict[Value | tuple, tuple[set, set]] = {}
    for pred in (IGNORED, IGNORED_IN):
        for *key, a, b in model.rows(pred):
            out.setdefault(key[0] if len(key) == 1 else tuple(key), (set(), set()))[0].add((a, b))
        for *key, a in model.rows(pred + _NODES):
            out.setdefault(key[0] if len(key) == 1 else tuple(key), (set(), set()))[1].add(a)
    return out


_NODES = "@module"
# Optimisation: `imports@source(S)` holds when S imports anything (the first column of
# imports, once per module): what `imports(S, _)` says, without a row per import.
_SOURCES = "imports@source"


def _whole_module(rule: Rule) -> Rule | None:
    """The clause as `ignore_import@module(G, S)` (`ignore_import_in@module(G, P, S)`) when it
    ignores every import of S, else None."""
    if rule.head.pred not in (IGNORED, IGNORED_IN):
        return None
    *graph, src, dst = rule.head.args
    if not (isinstance(src, Var) and isinstance(dst, Var)) or src == dst:
        return None
    step = [b for b in rule.body if isinstance(b, Literal) and not b.negated and b.atom.pred == IMPORTS
            and b.atom.args == (src, dst)]
    rest = [b for b in rule.body if not (step and b is step[0])]
    if len(step) != 1 or dst.name in set().union(*(item_vars(b) for b in rest)) or dst.name in graph_vars(graph):
        return None
    bound = set().union(*(b.atom.variables() for b in rest if isinstance(b, Literal) and not b.negated))
    if src.name not in bound:  # S still needs a positive literal: any import of S, projected
        rest = [Literal(Atom(_SOURCES, (src,))), *rest]
    return Rule(Atom(rule.head.pred + _NODES, (*graph, src)), tuple(rest), rule.origin)


def graph_vars(terms) -> set[str]:
    return {t.name for t in terms if isinstance(t, Var)}


def _uses(rule: Rule) -> list[Literal]:
    return [b for b in rule.body if isinstance(b, Literal) and b.atom.pred in NATIVE]


def _helpers(rules: Sequence[Rule], store: FactStore) -> FactStore:
    """Derived predicates that do not depend on `reaches` (layer membership and the like),
    evaluated now so they can restrict sources and targets."""
    needs_reaches = {p for p in derived(rules) if set(NATIVE) & _depends(rules, p)}
    wanted = {b.atom.pred for r in rules if _uses(r) for b in r.body if isinstance(b, Literal)}
    wanted &= derived(rules) - needs_reaches
    helper_rules = needed_rules(rules, wanted)
    facts = store.as_mapping(base_preds(helper_rules) & set(store.relations()))
    model = naive.solve(helper_rules, facts)
    out = FactStore()
    for pred in sorted(derived(helper_rules)):
        out.add_rows(pred, model.rows(pred))
    return out


def _depends(rules: Sequence[Rule], pred: str) -> set[str]:
    return body_preds(needed_rules(rules, [pred]))


def _classes(rule: Rule, use: Literal, view, known: set[str],
             targets: set[Value] | None) -> tuple[list[str], dict] | None:
    """Targets grouped by what the rest of the rule can tell apart: (the variables naming a
    class, {their values: targets}), or None when the rule needs the exact target (see the
    module docstring: one witness per source and class)."""
    src, dst = use.atom.args[-2:]
    if use.negated or not isinstance(dst, Var) or dst == src or dst.name in rule.head.variables():
        return None
    others = [item for item in rule.body if item is not use and dst.name in item_vars(item)]
    if not all(
        isinstance(i, Literal) and not i.negated and i.atom.pred in known and i.atom.pred not in NATIVE for i in others
    ):
        return None
    if not others:
        return [], {(): targets}
    names = sorted(set().union(*(i.atom.variables() for i in others)) - {dst.name})
    classes: dict[tuple, set[Value]] = {}
    for env in solutions([i.atom for i in others], view, {}):
        if targets is None or env[dst.name] in targets:
            classes.setdefault(tuple(env[n] for n in names), set()).add(env[dst.name])
    return names, classes


def _class_sources(rule: Rule, use: Literal, view, known: set[str], sources: set[Value] | None,
                   names: list[str], classes: dict) -> dict:
    """{class key: the sources that can pair with that class} for the classes where the rule
    narrows them; absent keys keep `sources`.

    The source side is every positive literal over a known relation that does not mention
    the target D (nor reaches); its solutions are enumerated once, projected on the source
    and the variables it shares with the class or with a comparison, and each class keeps
    the projections that agree with it and pass the comparisons spanning both sides.
    Necessary conditions only, so no source the rule could use is dropped.
    """
    src, dst = use.atom.args[-2:]
    if not isinstance(src, Var) or not isinstance(dst, Var):
        return {}
    side = [
        b for b in rule.body
        if isinstance(b, Literal) and not b.negated and b.atom.pred in known and b.atom.pred not in NATIVE
        and dst.name not in b.atom.variables()
    ]
    side_vars = set().union(*(b.atom.variables() for b in side))
    if src.name not in side_vars:
        return {}
    tests = [c for c in rule.body if isinstance(c, Comparison) and dst.name not in item_vars(c)
             and item_vars(c) & set(names) and item_vars(c) <= side_vars | set(names)]
    linked = set(names).union(*(item_vars(c) for c in tests))
    shared = sorted(side_vars & linked)
    by_values: dict[tuple, set[Value]] = {}  # the shared variables' values -> sources
    for env in solutions([b.atom for b in plan(side)], view, {}):
        if sources is None or env[src.name] in sources:
            by_values.setdefault(tuple(env[n] for n in shared), set()).add(env[src.name])
    out = {}
    for key in classes:
        bound = dict(zip(names, key))
        out[key] = set().union(*(
            found for values, found in by_values.items()
            if _agrees(bound, shared, values)
            and all(comparison_holds(c, {**bound, **dict(zip(shared, values))}) for c in tests)
        ))
    return out


def _agrees(bound: dict, shared: list[str], values: tuple) -> bool:
    return all(bound[n] == v for n, v in zip(shared, values) if n in bound)


def chain(store: FactStore, src: Value, dst: Value, graph: Value | None = None) -> list[Fact]:
    """The shortest chain of `imports` facts from src to dst (at least one edge), or [].

    Bidirectional breadth-first search over the store's import graph, one whole level
    at a time, successors and predecessors in value order: the same chain every run,
    and only the two small neighbourhoods of src and dst are explored.
    `graph`: the name of a `reaches_except` graph, or (G, P) of a `reaches_in` one (its
    ignored edges left out; see graph_key).
    """
    graph = store.graph_except(graph)
    if src not in graph.index or dst not in graph.index:
        return []
    path = graph.shortest_path(graph.index[src], graph.index[dst])
    return [store.fact(IMPORTS, (graph.nodes[a], graph.nodes[b])) for a, b in zip(path, path[1:])]


def _side(term, allowed) -> set[Value] | None:
    if isinstance(term, Const):
        return {term.value}
    return allowed.get(term.name)


# Above this many rows for the added imports, evaluating them costs about what judging anew does.
MAX_ADDED = 200_000


def added_rows(rules: Sequence[Rule], store: FactStore, edges: set[tuple[Value, Value]], memo: dict) -> set[tuple] | None:
    """The `reaches` rows to add to the store's materialised ones when the imports `edges`
    join the store's, every other relation the rules read staying as it is; None when a
    rule searches `reaches_except` or more than MAX_ADDED rows would be needed.

    A pair the new edges create goes from a module reaching (or being) some edge's source
    `u` to one its target `v` reaches (or is), in the grown graph. Where the rule cannot
    tell targets of one class apart, each such source gets one witness per class among
    the targets (see the module docstring), else every pair; sources the rule's other
    literals rule out are left out. Together with the store's rows, the rules then give the
    answers a materialisation over the grown imports would. `memo` keeps what depends only
    on the store (the helper predicates, each literal's classes) between calls."""
    users = [rule for rule in rules if _uses(rule)]
    if not users or not edges:
        return set()
    if any(use.atom.pred != REACHES for rule in users for use in _uses(rule)):
        return None
    if store.kept_reachable(None) and not _known_beyond(store, edges, memo):
        return None
    if "view" not in memo:
        view = Layered(_helpers(rules, store), store)
        memo["view"], memo["known"] = view, base_preds(rules) | set(view.first.relations())
    view, known = memo["view"], memo["known"]
    graph = store.graph(IMPORTS)
    forward: dict[Value, set[Value]] = {}
    backward: dict[Value, set[Value]] = {}
    for u, v in edges:
        forward.setdefault(u, set()).add(v)
        backward.setdefault(v, set()).add(u)
    rows: set[tuple] = set()
    for n, rule in enumerate(users):
        for k, use in enumerate(_uses(rule)):
            key = (n, k)
            if key not in memo:
                allowed = allowed_values(rule, view, known, skip=NATIVE)
                src, dst = use.atom.args
                sources, targets = _side(src, allowed), _side(dst, allowed)
                found = _classes(rule, use, view, known, targets)
                if found is not None and len(found[1]) <= MAX_CLASSES:
                    narrowed = _class_sources(rule, use, view, known, sources, *found)
                    memo[key] = (sources, targets, found[1], narrowed)
                else:
                    memo[key] = (sources, targets, None, {})
            sources, targets, classes, narrowed = memo[key]
            for u, v in sorted(edges, key=tuple_key):
                starts = _walk(graph, graph.pred, backward, u)
                ends = _walk(graph, graph.succ, forward, v)
                if sources is not None:
                    starts &= sources
                if classes is None:
                    ends = ends if targets is None else ends & targets
                    if len(starts) * len(ends) + len(rows) > MAX_ADDED:
                        return None
                    rows |= {(s, t) for s in starts for t in ends}
                    continue
                for name, members in classes.items():
                    hit = members & ends
                    if hit:
                        witness = min(hit, key=value_key)
                        chosen = starts & narrowed[name] if name in narrowed else starts
                        rows |= {(s, witness) for s in chosen}
                if len(rows) > MAX_ADDED:
                    return None
    return rows - store.rows(REACHES)


def _known_beyond(store: FactStore, edges: set[tuple[Value, Value]], memo: dict) -> bool:
    """Whether every imports edge of each added edge's target is in the store, when only the
    modules the searches' sources reach were parsed (prepare; an optimisation): a target that
    is no module imports nothing, one in the searched graph was reached (its file parsed),
    another module's imports may be missing."""
    if "modules" not in memo:
        memo["modules"] = {row[0] for row in store.rows("module")} if "module" in store.relations() else None
    modules, reached = memo["modules"], store.graph_except(None).index
    return modules is not None and all(v in reached or v not in modules for _, v in edges)


def _walk(graph, adjacency: list[list[int]], extra: dict[Value, set[Value]], start: Value) -> set[Value]:
    """`start` and every node reachable from it along `adjacency` (graph.succ or graph.pred)
    and the `extra` edges (by value)."""
    seen = {start}
    todo = [start]
    nodes, index = graph.nodes, graph.index
    while todo:
        node = todo.pop()
        nxt = [nodes[j] for j in adjacency[index[node]]] if node in index else []
        for other in (*nxt, *extra.get(node, ())):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen
