"""independent: none of the listed modules may import another of them.

`chains: unmediated` (with `transitive`): a chain through a third listed module does not
count for that pair (import-linter's semantics); each listed module then searches a graph
of its own, without the imports made by the other listed modules.
"""
from __future__ import annotations

from govern.rules.kinds.base import (
    KindInput,
    Steps,
    check_disjoint,
    clause,
    module_is,
    module_name,
    q,
    text,
    unmediated_patterns,
    unreadable_clause,
)


def default_message(block: dict) -> str:
    return f"{', '.join(block['modules'])} must stay independent of each other"


def compile(kind: KindInput) -> str:
    """An `independent_<rule>(Module, Name)` helper, then the violation clauses. A module
    pattern (`pkg.*`) lists every module it matches, each independent of the others (as
    import-linter expands it): Name is then the matched module."""
    helper = f"independent_{kind.slug}"
    clauses, named = [], []
    for path, name in kind.items("modules"):
        if module_name(kind, path, name) is not None:
            named.append((path, name))
            kind.must_match(path, name)
            if "*" in name:
                clauses.append(clause(f"{helper}(M, Q)", ["in_child(M, _, Q)", module_is("Q", name)]))
            else:
                clauses.append(clause(f"{helper}(M, {q(name)})", [f"under(M, {q(name)})"]))
    check_disjoint(kind, named)
    unmediated_patterns(kind, named, "module")
    clauses.append(unreadable_clause(kind, ["module(M, F)", f"{helper}(M, _)"]))
    steps = Steps(kind)
    if kind.block.get("chains") == "unmediated" and steps.transitive:
        keys = {name: f"{kind.rule_id}/{name}" for _, name in named}
        clauses += steps.graphs(list(keys.values()), {
            key: [[f"{helper}(S, N)", f"N != {q(name)}", "imports(S, D)"]] for name, key in keys.items()
        })
        for name, key in keys.items():
            body = ["module(M, F)", f"{helper}(M, {q(name)})", *steps.step("M", "D", key), f"{helper}(D, B)", f"B != {q(name)}"]
            clauses.append(clause(kind.violation("F", "B"), body))
        return text(clauses)
    key = kind.rule_id if steps.own_graph() else None
    clauses += steps.graphs([key] if key else [])
    body = ["module(M, F)", f"{helper}(M, A)", *steps.step("M", "D", key), f"{helper}(D, B)", "A != B"]
    # For a chain the target is the module group it reaches (one finding per group, one witness
    # chain each); for a direct import, the imported module.
    clauses.append(clause(kind.violation("F", "B" if steps.transitive else "D"), body))
    return text(clauses)
