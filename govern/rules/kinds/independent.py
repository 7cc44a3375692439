"""independent: none of the listed modules may import another of them.

`chains: unmediated` (with `transitive`): a chain through a third listed module does not
count for that pair (import-linter's semantics); each listed module (each module a pattern
matches, on the tree judged) then searches a graph of its own, without the imports made by
the other listed modules: `reaches_in("<rule>", P, M, D)`, one graph per part P.
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
    if any("*" in name for _, name in named):  # overlapping names are refused when the rule compiles; matches, here
        message = "listed modules must not overlap: this one is inside another (a module would be compared with itself)"
        clauses.append(clause(f"violation({q(kind.rule_id)}, Q, P, {q(message)})", [f"{helper}(Q, P)", "P != Q", f"{helper}(_, Q)"]))
    clauses.append(unreadable_clause(kind, ["module(M, F)", f"{helper}(M, _)"]))
    steps = Steps(kind)
    if kind.block.get("chains") == "unmediated" and steps.transitive:
        # One graph per listed module P (a part): without the imports of the other listed modules.
        part = f"part_{kind.slug}"
        clauses.append(clause(f"{part}(P)", [f"{helper}(_, P)"]))
        clauses += steps.part_graphs(kind.rule_id, f"{part}(P)", [[f"{helper}(S, N)", "N != P", "imports(S, D)"]])
        body = ["module(M, F)", f"{helper}(M, P)", *steps.step_in(kind.rule_id, "P", "M", "D"), f"{helper}(D, B)", "B != P"]
        clauses.append(clause(kind.violation("F", "B"), body))
        return text(clauses)
    key = kind.rule_id if steps.own_graph() else None
    clauses += steps.graphs([key] if key else [])
    body = ["module(M, F)", f"{helper}(M, A)", *steps.step("M", "D", key), f"{helper}(D, B)", "A != B"]
    # For a chain the target is the module group it reaches (one finding per group, one witness
    # chain each); for a direct import, the imported module.
    clauses.append(clause(kind.violation("F", "B" if steps.transitive else "D"), body))
    return text(clauses)
