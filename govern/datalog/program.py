"""Static analysis shared by the evaluators and the prover.

Which predicates are derived, stratification (negation must point to a lower
stratum), a join order for rule bodies, and matching atoms against tuples.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from govern.datalog.model import (
    Aggregate, Atom, BodyItem, Comparison, Const, Literal, Rule, Value, Var, aggregate_value, compare,
)

Env = dict[str, Value]
# Native relations computed from a derived one: `reaches_except(G, S, D)` searches the
# imports minus the edges `ignore_import(G, A, B)` derives, so it depends on those rules.
NATIVE_INPUTS: dict[str, str] = {"reaches_except": "ignore_import", "reaches_in": "ignore_import_in"}


class NotStratifiable(ValueError):
    """A predicate depends on itself through `not`; the program has no stratified meaning."""


def derived(rules: Iterable[Rule]) -> set[str]:
    """Predicates defined by some rule head."""
    return {r.head.pred for r in rules}


def body_preds(rules: Iterable[Rule]) -> set[str]:
    """Predicates the rules read (an aggregate reads its helper predicate)."""
    return {b.pred if isinstance(b, Aggregate) else b.atom.pred for r in rules for b in r.body
            if not isinstance(b, Comparison)}


def dependents(rules: Iterable[Rule], preds: Iterable[str]) -> set[str]:
    """The predicates given and every predicate whose rules read one of them, transitively."""
    rules = list(rules)
    found = set(preds)
    grew = True
    while grew:
        grew = False
        for rule in rules:
            if rule.head.pred not in found and body_preds([rule]) & found:
                found.add(rule.head.pred)
                grew = True
    return found


def has_aggregates(rules: Iterable[Rule]) -> bool:
    return any(isinstance(b, Aggregate) for r in rules for b in r.body)


def base_preds(rules: Sequence[Rule]) -> set[str]:
    """Predicates the rules read but never derive: they come from facts."""
    return body_preds(rules) - derived(rules)


def rule_vars(rule: Rule) -> set[str]:
    names = set(rule.head.variables())
    for item in rule.body:
        names |= item_vars(item)
    return names


def item_vars(item: BodyItem) -> set[str]:
    if isinstance(item, Literal):
        return item.atom.variables()
    if isinstance(item, Aggregate):
        return {v.name for v in item.group} | ({item.result.name} if isinstance(item.result, Var) else set())
    return {t.name for t in (item.left, item.right) if isinstance(t, Var)}


def _needs(item: BodyItem) -> set[str]:
    """Variables that must be bound before a filter runs (an aggregate binds its result)."""
    return {v.name for v in item.group} if isinstance(item, Aggregate) else item_vars(item)


def strata(rules: Sequence[Rule]) -> list[list[Rule]]:
    """Rules grouped by stratum, dependencies first (rule order kept inside a stratum).

    One stratum per recursive component (strongly connected set of predicates),
    in topological order, so only truly recursive rules iterate. A `not` inside
    a component has no stratified meaning and is refused.
    """
    recursive = recursive_preds(rules)
    component = {p: frozenset(recursive[p] | {p}) for p in recursive}
    for rule in rules:
        for item in rule.body:
            if isinstance(item, Literal) and item.negated and item.atom.pred in component[rule.head.pred]:
                raise NotStratifiable(f"{rule.head.pred} depends on itself through negation")
    depends: dict[frozenset, set[frozenset]] = {c: set() for c in component.values()}
    for rule in rules:
        for pred in body_preds([rule]):
            if pred in component and component[pred] != component[rule.head.pred]:
                depends[component[rule.head.pred]].add(component[pred])
    level: dict[frozenset, int] = {}
    for comp in sorted(depends, key=sorted):
        _level(comp, depends, level)
    groups: dict[tuple, list[Rule]] = {}
    for rule in rules:
        comp = component[rule.head.pred]
        groups.setdefault((level[comp], tuple(sorted(comp))), []).append(rule)
    return [groups[k] for k in sorted(groups)]


def _level(comp: frozenset, depends: dict, level: dict) -> int:
    """1 + the deepest dependency (iterative: programs may chain many helper predicates)."""
    stack = [comp]
    while stack:
        top = stack[-1]
        todo = [d for d in depends[top] if d not in level]
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        level[top] = 1 + max((level[d] for d in depends[top]), default=-1)
    return level[comp]


def needed_rules(rules: Sequence[Rule], goals: Iterable[str], native: bool = True) -> list[Rule]:
    """The rules the goals depend on (transitively), in their original order.

    `native=False`: once the native relations are materialised, the rules only they read
    (`ignore_import` for `reaches_except`) are no longer needed by the engine."""
    by_head: dict[str, list[Rule]] = {}
    for rule in rules:
        by_head.setdefault(rule.head.pred, []).append(rule)
    todo, seen = [g for g in goals if g in by_head], set()
    while todo:
        pred = todo.pop()
        if pred in seen:
            continue
        seen.add(pred)
        reads = body_preds(by_head[pred])
        if native:
            reads |= {NATIVE_INPUTS[p] for p in reads if p in NATIVE_INPUTS}
        todo.extend(p for p in reads if p in by_head)
    return [r for r in rules if r.head.pred in seen]


def recursive_preds(rules: Sequence[Rule]) -> dict[str, set[str]]:
    """For each derived predicate, the predicates in its recursive component (itself
    included only when it really recurses)."""
    edges: dict[str, set[str]] = {}
    for rule in rules:
        edges.setdefault(rule.head.pred, set()).update(body_preds([rule]))
    reach = {p: _reachable(p, edges) for p in edges}
    return {p: {q for q in reach[p] if p in reach.get(q, ())} for p in edges}


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        pred = todo.pop()
        if pred not in seen:
            seen.add(pred)
            todo.extend(edges.get(pred, ()))
    return seen


def plan(
    body: Sequence[BodyItem], bound: Iterable[str] = (), first: Iterable[str] = (), binds: bool = False
) -> list[BodyItem]:
    """A join order: positive literals of the `first` predicates in written order, then
    positive literals greedily by how many arguments are already bound; comparisons and
    negations as soon as all their variables are bound (safety guarantees that happens).
    With `binds`, an equality with one known side counts as binding the other (pyDatalog's
    `==` unifies)."""
    known = set(bound)
    leading = set(first)
    order: list[BodyItem] = [
        b for b in body if isinstance(b, Literal) and not b.negated and b.atom.pred in leading
    ]
    todo = [b for b in body if b not in order]
    for item in order:
        known |= item_vars(item)
    while todo:
        ready = [b for b in todo if _is_filter(b) and (_needs(b) <= known or binds and _binds(b, known))]
        if ready:
            pick = ready[0]
        else:
            positives = [b for b in todo if not _is_filter(b)]
            if not positives:  # unsafe rule: keep the rest as written, the evaluator will reject it
                pick = todo[0]
            else:
                pick = max(positives, key=lambda b: (_bound_count(b.atom, known), -todo.index(b)))
        todo.remove(pick)
        order.append(pick)
        known |= item_vars(pick)
    return order


def _binds(item: BodyItem, known: set[str]) -> bool:
    if not isinstance(item, Comparison) or item.op != "=":
        return False
    return any(isinstance(t, Const) or t.name in known for t in (item.left, item.right))


def _is_filter(item: BodyItem) -> bool:
    return not isinstance(item, Literal) or item.negated


def _bound_count(atom: Atom, known: set[str]) -> int:
    return sum(1 for a in atom.args if isinstance(a, Const) or a.name in known)


def value_of(term, env: Mapping[str, Value]) -> Value:
    return term.value if isinstance(term, Const) else env[term.name]


def ground(atom: Atom, env: Mapping[str, Value]) -> tuple[Value, ...]:
    """The tuple of an atom whose variables are all bound in env."""
    return tuple(value_of(t, env) for t in atom.args)


def bound_positions(atom: Atom, env: Mapping[str, Value]) -> dict[int, Value]:
    """Argument positions whose value is known (constants and bound variables)."""
    out = {}
    for i, term in enumerate(atom.args):
        if isinstance(term, Const):
            out[i] = term.value
        elif term.name in env:
            out[i] = env[term.name]
    return out


def match(atom: Atom, row: Sequence[Value], env: Env) -> Env | None:
    """Extend env so that atom equals row, or None when they cannot match."""
    if len(row) != len(atom.args):
        return None
    out = env
    for term, value in zip(atom.args, row):
        if isinstance(term, Const):
            if term.value != value:
                return None
        elif term.name in out:
            if out[term.name] != value:
                return None
        else:
            if out is env:
                out = dict(env)
            out[term.name] = value
    return out


def body_solutions(order: Sequence[BodyItem], env: Env, candidates: Callable[[int, Atom, Env], Iterable[tuple]],
                   holds: Callable[[str, tuple], bool], k: int = 0) -> Iterator[Env]:
    """Every extension of env satisfying order[k:], in order: comparisons evaluated, `not
    p(...)` kept when `holds(p, row)` is false, and each positive literal (the k-th of
    `order`) matched against the rows `candidates(k, atom, env)` offers. The evaluator and
    the prover differ only in those two functions."""
    if k == len(order):
        yield env
        return
    item = order[k]
    if isinstance(item, Comparison):
        if comparison_holds(item, env):
            yield from body_solutions(order, env, candidates, holds, k + 1)
        return
    if isinstance(item, Aggregate):
        extended = aggregate_env(item, candidates(k, item.atom, env), env)
        if extended is not None:
            yield from body_solutions(order, extended, candidates, holds, k + 1)
        return
    if item.negated:
        if not holds(item.atom.pred, ground(item.atom, env)):
            yield from body_solutions(order, env, candidates, holds, k + 1)
        return
    for row in candidates(k, item.atom, env):
        extended = match(item.atom, row, env)
        if extended is not None:
            yield from body_solutions(order, extended, candidates, holds, k + 1)


def aggregate_env(item: Aggregate, rows: Iterable[tuple], env: Env) -> Env | None:
    """env with the aggregate's result bound (or checked), None when it fails. `rows`: the
    helper's tuples for the group's values (every group variable is bound in env)."""
    n = len(item.group)
    value = aggregate_value(item.op, (row[n:] for row in rows))
    if value is None:
        return None
    return match(Atom("", (item.result,)), (value,), env)


def comparison_holds(item: Comparison, env: Mapping[str, Value]) -> bool:
    """A comparison whose variables are all bound in env, evaluated under the total order."""
    return compare(item.op, value_of(item.left, env), value_of(item.right, env))
