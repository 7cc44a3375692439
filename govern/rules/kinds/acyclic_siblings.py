"""acyclic-siblings: the children of a package must not import each other in a cycle
(import-linter's `acyclic_siblings`, grimp's squashed sibling graph).

The packages checked are the `ancestors` and, `depth` levels down (default 10), their
descendants, except the `skip-descendants` and everything below them (as import-linter walks
them). For a checked package P, child A depends on child B when a module in A (or A itself)
imports a module in B. Each import from A into B, when B depends back on A through the
children of P, is a finding: the importer's file, the imported module as target. An import
belongs to one package only (the deepest holding both modules), so it is one finding.
import-linter reports the same contracts broken and names a few of these imports (the cycle
breakers it nominates); govern lists every import on a cycle, each with a proof.

The walk is unrolled into one `visit<k>_<rule>` predicate per level (no arithmetic); the
dependency between children is recursive over the (small) sibling relation only.
"""
from __future__ import annotations

from govern.rules.kinds.base import KindInput, Steps, any_of, clause, module_is, module_pattern, text, unreadable_clause

DEFAULT_DEPTH = 10


def default_message(block: dict) -> str:
    ancestors = block["ancestors"] if isinstance(block["ancestors"], list) else [block["ancestors"]]
    return f"the children of {', '.join(ancestors)} (and of their packages) must not import each other in a cycle"


def compile(kind: KindInput) -> str:
    slug = kind.slug
    ancestors = [p for path, v in kind.items("ancestors") if (p := module_pattern(kind, path, v))]
    for path, value in kind.items("ancestors"):
        if isinstance(value, str):
            kind.must_match(path, value)
    skips = [p for path, v in kind.items("skip-descendants") if (p := module_pattern(kind, path, v))]
    for path, value in kind.items("skip-descendants"):
        if isinstance(value, str):
            kind.must_match(path, value)
        if value in kind.values("ancestors"):
            kind.error(path, f"{value!r} is an ancestor too: it cannot be skipped")
    depth = kind.block.get("depth", DEFAULT_DEPTH)
    clauses = [clause(f"visit0_{slug}(P)", [module_is("P", a)]) for a in ancestors]
    skip_literal = []
    if skips:
        more, literal = any_of(f"skip_{slug}", "C", skips, lambda s: module_is("C", s))
        clauses += more
        skip_literal = [f"not {literal}"]
    for level in range(1, depth + 1):
        clauses.append(clause(f"visit{level}_{slug}(C)", [f"visit{level - 1}_{slug}(P)", "in_child(_, P, C)", *skip_literal]))
    checked = f"checked_{slug}"
    clauses += [clause(f"{checked}(P)", [f"visit{level}_{slug}(P)"]) for level in range(depth + 1)]
    clauses.append(unreadable_clause(kind, ["module(M, F)", "in_child(M, P, _)", f"{checked}(P)"]))
    steps = Steps(kind)
    key = kind.rule_id if steps.own_graph() else None
    clauses += steps.graphs([key] if key else [])
    # S in child A of a checked package P imports D; in child B of P too when B != A. (Two
    # joins, not one of three: clingo grounds a three-way join of these ~30x slower.)
    out_of, edge, depends = f"out_of_{slug}", f"edge_{slug}", f"depends_{slug}"
    clauses.append(clause(f"{out_of}(S, D, P, A)", [*steps.step("S", "D", key), "in_child(S, P, A)", f"{checked}(P)"]))
    sibling = [f"{out_of}(S, D, P, A)", "in_child(D, P, B)", "A != B"]
    clauses.append(clause(f"{edge}(P, A, B)", sibling))
    clauses.append(clause(f"{depends}(P, A, B)", [f"{edge}(P, A, B)"]))
    clauses.append(clause(f"{depends}(P, A, C)", [f"{depends}(P, A, B)", f"{edge}(P, B, C)"]))
    clauses.append(clause(kind.violation("F", "D"), [*sibling, f"{depends}(P, B, A)", "module(S, F)"]))
    return text(clauses)
