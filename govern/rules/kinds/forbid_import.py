"""forbid-import: files in `from` (not in `except`) must not import modules matching `to`."""
from __future__ import annotations

from govern.rules.kinds.base import (
    KindInput,
    any_of,
    clause,
    merge_targets,
    module_target,
    q,
    target_body,
    text,
    transitive_relation,
)


def default_message(block: dict) -> str:
    to = block["to"] if isinstance(block["to"], list) else [block["to"]]
    return f"must not import {', '.join(to)}"


def compile(kind: KindInput) -> str:
    """One violation clause per `to` module ('a' with 'a.*' is one); several from/except globs become helpers."""
    helpers, from_lit = any_of(f"from_{kind.slug}", "F", kind.values("from"), lambda p: f"glob(F, {q(p)})")
    body = [from_lit]
    if kind.values("except"):
        more, except_lit = any_of(f"except_{kind.slug}", "F", kind.values("except"), lambda p: f"glob(F, {q(p)})")
        helpers += more
        body.append(f"not {except_lit}")
    body.append("module(M, F)")
    relation = transitive_relation(kind)
    clauses = list(helpers)
    targets = [t for path, pattern in kind.items("to") if (t := module_target(kind, path, pattern))]
    for target in merge_targets(targets):
        imported, literals = target_body(relation, "M", target)
        clauses.append(clause(kind.violation("F", imported), body + literals))
    return text(clauses)
