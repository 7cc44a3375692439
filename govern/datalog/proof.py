"""Proof trees: first-class, content-addressed, checkable data.

Kinds of node:

* ``rule`` — a rule instance: the conclusion, the rule's Origin (ADR, rule id,
  file:line, text), the exact clause, the variable bindings, and one child per
  body literal in the clause's order;
* ``fact`` — a base fact with its Source (extractor, file:line, blob);
* ``absence`` — for ``not p(…)``: the ground atom is not in the facts and not derivable;
* ``comparison`` — a checked comparison with its values;
* ``reaches`` — ``reaches(S, D)`` whose children are the ``imports`` facts of the chain;
* ``aggregate`` — ``Result = op { … }`` for the group's values: the conclusion is the helper
  predicate applied to the group values, ``aggregate`` holds (op, value, count, digest), and
  the children prove each counted tuple (left out above ``LISTED`` tuples: the digest, the
  sha256 of the sorted tuples, still pins them and ``--verify`` recomputes them).

A node's id is the sha256 of the canonical JSON of the node without its id,
children replaced by their ids; identical sub-proofs share an id.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from govern.facts.model import Source
from govern.datalog.model import Atom, Comparison, Const, Origin, Value, sort_rows

KINDS = ("rule", "fact", "absence", "comparison", "reaches", "aggregate")
# An aggregate's proof lists the counted tuples up to this many; above, their digest only.
LISTED = 50


@dataclass(frozen=True, eq=False)
class Proof:
    kind: str
    conclusion: Atom | None = None
    children: tuple["Proof", ...] = ()
    origin: Origin | None = None
    clause: str = ""
    bindings: tuple[tuple[str, Value], ...] = ()
    source: Source | None = None
    comparison: Comparison | None = None
    aggregate: tuple[str, Value, int, str] | None = None  # (op, value, count, digest of the tuples)
    # Content hash; computed when not given (from_json keeps the stored one so checks can compare).
    id: str = field(default="", compare=True)

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", content_id(self))

    # Equal nodes: the same content, children compared by their ids. Not field by field:
    # the dataclass default would recurse down the whole proof (thousands of levels deep).
    def _key(self) -> tuple:
        return (self.id, self.kind, self.conclusion, self.origin, self.clause, self.bindings, self.source,
                self.comparison, self.aggregate, tuple(child.id for child in self.children))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Proof) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self.id)

    def to_json(self, memo: dict[int, tuple["Proof", dict[str, Any]]] | None = None) -> dict[str, Any]:
        """The node and its children as JSON-ready data (ints and strings only).

        A sub-proof shared by several parents (the prover reuses nodes) is converted once:
        pass the same `memo` to convert many proofs, and their shared sub-proofs become the
        same dict (do not mutate the result). Keyed by object identity, not by the stored
        id, so a tampered proof read by from_json is never merged with another node.
        """
        memo = {} if memo is None else memo
        for node in _post_order(self, lambda n: n.children, lambda n: id(n) in memo):
            data = _content(node)
            data["children"] = [memo[id(child)][1] for child in node.children]
            data["id"] = node.id
            memo[id(node)] = (node, data)  # the node is kept alive so its id() is not reused
        return memo[id(self)][1]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Proof":
        """Inverse of to_json (the stored ids are kept, not recomputed). A dict shared by
        several parents becomes one node."""
        built: dict[int, Proof] = {}
        for item in _post_order(data, lambda d: d.get("children", []), lambda d: id(d) in built):
            built[id(item)] = cls._node(item, tuple(built[id(c)] for c in item.get("children", [])))
        return built[id(data)]

    @classmethod
    def _node(cls, data: dict[str, Any], children: tuple["Proof", ...]) -> "Proof":
        rule = data.get("rule")
        comparison = data.get("comparison")
        source = data.get("source")
        return cls(
            kind=data["kind"],
            conclusion=_atom_from(data["conclusion"]) if "conclusion" in data else None,
            children=children,
            origin=Origin(rule["adr"], rule["rule"], rule["path"], rule["line"], rule["text"]) if rule else None,
            clause=rule["clause"] if rule else "",
            bindings=tuple(sorted(data.get("bindings", {}).items())),
            source=Source(source["extractor"], source["path"], source["line"], source["blob"]) if source else None,
            comparison=(
                Comparison(comparison["op"], Const(comparison["left"]), Const(comparison["right"]))
                if comparison else None
            ),
            aggregate=(
                (agg["op"], agg["value"], agg["count"], agg["digest"]) if (agg := data.get("aggregate")) else None
            ),
            id=data.get("id", ""),
        )

    def dumps(self) -> str:
        """Canonical JSON text: sorted keys, UTF-8, no whitespace."""
        return canonical(self.to_json())


# One encoder for every node: json.dumps with these options builds a new one per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical(data: Any) -> str:
    return escape_surrogates(_CANONICAL.encode(data))


# A path that is not valid UTF-8 reaches govern as a str with lone surrogates (git's bytes
# decoded with surrogateescape, facts.tree). json.dumps(ensure_ascii=False) leaves them raw, and
# raw surrogates cannot be encoded to UTF-8: write each as its JSON escape instead. json.loads
# reads it back to the same str, and the text stays distinct from a name spelling a backslash.
_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """JSON text with every lone surrogate written as its `\\uXXXX` escape (valid UTF-8)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _post_order(root, children, done) -> list:
    """The nodes below `root` (itself last), each after its children, without recursion;
    those `done` says are built already are skipped (with what is below them)."""
    out, stack, seen = [], [(root, False)], set()
    while stack:
        node, expanded = stack.pop()
        if expanded:
            out.append(node)
        elif id(node) not in seen and not done(node):
            seen.add(id(node))
            stack.append((node, True))
            stack += [(child, False) for child in reversed(children(node))]
    return out


def content_id(node: Proof) -> str:
    """sha256 of the node's canonical JSON without its id, children by id."""
    data = _content(node)
    data["children"] = [child.id for child in node.children]
    return hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()


def flat_id(flat: dict[str, Any]) -> str:
    """The id of a node given as its JSON with `children` the children's ids (a proof table's
    node, govern.verdict.proof_table): the same hash as content_id."""
    return hashlib.sha256(canonical(flat).encode("utf-8")).hexdigest()


def ground_atom(pred: str, values: Sequence[Value]) -> Atom:
    return Atom(pred, tuple(Const(v) for v in values))


def atom_values(atom: Atom) -> tuple[Value, ...]:
    """The values of a ground atom."""
    return tuple(a.value for a in atom.args)  # type: ignore[union-attr]


def _content(node: Proof) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": node.kind}
    if node.conclusion is not None:
        data["conclusion"] = {"pred": node.conclusion.pred, "args": list(atom_values(node.conclusion))}
    if node.origin is not None:
        o = node.origin
        data["rule"] = {"adr": o.adr, "rule": o.rule, "path": o.path, "line": o.line, "text": o.text,
                        "clause": node.clause}
    if node.bindings:
        data["bindings"] = dict(node.bindings)
    if node.source is not None:
        s = node.source
        data["source"] = {"extractor": s.extractor, "path": s.path, "line": s.line, "blob": s.blob}
    if node.comparison is not None:
        c = node.comparison
        data["comparison"] = {"op": c.op, "left": c.left.value, "right": c.right.value}  # type: ignore[union-attr]
    if node.aggregate is not None:
        op, value, count, digest = node.aggregate
        data["aggregate"] = {"op": op, "value": value, "count": count, "digest": digest}
    return data


def tuples_digest(rows) -> str:
    """sha256 of the canonical JSON of the rows in value order (an aggregate's counted tuples)."""
    return hashlib.sha256(canonical([list(r) for r in sort_rows(rows)]).encode("utf-8")).hexdigest()


def _atom_from(data: dict[str, Any]) -> Atom:
    return ground_atom(data["pred"], data["args"])


def prove(goal_atom: Atom, rules, store) -> Proof:
    """A well-founded proof of a ground atom the rules derive from the store's facts.

    Convenience for one goal; build a `govern.datalog.prover.Prover` to prove many
    (it evaluates the private predicates once).
    """
    from govern.datalog.prover import Prover  # prover builds Proof nodes: import at call time

    return Prover(rules, store).prove(goal_atom)


# Re-exported for callers that render what they load (render.py imports this module,
# so the import sits below the definitions it needs).
from govern.datalog.render import render_tree  # noqa: E402,F401
