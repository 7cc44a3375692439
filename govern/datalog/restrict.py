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

from collections.abc import Iterable, Iterator

from govern.datalog.model import Atom, Const, Literal, Rule, Value, Var
from govern.datalog.program import bound_positions, match
from govern.datalog.store import FactStore

Allowed = dict[str, set[Value]]


def allowed_values(rule: Rule, store, base: set[str], skip: Iterable[str] = ("reaches",)) -> Allowed:
    """Candidate values per variable of `rule` (only the variables that are restricted)."""
    skipped = set(skip)
    literals = [
        b.atom for b in rule.body
        if isinstance(b, Literal) and not b.negated and b.atom.pred in base and b.atom.pred not in skipped
    ]
    allowed: Allowed = {}
    for atom in literals:
        if len(atom.variables()) == 1:
            _narrow(allowed, atom, _rows(store, atom, allowed))
    # Two rounds reach the fixpoint for the shapes rule kinds compile to (helper → module → …).
    for _ in range(2):
        for atom in literals:
            names = atom.variables()
            if len(names) > 1 and names & allowed.keys():
                _narrow(allowed, atom, _rows(store, atom, allowed))
    return allowed


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


def _rows(store: FactStore, atom: Atom, allowed: Allowed) -> list[tuple]:
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
    return [r for r in rows if matches(atom, r, allowed)]


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
    if not atoms:
        yield env
        return
    atom, rest = atoms[0], atoms[1:]
    for row in store.lookup(atom.pred, bound_positions(atom, env)):
        extended = match(atom, row, env)
        if extended is not None:
            yield from solutions(rest, store, extended)
