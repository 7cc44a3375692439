"""A verdict's proofs as one flat table: {node id: node}, findings naming their root node's id.

In memory a finding's proof is the nested JSON of `Proof.to_json()` (sub-proofs shared between
findings are the same dict). Written out, that nesting repeats every shared sub-proof once per
parent (12.7 MB of verdict for 2,000 modules of heavy legacy debt, 5.5 MB of it repeats) and
makes `json` recurse once per level (a proof chain thousands deep overflows it). In the table
each node is stored once, under its id (the content hash), with `children` the list of its
children's ids: every node is a flat object, whatever the proof's depth.

Both directions walk with an explicit stack. Reading is strict: a child id missing from the
table, a node that is its own descendant, or two different nodes claiming one id is a
ValueError (the caller reports it as a malformed verdict), never a silent merge or a hang.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def add(table: dict[str, dict[str, Any]], proof: Mapping[str, Any]) -> Any:
    """Put the nodes of a nested proof into `table` (each once); return what the finding keeps:
    the root's id, or a built-in check's record (no `kind`) as it is."""
    if "kind" not in proof:
        return dict(proof)
    stack = [proof]
    while stack:
        node = stack.pop()
        flat = {k: v for k, v in node.items() if k not in ("id", "children")}
        flat["children"] = [child["id"] for child in node.get("children") or ()]
        known = table.get(node["id"])
        if known is not None:
            if known != flat:
                raise ValueError(f"two different proof nodes claim the id {str(node['id'])[:12]}")
            continue
        table[node["id"]] = flat
        stack += node.get("children") or ()
    return proof["id"]


def nested(table: Mapping[str, Any], root: Any, built: dict[str, dict[str, Any]]) -> Any:
    """The nested proof (as Proof.to_json gives it) of the finding field `root`: a node id of
    `table`, a built-in check's record, or a nested proof of a format-1 verdict (kept as is).
    `built` is shared between the calls of one verdict so shared sub-proofs stay one dict."""
    if root is None or isinstance(root, Mapping):
        return root
    on_path: set[str] = set()
    stack: list[tuple[str, bool]] = [(root, False)]
    while stack:
        nid, leaving = stack.pop()
        if leaving:
            node = table[nid]
            built[nid] = {**{k: v for k, v in node.items() if k != "children"},
                          "children": [built[c] for c in node["children"]], "id": nid}
            on_path.discard(nid)
            continue
        if not isinstance(nid, str):
            raise ValueError(f"a proof node is named by its id, not {type(nid).__name__}")
        if nid in built:
            continue
        if nid in on_path:
            raise ValueError(f"proof node {nid[:12]} is its own descendant")
        node = table.get(nid)
        if not isinstance(node, Mapping) or not isinstance(node.get("children"), list):
            raise ValueError(f"proof node {str(nid)[:12]!r} is not in the proof table")
        on_path.add(nid)
        stack.append((nid, True))
        stack += [(child, False) for child in reversed(node["children"])]
    return built[root]
