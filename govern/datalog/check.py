"""An independent proof checker: re-validates a proof from the rules and facts alone.

No engine is involved. Every node's id must equal its content hash; a rule
node must name a rule that exists and whose bindings instantiate the head to
the conclusion and the body, literal by literal, to the children; facts must
be in the store with that source; absences must really be absent (derived
predicates are re-evaluated by the naive evaluator); comparisons must hold;
`reaches` nodes must be a real import chain; no conclusion may depend on itself.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from govern.datalog import naive, reaches
from govern.datalog.model import Aggregate, Atom, Comparison, Const, Rule, aggregate_value, compare
from govern.datalog.naive import Model
from govern.datalog.program import base_preds, derived, needed_rules, rule_vars
from govern.datalog.proof import LISTED, Proof, atom_values, content_id, ground_atom, tuples_digest
from govern.datalog.store import FactStore


def check_proof(proof: Proof, rules: Sequence[Rule], store: FactStore) -> list[str]:
    """Problems found in the proof (empty: the proof is valid)."""
    return Checker(rules, store).check(proof)


class Checker:
    """Checks many proofs against the same rules and facts (derived predicates evaluated once)."""

    def __init__(self, rules: Sequence[Rule], store: FactStore) -> None:
        self.rules = list(rules)
        self.store = store
        self.derived = derived(self.rules)
        self._model: Model | None = None
        self._edges_known = False
        self._by_clause: dict[tuple, Rule] = {}
        for rule in reversed(self.rules):  # the first rule wins on (impossible) duplicates
            self._by_clause[(rule.origin, str(rule))] = rule
        self.kinds: dict[str, Callable[[Proof], list[str]]] = {
            "rule": self._rule, "fact": self._fact, "absence": self._absence,
            "comparison": self._comparison, "reaches": self._reaches, "aggregate": self._aggregate,
        }

    def check(self, proof: Proof) -> list[str]:
        """Every problem of every node, in pre-order (depth-first with an explicit stack: a
        recursive rule over a long chain makes a proof thousands of levels deep)."""
        errors: list[str] = []
        path: dict = {}  # conclusions of the rule nodes above the current node (with counts)
        stack: list[tuple[Proof, bool]] = [(proof, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                path[node.conclusion] -= 1
                continue
            if self._node(node, path, errors) and node.children:
                if node.kind == "rule":
                    path[node.conclusion] = path.get(node.conclusion, 0) + 1
                    stack.append((node, True))
                stack += [(child, False) for child in reversed(node.children)]
        return errors

    def _node(self, node: Proof, path: dict, errors: list[str]) -> bool:
        """Check one node; False when its children are not to be walked."""
        where = f"{node.kind} node {node.id[:12]}"
        if node.id != content_id(node):
            errors.append(f"{where}: id does not match its content")
        check = self.kinds.get(node.kind)
        if check is None:
            errors.append(f"{where}: unknown kind")
            return False
        errors.extend(f"{where}: {e}" for e in check(node))
        if node.kind == "rule" and path.get(node.conclusion):
            errors.append(f"{where}: {node.conclusion} depends on itself (not well-founded)")
            return False
        return True

    def _rule(self, node: Proof) -> list[str]:
        rule = self._by_clause.get((node.origin, node.clause))
        if rule is None:
            return [f"no rule {node.clause!r} from {_origin(node.origin)}"]
        env = dict(node.bindings)
        if set(env) != rule_vars(rule):
            return [f"bindings {sorted(env)} do not bind the variables {sorted(rule_vars(rule))}"]
        if _instantiate(rule.head, env) != node.conclusion:
            return [f"head instance {_instantiate(rule.head, env)} is not the conclusion {node.conclusion}"]
        if len(node.children) != len(rule.body):
            return [f"{len(node.children)} children for {len(rule.body)} body literals"]
        return [e for item, child in zip(rule.body, node.children) for e in self._premise(item, child, env)]

    def _premise(self, item, child: Proof, env: dict) -> list[str]:
        if isinstance(item, Comparison):
            want = Comparison(item.op, _term(item.left, env), _term(item.right, env))
            return [] if child.kind == "comparison" and child.comparison == want else [f"premise {want} not matched"]
        if isinstance(item, Aggregate):
            group = ground_atom(item.pred, [env[v.name] for v in item.group])
            value = _term(item.result, env).value
            ok = child.kind == "aggregate" and child.conclusion == group and child.aggregate is not None \
                and child.aggregate[:2] == (item.op, value)
            return [] if ok else [f"premise {item} ({item.op} = {value}) not matched by {child.kind} {child.conclusion}"]
        atom = _instantiate(item.atom, env)
        kind = "absence" if item.negated else self._kind_of(atom.pred)
        if child.kind != kind or child.conclusion != atom:
            return [f"premise {'not ' if item.negated else ''}{atom} not matched by {child.kind} {child.conclusion}"]
        return []

    def _kind_of(self, pred: str) -> str:
        if pred in self.derived:
            return "rule"
        return "reaches" if pred in reaches.NATIVE else "fact"

    def _fact(self, node: Proof) -> list[str]:
        if node.conclusion is None or node.children:
            return ["malformed fact"]
        source = self.store.source(node.conclusion.pred, atom_values(node.conclusion))
        if source is None:
            return [f"{node.conclusion} is not a fact"]
        if source == node.source:
            return []
        return [f"{node.conclusion} has source {_source(source)}, not {_source(node.source)}"]

    def _absence(self, node: Proof) -> list[str]:
        if node.conclusion is None or node.children:
            return ["malformed absence"]
        pred, row = node.conclusion.pred, atom_values(node.conclusion)
        if pred in self.derived:
            present = row in self._derived_model(pred).rows(pred)
        elif pred == reaches.REACHES:
            self._ignored()
            present = bool(reaches.chain(self.store, *row))
        elif pred in reaches.IGNORED_BY:
            self._ignored()
            present = bool(reaches.chain(self.store, row[-2], row[-1], reaches.graph_key(pred, row)[0]))
        else:
            present = self.store.contains(pred, row)
        return [f"{node.conclusion} holds, so its absence is false"] if present else []

    def _comparison(self, node: Proof) -> list[str]:
        c = node.comparison
        if c is None or not isinstance(c.left, Const) or not isinstance(c.right, Const):
            return ["malformed comparison"]
        return [] if compare(c.op, c.left.value, c.right.value) else [f"{c} is false"]

    def _aggregate(self, node: Proof) -> list[str]:
        """The op over the helper's tuples for the group, recomputed from the facts, gives the
        node's value, count and digest; listed children are exactly those tuples."""
        if node.conclusion is None or node.aggregate is None or node.conclusion.pred not in self.derived:
            return ["malformed aggregate"]
        op, value, count, digest = node.aggregate
        group = atom_values(node.conclusion)
        rows = [r for r in self._derived_model(node.conclusion.pred).rows(node.conclusion.pred)
                if r[:len(group)] == group]
        errors = []
        if aggregate_value(op, (r[len(group):] for r in rows)) != value:
            errors.append(f"{op} is {aggregate_value(op, (r[len(group):] for r in rows))}, not {value}")
        if count != len(rows) or digest != tuples_digest(rows):
            errors.append(f"the counted tuples differ from the {len(rows)} tuples that hold")
        listed = {c.conclusion for c in node.children}
        if (node.children or len(rows) <= LISTED) and (
            listed != {ground_atom(node.conclusion.pred, r) for r in rows} or len(node.children) != len(rows)
            or any(c.kind != "rule" for c in node.children)
        ):
            errors.append("the listed tuples are not the tuples that hold")
        return errors

    def _reaches(self, node: Proof) -> list[str]:
        """An import chain; for reaches_except(G, …) (reaches_in(G, P, …)) each step is followed
        by the absence of ignore_import(G, A, B) (ignore_import_in(G, P, A, B)), checked as every
        absence is, by _absence."""
        if node.conclusion is None or not node.children:
            return ["malformed reaches"]
        values = atom_values(node.conclusion)
        pred = node.conclusion.pred
        graph, prefix = reaches.graph_key(pred, values)
        src, dst = values[-2:]
        stride = 1 if graph is None else 2
        if len(node.children) % stride:
            return ["malformed reaches_except"]
        at = src
        for i in range(0, len(node.children), stride):
            child = node.children[i]
            if child.kind != "fact" or child.conclusion is None or child.conclusion.pred != reaches.IMPORTS:
                return ["chain step is not an imports fact"]
            a, b = atom_values(child.conclusion)
            if a != at:
                return [f"chain breaks at {a} (expected {at})"]
            if graph is not None:
                skip = node.children[i + 1]
                want = Atom(reaches.IGNORED_BY[pred], tuple(Const(v) for v in (*prefix, a, b)))
                if skip.kind != "absence" or skip.conclusion != want:
                    return [f"step {a} -> {b} lacks the absence of {want}"]
            at = b
        return [] if at == dst else [f"chain ends at {at}, not {dst}"]

    def _ignored(self) -> None:
        """The graphs the native searches walk, from the rules (once): govern.datalog.reaches.prepare."""
        if not self._edges_known:
            reaches.prepare(self.rules, self.store)
            self._edges_known = True

    def _derived_model(self, pred: str) -> Model:
        if self._model is None:
            facts = self.store.as_mapping(base_preds(self.rules) & set(self.store.relations()))
            self._model = naive.solve(needed_rules(self.rules, self.derived), facts)
        return self._model


def _term(term, env: dict) -> Const:
    return term if isinstance(term, Const) else Const(env[term.name])


def _instantiate(atom: Atom, env: dict) -> Atom:
    return Atom(atom.pred, tuple(_term(t, env) for t in atom.args))


def _source(source) -> str:
    """`python app/a.py:3 <1a2b3c4>`: a fact's source as people read it (not a tuple repr)."""
    if source is None:
        return "no source"
    blob = f" <{source.blob[:7]}>" if source.blob else ""
    return f"{source.extractor} {source.location()}{blob}"


def _origin(origin) -> str:
    """`ADR-0002 rule-id (adr/0002-x.md:7)`."""
    return f"{origin.adr} {origin.rule} ({origin.path}:{origin.line})".strip()
