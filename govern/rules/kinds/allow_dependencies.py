"""allow-dependencies: manifests in `in` may declare (in `groups`) only distributions matching `packages`."""
from __future__ import annotations

from govern.rules.kinds.base import KindInput, clause, declaration, dist_patterns, manifest_filter, q, text


def default_message(block: dict) -> str:
    packages = block["packages"] if isinstance(block["packages"], list) else [block["packages"]]
    return f"declares a dependency outside the allowed list: {', '.join(packages)}"


def compile(kind: KindInput) -> str:
    """An `allowed_<rule>(Dist)` helper (facts for names, dist_match for globs), then one violation clause."""
    allowed = f"allowed_{kind.slug}"
    clauses, where = manifest_filter(kind)
    for name, is_glob in dist_patterns(kind):
        if is_glob:
            clauses.append(clause(f"{allowed}(D)", ["declares(_, D)", f"dist_match(D, {q(name)})"]))
        else:
            clauses.append(clause(f"{allowed}({q(name)})", []))
    helpers, declared = declaration(kind, "P", "D")
    clauses += helpers
    clauses.append(clause(kind.violation("P", "D"), declared + where + [f"not {allowed}(D)"]))
    return text(clauses)
