"""Read proof JSON (govern.datalog.proof.Proof.to_json()) for locations: the base facts a
proof rests on, in premise order, with their `file:line`. Renderers use it for SARIF code
flows and the judge for a finding's location; it never needs the engine or the store."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from govern.datalog.model import format_value


@dataclass(frozen=True)
class FactLeaf:
    """A base fact of a proof and where it was read (line 0: the whole file)."""

    text: str
    path: str
    line: int

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


def fact_leaves(proof: Mapping[str, Any]) -> list[FactLeaf]:
    """Every base fact with a file behind it, depth-first in premise order, without repeats."""
    seen: set[FactLeaf] = set()
    out = []
    for leaf in _walk(proof):
        if leaf not in seen:
            seen.add(leaf)
            out.append(leaf)
    return out


def subject_location(proof: Mapping[str, Any], subject: str) -> str:
    """`file:line` of the proof's first fact read from the subject file, else the subject."""
    for leaf in fact_leaves(proof):
        if leaf.path == subject and leaf.line:
            return leaf.location
    return subject


def _walk(node: Any) -> Iterator[FactLeaf]:
    if not isinstance(node, Mapping):
        return
    source = node.get("source")
    if node.get("kind") == "fact" and isinstance(source, Mapping) and source.get("path"):
        yield FactLeaf(_text(node.get("conclusion")), str(source["path"]), int(source.get("line") or 0))
    for child in node.get("children") or ():
        yield from _walk(child)


def _text(conclusion: Any) -> str:
    """`pred("a", 1)` from a proof node's conclusion ({"pred", "args"})."""
    if not isinstance(conclusion, Mapping):
        return ""
    args = conclusion.get("args") or []
    return f"{conclusion.get('pred')}({', '.join(format_value(a) for a in args)})"
