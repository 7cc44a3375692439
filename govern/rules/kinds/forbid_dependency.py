"""forbid-dependency: no manifest in `in` may declare (in `groups`) a distribution matching `packages`."""
from __future__ import annotations

from govern.rules.kinds.base import KindInput, clause, declaration, dist_patterns, manifest_filter, q, text


def default_message(block: dict) -> str:
    packages = block["packages"] if isinstance(block["packages"], list) else [block["packages"]]
    return f"must not depend on {', '.join(packages)}"


def compile(kind: KindInput) -> str:
    """One violation clause per package: exact names are constants, globs go through dist_match."""
    clauses, where = manifest_filter(kind)
    for name, is_glob in dist_patterns(kind):
        helpers, declared = declaration(kind, "P", "D" if is_glob else q(name))
        clauses += [h for h in helpers if h not in clauses]
        declared += [f"dist_match(D, {q(name)})"] if is_glob else []
        clauses.append(clause(kind.violation("P", "D" if is_glob else q(name)), declared + where))
    return text(clauses)
