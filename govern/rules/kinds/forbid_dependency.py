"""forbid-dependency: no manifest in `in` may declare a distribution matching `packages`."""
from __future__ import annotations

from govern.rules.kinds.base import KindInput, clause, dist_patterns, manifest_filter, q, text


def default_message(block: dict) -> str:
    packages = block["packages"] if isinstance(block["packages"], list) else [block["packages"]]
    return f"must not depend on {', '.join(packages)}"


def compile(kind: KindInput) -> str:
    """One violation clause per package: exact names are constants, globs go through dist_match."""
    clauses, where = manifest_filter(kind)
    for name, is_glob in dist_patterns(kind):
        declared = ["declares(P, D)", f"dist_match(D, {q(name)})"] if is_glob else [f"declares(P, {q(name)})"]
        clauses.append(clause(kind.violation("P"), declared + where))
    return text(clauses)
