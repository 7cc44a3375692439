"""Build proofs top-down, from facts alone (no engine involved).

For a goal, try the rules whose head matches, join the body against the
indexed facts with the head's bindings, and prove the derived premises first
(depth-first with an explicit stack, not recursion: a recursive rule over a chain
of 1,500 modules is a proof 1,500 levels deep).
Derived (private) predicates are first evaluated by the naive evaluator, which
records each tuple's rank; a premise must have a lower rank than its
conclusion, so proofs are well-founded. Among the first few body solutions the
one with the lowest highest-premise rank is taken (a short proof, cheaply).
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence

from govern.datalog import naive, reaches
from govern.datalog.model import Aggregate, Atom, Comparison, Const, Literal, Rule, tuple_key
from govern.datalog.naive import Model
from govern.datalog.program import (
    Env, base_preds, body_preds, body_solutions, bound_positions, derived, ground, match, needed_rules, plan, rule_vars,
    value_of,
)
from govern.datalog.proof import LISTED, Proof, atom_values, ground_atom, tuples_digest
from govern.datalog.store import FactStore

# How many body solutions to compare when looking for the shortest proof.
CANDIDATES = 8


class NotProvable(ValueError):
    """The atom does not follow from the rules and facts."""


class Prover:
    def __init__(self, rules: Sequence[Rule], store: FactStore, relevant: Mapping[str, set] | None = None) -> None:
        """`relevant`: the facts the answers can rest on (Relevance.filter), enough to rank
        the derived tuples their proofs use; default every fact of the store."""
        self.rules = list(rules)
        self.store = store
        self.derived = derived(self.rules)
        self._memo: dict[tuple[str, tuple], Proof] = {}
        self._choices: dict[tuple, tuple[Rule, Env]] = {}
        self._plans: dict[tuple[int, frozenset], list] = {}
        # Per rule (by id; the rules are held above): its clause text and sorted variable names.
        self._texts: dict[int, tuple[str, list[str]]] = {}
        # (derived predicate, bound values) -> its tuples in value order (the model is final).
        self._sorted: dict[tuple, list[tuple]] = {}
        # Derived predicates that occur in some body: their tuples and ranks come from the naive evaluator.
        private = needed_rules(self.rules, body_preds(self.rules) & self.derived)
        names = base_preds(private) & set(store.relations())
        facts = store.as_mapping(names) if relevant is None else {n: relevant.get(n, set()) for n in sorted(names)}
        self.model: Model = naive.solve(private, facts)
        self._evaluated = derived(private)

    def prove(self, goal: Atom) -> Proof:
        """A proof of the ground atom `goal` (NotProvable when it does not hold)."""
        return self._atom(goal.pred, atom_values(goal))

    def _atom(self, pred: str, row: tuple) -> Proof:
        """The proof of one ground atom: a derived atom's node is built once its premises'
        nodes are (each premise has a lower rank, so the stack never meets its own goal)."""
        goal = (pred, row)
        stack = [goal]
        while stack:
            key = stack[-1]
            if key in self._memo:
                stack.pop()
            elif key[0] not in self.derived:
                self._memo[key] = self._leaf(*key)
                stack.pop()
            else:
                rule, env = self._chosen(*key)
                missing = [k for k in self._needs(rule, env) if k not in self._memo]
                if missing:
                    stack += reversed(missing)
                else:
                    self._memo[key] = self._rule_node(rule, env, key[1])
                    stack.pop()
        return self._memo[goal]

    def _leaf(self, pred: str, row: tuple) -> Proof:
        if pred in reaches.NATIVE:
            return self._chain(pred, row)
        source = self.store.source(pred, row)
        if source is None:
            raise NotProvable(f"{ground_atom(pred, row)} is not a fact")
        return Proof("fact", ground_atom(pred, row), source=source)

    def _chain(self, pred: str, row: tuple) -> Proof:
        """reaches: the imports facts of the chain; reaches_except (reaches_in): each followed
        by the absence of `ignore_import(G, A, B)` (`ignore_import_in(G, P, A, B)`) for that step."""
        graph, prefix = reaches.graph_key(pred, row)
        chain = reaches.chain(self.store, row[-2], row[-1], graph)
        if not chain:
            raise NotProvable(f"no import chain {row[-2]} -> {row[-1]}")
        kids: list[Proof] = []
        for f in chain:
            kids.append(self._atom(f.relation, f.args))
            if graph is not None:
                kids.append(Proof("absence", ground_atom(reaches.IGNORED_BY[pred], (*prefix, *f.args))))
        return Proof("reaches", ground_atom(pred, row), children=tuple(kids))

    def _needs(self, rule: Rule, env: Env) -> list[tuple[str, tuple]]:
        """The atoms whose proofs are the children of the rule instance (aggregates: the listed tuples)."""
        out = []
        for item in rule.body:
            if isinstance(item, Aggregate):
                rows = self._candidates(item.atom, env)
                out += [(item.pred, r) for r in rows] if len(rows) <= LISTED else []
            elif isinstance(item, Literal) and not item.negated:
                out.append((item.atom.pred, ground(item.atom, env)))
        return out

    def _chosen(self, pred: str, row: tuple) -> tuple[Rule, Env]:
        key = ("~chosen", (pred, row))
        if key not in self._choices:
            self._choices[key] = self._derived(pred, row)
        return self._choices[key]

    def _derived(self, pred: str, row: tuple) -> tuple[Rule, Env]:
        """The rule instance proving the derived atom: among the first CANDIDATES body
        solutions, the one whose highest premise has the lowest rank."""
        rank = self.model.rank(pred, row) if pred in self._evaluated else math.inf
        best = None
        for rule in self.rules:
            if rule.head.pred != pred:
                continue
            env = match(rule.head, row, {})
            if env is None:
                continue
            floor = self._floor(rule)
            for i, solution in enumerate(self._solutions(self._plan(rule, env), env, rank)):
                height = max([self._rank(b, solution) for b in rule.body] + [-1])
                if best is None or height < best[0]:
                    best = (height, rule, solution)
                if i + 1 >= CANDIDATES or height <= floor:
                    break
            if best is not None and best[0] <= 0:
                break  # only facts below: no other rule can do better
        if best is None:
            raise NotProvable(f"{ground_atom(pred, row)} is not derivable")
        _, rule, env = best
        return rule, env

    def _floor(self, rule: Rule) -> int:
        """The lowest height any instance of the rule can have (no need to search below it)."""
        key = (id(rule), None)
        if key not in self._plans:
            ranks = [
                min((self.model.rank(b.atom.pred, r) for r in self.model.rows(b.atom.pred)), default=0)
                for b in rule.body
                if isinstance(b, Literal) and not b.negated and b.atom.pred in self._evaluated
            ]
            self._plans[key] = max(ranks + [-1])
        return self._plans[key]

    def _plan(self, rule: Rule, env: Env) -> list:
        key = (id(rule), frozenset(env))
        if key not in self._plans:
            self._plans[key] = plan(rule.body, env)
        return self._plans[key]

    def _rule_node(self, rule: Rule, env: Env, row: tuple) -> Proof:
        children = tuple(self._premise(item, env) for item in rule.body)
        texts = self._texts.get(id(rule))
        if texts is None:
            texts = self._texts[id(rule)] = (str(rule), sorted(rule_vars(rule)))
        clause, names = texts
        return Proof(
            "rule", ground_atom(rule.head.pred, row), children=children, origin=rule.origin,
            clause=clause, bindings=tuple((n, env[n]) for n in names),
        )

    def _premise(self, item, env: Env) -> Proof:
        # Leaves are shared between proofs (same node, same id): built and hashed once.
        if isinstance(item, Comparison):
            key = ("~comparison", (item.op, value_of(item.left, env), value_of(item.right, env)))
            if key not in self._memo:
                op, left, right = key[1]
                self._memo[key] = Proof("comparison", comparison=Comparison(op, Const(left), Const(right)))
            return self._memo[key]
        if isinstance(item, Aggregate):
            return self._aggregate(item, env)
        row = ground(item.atom, env)
        if item.negated:
            key = ("~absence", (item.atom.pred, row))
            if key not in self._memo:
                self._memo[key] = Proof("absence", ground_atom(item.atom.pred, row))
            return self._memo[key]
        return self._memo[(item.atom.pred, row)]  # proven before the node (_atom)

    def _aggregate(self, item: Aggregate, env: Env) -> Proof:
        """The counted tuples (each proven, up to LISTED of them), the op, value and digest."""
        group = tuple(env[v.name] for v in item.group)
        key = ("~aggregate", (item.pred, item.op, group))
        if key not in self._memo:
            rows = self._candidates(item.atom, env)
            value = value_of(item.result, env)
            children = tuple(self._memo[(item.pred, row)] for row in rows) if len(rows) <= LISTED else ()
            self._memo[key] = Proof("aggregate", ground_atom(item.pred, group), children=children,
                                    aggregate=(item.op, value, len(rows), tuples_digest(rows)))
        return self._memo[key]

    def _rank(self, item, env: Env) -> int:
        if isinstance(item, Literal) and not item.negated and item.atom.pred in self._evaluated:
            return self.model.rank(item.atom.pred, ground(item.atom, env))
        return 0

    def _solutions(self, order: list, env: Env, rank: float) -> Iterator[Env]:
        """Body solutions whose derived premises have rank below `rank`."""

        def candidates(_k: int, atom: Atom, bound_env: Env):
            rows = self._candidates(atom, bound_env)
            if atom.pred not in self._evaluated:
                return rows
            return (row for row in rows if self.model.rank(atom.pred, row) < rank)

        return body_solutions(order, env, candidates, self._holds)

    def _candidates(self, atom: Atom, env: Env):
        bound = bound_positions(atom, env)
        if atom.pred in self._evaluated:
            key = (atom.pred, tuple(sorted(bound.items())))
            rows = self._sorted.get(key)
            if rows is None:
                table = self.model.tables.get(atom.pred)
                rows = self._sorted[key] = sorted(table.lookup(bound), key=tuple_key) if table else []
            return rows
        return self.store.lookup(atom.pred, bound)

    def _holds(self, pred: str, row: tuple) -> bool:
        if pred in self._evaluated:
            return row in self.model.rows(pred)
        if pred in reaches.NATIVE and pred not in self.derived:
            return bool(reaches.chain(self.store, row[-2], row[-1], reaches.graph_key(pred, row)[0]))
        return self.store.contains(pred, row)
