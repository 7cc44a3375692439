"""forbid-dependency: no manifest in `in` may declare a distribution matching `packages`."""
from __future__ import annotations

from govern.rules.kinds.base import KindInput, any_of, clause, dist_pattern, q, text


def default_message(block: dict) -> str:
    packages = block["packages"] if isinstance(block["packages"], list) else [block["packages"]]
    return f"must not depend on {', '.join(packages)}"


def manifest_filter(kind: KindInput) -> tuple[list[str], list[str]]:
    """Helpers and body literals restricting the manifest P to the `in` globs (none: all manifests)."""
    if not kind.values("in"):
        return [], []
    helpers, literal = any_of(f"in_{kind.slug}", "P", kind.values("in"), lambda p: f"glob(P, {q(p)})")
    return helpers, [literal]


def compile(kind: KindInput) -> str:
    """One violation clause per package: exact names are constants, globs go through dist_match."""
    clauses, where = manifest_filter(kind)
    for path, value in kind.items("packages"):
        dist = dist_pattern(kind, path, value)
        if dist is None:
            continue
        name, is_glob = dist
        declared = ["declares(P, D)", f"dist_match(D, {q(name)})"] if is_glob else [f"declares(P, {q(name)})"]
        clauses.append(clause(kind.violation("P"), declared + where))
    return text(clauses)
