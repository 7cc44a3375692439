"""What the rules can use: which facts to extract, and which to feed the engine.

`relevant(rules)` names the relations the rules read and the constant
patterns of the helper relations (`glob`, `under`, `dist_match`), which govern
passes to the fact extractor so it computes only useful facts.
`Relevance.filter(store)` then keeps only facts that can match some literal of
some rule: the relation is read, the constants agree, and (semijoin
pre-filter) every variable restricted by the rule's other base literals takes
an allowed value (govern.datalog.restrict). Feeding fewer facts matters: a
pyDatalog assertion costs tens of microseconds.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from govern.datalog.model import Const, Literal, Rule, Value
from govern.datalog.program import base_preds
from govern.datalog.restrict import Allowed, demanded, matching_rows
from govern.datalog.store import FactStore

Row = tuple[Value, ...]
# Helper relation -> the field of Relevance collecting its constant patterns.
PATTERN_FIELDS = {"glob": "globs", "under": "prefixes", "dist_match": "dists", "group_match": "groups",
                  "module_match": "modules"}


@dataclass(frozen=True)
class Relevance:
    """Relations and helper patterns the rules mention (the fields of facts.api.Wanted)."""

    relations: frozenset[str]
    globs: frozenset[str]
    prefixes: frozenset[str]
    dists: frozenset[str]
    groups: frozenset[str] = frozenset()
    modules: frozenset[str] = frozenset()
    rules: tuple[Rule, ...] = ()

    def restrictions(self, store: FactStore, goals: Sequence[str] | None = None) -> list[Allowed]:
        """Candidate values of each rule's variables (one dict per rule, in rule order),
        from every positive base literal (materialised `reaches` included) and, for the
        rules of predicates other than `goals`, the values their callers can ask for
        (govern.datalog.restrict.demanded). `goals` None: every derived predicate is
        asked for in full, so none is narrowed by its callers."""
        return demanded(self.rules, store, base_preds(self.rules), goals)

    def filter(self, store: FactStore, goals: Sequence[str] | None = None) -> dict[str, set[Row]]:
        """relation -> the tuples some literal of some rule can match, when only the
        answers of `goals` are wanted (None: of every derived predicate)."""
        base = base_preds(self.rules)
        allowed = self.restrictions(store, goals)
        out: dict[str, set[Row]] = {pred: set() for pred in sorted(base)}
        for rule, candidates in zip(self.rules, allowed):
            for item in rule.body:
                if isinstance(item, Literal) and item.atom.pred in base:
                    out[item.atom.pred].update(matching_rows(store, item.atom, candidates))
        return out


def relevant(rules: Sequence[Rule]) -> Relevance:
    """The relations (base facts) and helper patterns the rules can read."""
    relations = set(base_preds(rules))
    if relations & {"reaches", "reaches_except", "reaches_in"}:
        relations.add("imports")  # reaches is computed from the imports facts
    patterns: dict[str, set[str]] = {f: set() for f in PATTERN_FIELDS.values()}
    for rule in rules:
        for item in rule.body:
            if isinstance(item, Literal) and item.atom.pred in PATTERN_FIELDS and len(item.atom.args) == 2:
                pattern = item.atom.args[1]
                if isinstance(pattern, Const) and isinstance(pattern.value, str):
                    patterns[PATTERN_FIELDS[item.atom.pred]].add(pattern.value)
    return Relevance(
        relations=frozenset(relations),
        globs=frozenset(patterns["globs"]),
        prefixes=frozenset(patterns["prefixes"]),
        dists=frozenset(patterns["dists"]),
        groups=frozenset(patterns["groups"]),
        modules=frozenset(patterns["modules"]),
        rules=tuple(rules),
    )
