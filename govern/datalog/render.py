"""A short text rendering of a proof tree, for the CLI.

    violation("no-orm", "app/api/x.py", "…")  ADR-0007 no-orm  adr/0007-x.md:14
    │ M = "app.api.x", F = "app/api/x.py"
    ├─ module("app.api.x", "app/api/x.py")  app/api/x.py
    ├─ reaches app.api.x (app/api/x.py:3) → app.db (app/db.py:7) → sqlalchemy
    ├─ not exempt("no-orm", "app/api/x.py", _): not in the facts, not derivable
    └─ "a" < "b"
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from govern.datalog.model import Atom, format_value

if TYPE_CHECKING:  # proof.py re-exports render_tree, so no runtime import back
    from govern.datalog.proof import Proof


def render_tree(proof: Proof, max_depth: int = 6) -> str:
    """The proof as indented lines (deeper nodes elided with '…')."""
    lines = [_label(proof)]
    if proof.kind == "rule" and _shown(proof):
        lines.append("│ " + _shown(proof))
    _children(proof, "", max_depth - 1, lines)
    return "\n".join(lines)


def _children(node: Proof, prefix: str, depth: int, lines: list[str]) -> None:
    if node.kind == "reaches":
        return  # the chain is on the node's own line
    for i, child in enumerate(node.children):
        last = i == len(node.children) - 1
        lines.append(prefix + ("└─ " if last else "├─ ") + _label(child))
        below = prefix + ("   " if last else "│  ")
        if child.kind == "rule" and _shown(child):
            lines.append(below + "│ " + _shown(child))
        if child.children and child.kind != "reaches":
            if depth <= 0:
                lines.append(below + "└─ …")
            else:
                _children(child, below, depth - 1, lines)


def _shown(node: Proof) -> str:
    """The bindings worth reading (anonymous `_` variables are left out)."""
    return ", ".join(f"{n} = {format_value(v)}" for n, v in node.bindings if not n.startswith("_"))


def _rule(node: Proof) -> str:
    o = node.origin
    where = f"  {' '.join(x for x in (o.adr, o.rule) if x)}  {o.path}:{o.line}" if o else ""
    return f"{node.conclusion}{where}"


def _fact(node: Proof) -> str:
    return f"{node.conclusion}  {node.source.location() if node.source else ''}".rstrip()


def _absence(node: Proof) -> str:
    return f"not {node.conclusion}: not in the facts, not derivable"


def _comparison(node: Proof) -> str:
    return str(node.comparison)


def _reaches(node: Proof) -> str:
    """reaches a.b (a/b.py:3) → c.d (c/d.py:7) → e"""
    steps = []
    for child in node.children:
        if child.kind != "fact":
            continue  # reaches_except, reaches_in: the absence of each ignored step, checked, not shown
        src, _ = atom_values(child.conclusion)
        steps.append(f"{src} ({child.source.location()})" if child.source else str(src))
    steps.append(str(atom_values(node.conclusion)[-1]))
    values = atom_values(node.conclusion)
    graph = f" ({', '.join(map(str, values[:-2]))})" if len(values) > 2 else ""
    return f"reaches{graph} " + " → ".join(steps)


def _aggregate(node: Proof) -> str:
    """count = 3 over 3 tuples of aggregate@12:5("app.db") (digest 1a2b3c4d5e6f)"""
    op, value, count, digest = node.aggregate
    listed = "" if node.children or not count else f", {digest[:12]}: not listed"
    return f"{op} = {format_value(value)} over {count} tuple{'s' * (count != 1)} of {node.conclusion}{listed}"


LABELS: dict[str, Callable[[Proof], str]] = {
    "rule": _rule, "fact": _fact, "absence": _absence, "comparison": _comparison, "reaches": _reaches,
    "aggregate": _aggregate,
}


def atom_values(atom: Atom) -> tuple:
    return tuple(a.value for a in atom.args)  # type: ignore[union-attr]


def _label(node: Proof) -> str:
    return LABELS.get(node.kind, lambda n: n.kind)(node)
