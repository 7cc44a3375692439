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

    pred: str
    args: tuple
    path: str
    line: int

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def text(self) -> str:
        """`pred("a", 1)`."""
        return f"{self.pred}({', '.join(format_value(a) for a in self.args)})"


def fact_leaves(proof: Mapping[str, Any]) -> list[FactLeaf]:
    """Every base fact with a file behind it, depth-first in premise order, without repeats."""
    return list(dict.fromkeys(_walk(proof)))


def subject_location(proof: Mapping[str, Any], subject: str) -> str:
    """`file:line` of the proof's first fact read from the subject file, else the subject."""
    # Lazy walk: the importing line is usually among the first leaves of a big proof.
    for leaf in _walk(proof):
        if leaf.path == subject and leaf.line:
            return leaf.location
    return subject


def _walk(root: Any) -> Iterator[FactLeaf]:
    """Pre-order, with an explicit stack (a proof can be thousands of levels deep)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, Mapping):
            continue
        source = node.get("source")
        if node.get("kind") == "fact" and isinstance(source, Mapping) and source.get("path"):
            conclusion = node.get("conclusion") or {}
            yield FactLeaf(str(conclusion.get("pred", "")), tuple(conclusion.get("args") or ()),
                           str(source["path"]), int(source.get("line") or 0))
        stack += reversed(node.get("children") or ())
