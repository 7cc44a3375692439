"""layers: high → low; a lower layer must not import a higher one, nor a sibling a sibling.

Each entry is a module prefix or a list of sibling prefixes. With `containers`, the
layer names are relative to each container package and imports are only compared
inside one container (as import-linter does).
"""
from __future__ import annotations

from govern.rules.kinds.base import KindInput, check_disjoint, clause, module_prefix, q, text, transitive_relation


def default_message(block: dict) -> str:
    names = [e if isinstance(e, str) else "[" + ", ".join(e) + "]" for e in block["layers"]]
    return f"layers (high to low): {' > '.join(names)}; a lower layer must not import a higher one"


def compile(kind: KindInput) -> str:
    """A `layer_<rule>(Module, Rank, Name, Container)` helper per prefix, then two violation clauses."""
    layer = f"layer_{kind.slug}"
    containers = [(p, module_prefix(kind, p, c)) for p, c in kind.items("containers")] or [((), "")]
    clauses, siblings, named = [], False, []
    for rank, entry in enumerate(kind.block["layers"]):
        group = [(("layers", rank), entry)] if isinstance(entry, str) else [(("layers", rank, i), n) for i, n in enumerate(entry)]
        siblings |= len(group) > 1
        for path, name in group:
            if module_prefix(kind, path, name) is None:
                continue
            named.append((path, name))
            for _, container in containers:
                if container is None:
                    continue
                prefix = f"{container}.{name}" if container else name
                clauses.append(clause(f"{layer}(M, {rank}, {q(name)}, {q(container)})", [f"under(M, {q(prefix)})"]))
    check_disjoint(kind, named)
    relation = transitive_relation(kind)
    importer = ["module(M, F)", f"{layer}(M, Low, _, C)", f"{relation}(M, D)", f"{layer}(D, High, _, C)", "Low > High"]
    clauses.append(clause(kind.violation("F", "D"), importer))
    if siblings:
        sibling = ["module(M, F)", f"{layer}(M, R, A, C)", f"{relation}(M, D)", f"{layer}(D, R, B, C)", "A != B"]
        clauses.append(clause(kind.violation("F", "D"), sibling))
    return text(clauses)
