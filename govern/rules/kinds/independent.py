"""independent: none of the listed modules may import another of them."""
from __future__ import annotations

from govern.rules.kinds.base import KindInput, check_disjoint, clause, module_prefix, q, text, transitive_relation


def default_message(block: dict) -> str:
    return f"{', '.join(block['modules'])} must stay independent of each other"


def compile(kind: KindInput) -> str:
    """An `independent_<rule>(Module, Name)` helper, then one violation clause."""
    helper = f"independent_{kind.slug}"
    clauses, named = [], []
    for path, name in kind.items("modules"):
        if module_prefix(kind, path, name) is not None:
            named.append((path, name))
            clauses.append(clause(f"{helper}(M, {q(name)})", [f"under(M, {q(name)})"]))
    check_disjoint(kind, named)
    relation = transitive_relation(kind)
    body = ["module(M, F)", f"{helper}(M, A)", f"{relation}(M, D)", f"{helper}(D, B)", "A != B"]
    clauses.append(clause(kind.violation("F", "D"), body))
    return text(clauses)
