"""Which values a rule's variables can take, judged from its base literals alone.

A positive literal over a base relation must match a fact, so each of its
variables can only take values that some fact (matching the literal's
constants) has at that position. Starting from literals with a single
variable (`under(D, "app.db")`, `glob(F, "app/**")`) and propagating through
the others (`module(S, F)`), we get small candidate sets: `reaches` is then
computed only for those sources and targets, and engines are fed only facts
that can match. A variable with no restriction is absent from the result.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from govern.datalog.model import Atom, Const, Literal, Rule, Value, Var
from govern.datalog.program import body_solutions, bound_positions
from govern.datalog.store import FactStore

Allowed = dict[str, set[Value]]


# A literal over a relation this small narrows its variables from the start, like one
# with a single variable (e.g. `reaches` after the per-class search: a handful of pairs).
SMALL = 1024


def allowed_values(rule: Rule, store, base: set[str], skip: Iterable[str] = ("reaches",),
                   seed: Allowed | None = None) -> Allowed:
    """Candidate values per variable of `rule` (only the variables that are restricted).

    `seed`: values some variables are already known to be limited to (the head values
    the rule's callers can ask for, see `demanded`)."""
    skipped = set(skip)
    literals = [
        b.atom for b in rule.body
        if isinstance(b, Literal) and not b.negated and b.atom.pred in base and b.atom.pred not in skipped
    ]
    allowed: Allowed = {name: set(values) for name, values in (seed or {}).items()}
    for atom in sorted(literals, key=lambda a: len(store.rows(a.pred))):
        if len(atom.variables()) == 1 or len(store.rows(atom.pred)) <= SMALL:
            _narrow(allowed, atom, matching_rows(store, atom, allowed))
    # Two rounds reach the fixpoint for the shapes rule kinds compile to (helper → module → …).
    for _ in range(2):
        for atom in literals:
            names = atom.variables()
            if len(names) > 1 and names & allowed.keys():
                _narrow(allowed, atom, matching_rows(store, atom, allowed))
    return allowed


def demanded(rules: Sequence[Rule], store, base: set[str], goals: Iterable[str] | None) -> list[Allowed]:
    """`allowed_values` of each rule (in rule order), every positive base literal used,
    with the head variables of helper rules seeded by what their callers can ask for.

    Callers are done before the predicates they call (recursive ones get no seed): a
    helper `layer(M, ...) :- under(M, "pkg.api")` called as `layer(S, ...)` and
    `layer(D, ...)` only needs the M that S and D can take. The union over every call,
    negated ones included, so nothing any caller may look up is left out. The `goals`
    are wanted in full and never seeded (None: no predicate is seeded).
    """
    roots = None if goals is None else set(goals)
    by_head: dict[str, list[int]] = {}
    for i, rule in enumerate(rules):
        by_head.setdefault(rule.head.pred, []).append(i)
    waiting = {pred: 0 for pred in by_head}  # callers not yet done
    for rule in rules:
        for pred in {b.atom.pred for b in rule.body if isinstance(b, Literal)} & by_head.keys():
            waiting[pred] += 1
    demand: dict[str, list[set[Value] | None]] = {}
    out: dict[int, Allowed] = {}
    ready, done = sorted(p for p, n in waiting.items() if n == 0), set()
    while len(done) < len(by_head):
        if ready:
            pred = ready.pop(0)
            # Every caller is done: the whole demand.
            wanted = None if roots is None or pred in roots else demand.get(pred)
        else:  # only recursive predicates are left: they get no seed
            pred, wanted = min(p for p in by_head if p not in done), None
        if pred in done:
            continue
        done.add(pred)
        for i in by_head[pred]:
            out[i] = allowed_values(rules[i], store, base, skip=(), seed=_seed(rules[i].head, wanted))
            for callee in _record(rules[i], out[i], demand, by_head):
                waiting[callee] -= 1
                if waiting[callee] == 0 and callee not in done:
                    ready.append(callee)
    return [out[i] for i in range(len(rules))]


def _seed(head: Atom, wanted: list[set[Value]] | None) -> Allowed:
    seed: Allowed = {}
    for term, values in zip(head.args, wanted or ()):
        if isinstance(term, Var) and values is not None:
            seed[term.name] = seed[term.name] & values if term.name in seed else set(values)
    return seed


def _record(rule: Rule, allowed: Allowed, demand: dict, by_head: dict) -> list[str]:
    """Add the values this rule can ask of each derived predicate; returns the callees."""
    callees = set()
    for item in rule.body:
        if not isinstance(item, Literal) or item.atom.pred not in by_head:
            continue
        callees.add(item.atom.pred)
        asked = [{t.value} if isinstance(t, Const) else allowed.get(t.name) for t in item.atom.args]
        known = demand.get(item.atom.pred)
        demand[item.atom.pred] = asked if known is None else [
            None if a is None or k is None else a | k for a, k in zip(asked, known)
        ]
    return sorted(callees)


def matches(atom: Atom, row: tuple, allowed: Allowed) -> bool:
    """Could `row` match `atom` given the constants and the candidate sets?"""
    seen: dict[str, Value] = {}
    for term, value in zip(atom.args, row):
        if isinstance(term, Const):
            if term.value != value:
                return False
        else:
            if term.name in seen and seen[term.name] != value:
                return False
            seen[term.name] = value
            if term.name in allowed and value not in allowed[term.name]:
                return False
    return True


def matcher(atom: Atom, allowed: Allowed) -> Callable[[tuple], bool]:
    """`lambda row: matches(atom, row, allowed)`, its plan made once (an optimisation: a filter
    asks it of every row of a relation, 47,000 times on napari): the constants, the positions a
    repeated variable must equal, the candidate set of each restricted variable."""
    arity = len(atom.args)
    consts = [(i, t.value) for i, t in enumerate(atom.args) if isinstance(t, Const)]
    first: dict[str, int] = {}
    repeats, sets = [], []
    for i, term in enumerate(atom.args):
        if isinstance(term, Var):
            if term.name in first:
                repeats.append((first[term.name], i))
            else:
                first[term.name] = i
                if term.name in allowed:
                    sets.append((i, allowed[term.name]))

    def check(row: tuple) -> bool:
        if len(row) != arity:  # never for a relation's rows; matches() says what zip() would
            return matches(atom, row, allowed)
        for i, value in consts:
            if row[i] != value:
                return False
        for i, j in repeats:
            if row[i] != row[j]:
                return False
        for i, values in sets:
            if row[i] not in values:
                return False
        return True

    return check


def matching_rows(store: FactStore, atom: Atom, allowed: Allowed) -> list[tuple]:
    """The rows of the atom's relation that can match it (`matches`), the smallest candidate
    set looked up in an index when that reads fewer rows than a scan."""
    consts = {i: t.value for i, t in enumerate(atom.args) if isinstance(t, Const)}
    # Look a small candidate set up in the index rather than scanning the relation.
    best = None
    for i, term in enumerate(atom.args):
        if isinstance(term, Var) and term.name in allowed and (best is None or len(allowed[term.name]) < len(allowed[best[1]])):
            best = (i, term.name)
    if best is not None and len(allowed[best[1]]) * 4 < len(store.rows(atom.pred)):
        rows = [r for v in allowed[best[1]] for r in store.lookup(atom.pred, {**consts, best[0]: v})]
    else:
        rows = store.lookup(atom.pred, consts)
    return list(filter(matcher(atom, allowed), rows))


def _narrow(allowed: Allowed, atom: Atom, rows: list[tuple]) -> None:
    for i, term in enumerate(atom.args):
        if isinstance(term, Var):
            values = {r[i] for r in rows}
            allowed[term.name] = allowed[term.name] & values if term.name in allowed else values


class Layered:
    """Read-only view over several stores: a relation is read from the first store holding it."""

    def __init__(self, first: FactStore, *rest: FactStore) -> None:
        self.first = first
        self.stores = (first, *rest)

    def _store(self, relation: str) -> FactStore:
        return next((s for s in self.stores if s.rows(relation)), self.stores[-1])

    def rows(self, relation: str) -> set[tuple]:
        return self._store(relation).rows(relation)

    def lookup(self, relation: str, bound) -> list[tuple]:
        return self._store(relation).lookup(relation, bound)


def solutions(atoms: list[Atom], store, env: dict) -> Iterator[dict]:
    """Every extension of env matching all atoms against the store (nested index lookups)."""
    return body_solutions([Literal(atom) for atom in atoms], env,
                          lambda _k, atom, bound: store.lookup(atom.pred, bound_positions(atom, bound)),
                          lambda _pred, _row: False)  # no negation among plain atoms
