"""require-owner: every file under `paths` has a CODEOWNERS owner."""
from __future__ import annotations

from govern.rules.kinds.base import KindInput, any_of, clause, q, text


def default_message(block: dict) -> str:
    return "has no CODEOWNERS owner"


def compile(kind: KindInput) -> str:
    """An `owned_<rule>(File)` helper (negation needs a named projection), then one violation clause."""
    helpers, path_lit = any_of(f"paths_{kind.slug}", "F", kind.values("paths"), lambda p: f"glob(F, {q(p)})")
    owned = f"owned_{kind.slug}"
    clauses = helpers + [clause(f"{owned}(F)", ["owner(F, _)"])]
    clauses.append(clause(kind.violation("F", q("")), [path_lit, f"not {owned}(F)"]))
    return text(clauses)
