"""Rewrites that keep pyDatalog 0.22's tabled resolution terminating.

Found by the differential test (tests/unit/test_engine_property.py): pyDatalog
loops forever on a cycle of three or more mutually recursive predicates, and
on recursive calls made with constants, repeated or bound variables. So before
a program reaches pyDatalog:

1. `merge_components`: the predicates of each mutually recursive component
   become one predicate `~cN(Tag, args…, padding…)` — mutual recursion turns
   into self-recursion ("~" cannot start a user predicate, so names never clash).
2. `tabled_form`: every argument of a recursive literal, and every constant or
   repeated head argument, becomes a fresh variable tied back by an equality,
   so each recursive predicate is only ever called with all arguments free.

Both rewrites keep the program's meaning; the answers are mapped back.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from govern.datalog.model import Atom, Comparison, Const, Literal, Rule, Value, Var
from govern.datalog.program import recursive_preds

Row = tuple[Value, ...]
PAD = Const(0)


class Merge:
    """Where each predicate of a merged component lives: (merged name, tag, width)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        arity = {r.head.pred: len(r.head.args) for r in rules}
        self.place: dict[str, tuple[str, int, int]] = {}
        components = sorted({frozenset(c) for c in recursive_preds(rules).values() if len(c) > 1}, key=sorted)
        for n, comp in enumerate(components):
            width = max(arity[p] for p in comp)
            for tag, pred in enumerate(sorted(comp)):
                self.place[pred] = (f"~c{n}", tag, width)

    def atom(self, atom: Atom) -> Atom:
        if atom.pred not in self.place:
            return atom
        name, tag, width = self.place[atom.pred]
        return Atom(name, (Const(tag), *atom.args, *[PAD] * (width - len(atom.args))))

    def rule(self, rule: Rule) -> Rule:
        body = tuple(
            Literal(self.atom(b.atom), b.negated) if isinstance(b, Literal) else b for b in rule.body
        )
        return Rule(self.atom(rule.head), body, rule.origin)

    def facts(self, facts: Mapping[str, set[Row]]) -> dict[str, set[Row]]:
        out: dict[str, set[Row]] = {}
        for pred, rows in facts.items():
            if pred in self.place:
                name, tag, width = self.place[pred]
                out.setdefault(name, set()).update((tag, *r, *[PAD.value] * (width - len(r))) for r in rows)
            else:
                out.setdefault(pred, set()).update(rows)
        return out

    def answers(self, pred: str, merged: Mapping[str, set[Row]], arities: set[int]) -> set[Row]:
        """The tuples of an original predicate, read back from the merged relation."""
        if pred not in self.place:
            return set(merged.get(pred, set()))
        name, tag, _ = self.place[pred]
        return {r[1:1 + a] for r in merged.get(name, set()) if r[0] == tag for a in arities}


def tabled_form(rule: Rule, recursive: set[str]) -> Rule:
    """The same rule with recursive calls all-free (see module docstring)."""
    counter = iter(range(1_000_000))
    extra: list[Comparison] = []

    def free(args, keep_first: bool) -> tuple:
        out, seen = [], set()
        for arg in args:
            if keep_first and isinstance(arg, Var) and arg.name not in seen:
                seen.add(arg.name)
                out.append(arg)
                continue
            var = Var(f"~{next(counter)}")  # "~" cannot start a user variable
            extra.append(Comparison("=", var, arg))
            out.append(var)
        return tuple(out)

    body = []
    for item in rule.body:
        if isinstance(item, Literal) and not item.negated and item.atom.pred in recursive:
            item = Literal(Atom(item.atom.pred, free(item.atom.args, keep_first=False)))
        body.append(item)
    head = Atom(rule.head.pred, free(rule.head.args, keep_first=True))
    return Rule(head, tuple(body) + tuple(extra), rule.origin)
