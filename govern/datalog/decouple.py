"""Drop joins on constant columns before a program reaches clingo.

clingo's grounder orders a rule body itself and prefers a small relation with
any bound argument. A join on a column that holds one value for the whole
relation (the container `""` of a `layers` rule without containers) makes
`layer(D, High, _, C)` look bound once C is: it is then enumerated for every
source before `reaches(M, D)` binds D — 8,000 × 2,000 steps, 1.4 s of
grounding on a 2,000-module repository instead of 0.01 s. Such a join filters
nothing, so the later occurrences get a fresh variable, still tied back by
`<=` and `>=` (comparisons, which clingo does not treat as bindings).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from govern.datalog.model import Atom, Comparison, Const, Literal, Rule, Value, Var

Row = tuple[Value, ...]


def constant_columns(rules: Sequence[Rule], facts: Mapping[str, set[Row]]) -> dict[str, set[int]]:
    """Positions holding a single value in every tuple: from the facts, or from derived
    predicates whose every rule puts the same constant there."""
    out: dict[str, set[int]] = {}
    for pred, rows in facts.items():
        if rows:
            first = next(iter(rows))
            out[pred] = {i for i, v in enumerate(first) if all(r[i] == v for r in rows)}
    heads: dict[str, list[Atom]] = {}
    for rule in rules:
        heads.setdefault(rule.head.pred, []).append(rule.head)
    for pred, atoms in heads.items():
        if pred in facts:
            continue
        first = atoms[0].args
        out[pred] = {
            i for i, t in enumerate(first)
            if isinstance(t, Const) and all(a.args[i] == t for a in atoms if len(a.args) == len(first))
        }
    return out


def decouple(rule: Rule, constant: Mapping[str, set[int]]) -> Rule:
    """The same rule, each variable bound by at most one constant-column occurrence
    (none when a real column binds it); the others become fresh variables tied by `<=`/`>=`."""
    keep = _binders(rule, constant)
    fresh = iter(f"~d{i}" for i in range(1_000_000))  # "~" cannot start a user variable
    body: list = []
    ties: list[Comparison] = []
    for k, item in enumerate(rule.body):
        if isinstance(item, Literal) and not item.negated:
            args = []
            for i, term in enumerate(item.atom.args):
                if isinstance(term, Var) and i in constant.get(item.atom.pred, ()) and keep.get(term.name) != (k, i):
                    var = Var(next(fresh))
                    ties += [Comparison("<=", var, term), Comparison(">=", var, term)]
                    term = var
                args.append(term)
            item = Literal(Atom(item.atom.pred, tuple(args)))
        body.append(item)
    return rule if not ties else Rule(rule.head, tuple(body) + tuple(ties), rule.origin)


def _binders(rule: Rule, constant: Mapping[str, set[int]]) -> dict[str, tuple[int, int] | None]:
    """Per variable: the one constant-column occurrence kept as its binder, or None when
    it occurs in some other column of a positive literal (that one binds it)."""
    keep: dict[str, tuple[int, int] | None] = {}
    for k, item in enumerate(rule.body):
        if isinstance(item, Literal) and not item.negated:
            for i, term in enumerate(item.atom.args):
                if isinstance(term, Var):
                    if i not in constant.get(item.atom.pred, ()):
                        keep[term.name] = None
                    else:
                        keep.setdefault(term.name, (k, i))
    return keep
